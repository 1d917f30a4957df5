"""The search backend interface, and the text handling every backend shares.

A backend indexes `SearchDocument`s and answers tenant-, type- and owner-scoped queries.
The helpers below turn user text into one "search form" and one list of query terms, so
that the SQLite and PostgreSQL backends tokenize identically (same hits for the same
input, whatever the database's tokenizer or locale would do on its own), and they build
the plain-text snippet all backends return.
"""

from __future__ import annotations

import abc
import functools
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from core.manifest import SearchDocument

__all__ = [
    "MAX_TERM_CHARS",
    "MAX_TERMS",
    "QueryTerm",
    "SearchBackend",
    "SearchDocument",
    "SearchResult",
    "clean_text",
    "latest_per_key",
    "make_snippet",
    "query_terms",
    "search_form",
]


@dataclass(frozen=True)
class SearchResult:
    """One hit: which record, its title, a plain-text excerpt around the match, a score.

    Scores are only comparable within one result list (each backend has its own scale);
    higher is better.
    """

    type: str
    record_id: int
    title: str
    snippet: str
    score: float


class SearchBackend(abc.ABC):
    """Where search documents live and how they are queried.

    `transactional` is True when writes run on the caller's database connection, so they
    commit or roll back with the caller's transaction; core then indexes inside the
    transaction. When False (an external engine), core calls `upsert`/`remove` after commit.
    """

    transactional: bool

    @abc.abstractmethod
    async def prepare(self) -> None:
        """Create tables, indexes or engine settings. Idempotent."""

    @abc.abstractmethod
    async def upsert(self, docs: list[SearchDocument]) -> None:
        """Insert or replace documents, keyed by (tenant_id, type, record_id)."""

    @abc.abstractmethod
    async def remove(self, tenant_id: int, type: str, record_ids: list[int]) -> None:
        """Delete these records' documents; unknown ids are ignored."""

    @abc.abstractmethod
    async def search(
        self,
        tenant_id: int,
        query: str,
        types: Collection[str],
        owner_ids: Collection[int] | None,
        limit: int,
        unowned_types: Collection[str] = (),
    ) -> list[SearchResult]:
        """Best hits first, only from `tenant_id`, of `types`, and owned by `owner_ids`.

        `owner_ids=None` means any owner (including none); a collection restricts hits to
        documents whose owner is in it, so an empty collection finds nothing, except that
        documents with no owner of the `unowned_types` (a pool every reader may see, such as
        unassigned leads) pass the owner restriction too. Any query string is accepted: one
        with no searchable word yields an empty list.
        """

    @abc.abstractmethod
    async def clear(self) -> None:
        """Drop every document of every tenant."""


# --- Shared text handling -----------------------------------------------------------------

# A query is cut to this many distinct terms, each to this many characters, so that a pasted
# novel cannot become a query with thousands of clauses.
MAX_TERMS = 16
MAX_TERM_CHARS = 64

# Scripts written without spaces between words (Han, kana) and Hangul, whose words carry
# attached particles. Each such character is indexed as a token of its own; a query run of
# them becomes a phrase of adjacent characters, which is exactly a substring match
# ("华为" finds "华为技术有限公司"), and works for one- and two-character queries too.
_CJK_CLASS = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK Unified Ideographs Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK Compatibility Ideographs
    "\U00020000-\U0003134f"  # CJK Unified Ideographs Extensions B..G
)
_CJK_CHAR = re.compile(f"([{_CJK_CLASS}])")
_QUERY_TOKEN = re.compile(f"[{_CJK_CLASS}]+|[^\\s{_CJK_CLASS}]+")
_ASCII_NON_WORD = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character in search form: no accents, case-folded, separators as a space.

    NFKD + dropping U+0300..U+036F removes Latin/Greek/Cyrillic accents ("Müller" is found
    by "muller") without touching marks that are part of a letter in other scripts;
    compatibility forms become their plain letters (full-width "Ａ" -> "a"). Everything
    that is not a letter, digit or mark becomes a space, so punctuation never reaches a
    database tokenizer whose idea of a word differs between SQLite and PostgreSQL locales.
    """
    decomposed = unicodedata.normalize("NFKD", ch)
    stripped = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    folded = unicodedata.normalize("NFC", stripped).casefold()
    return "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in folded)


def _fold(text: str) -> str:
    if text.isascii():  # the common case, without a per-character loop
        return _ASCII_NON_WORD.sub(" ", text.lower())
    return "".join(_fold_char(ch) for ch in text)


def clean_text(text: str) -> str:
    """Text as stored: NUL characters removed (PostgreSQL rejects them in text values)."""
    return text.replace("\x00", "")


def search_form(text: str) -> str:
    """The text a database tokenizer sees: folded words separated by single spaces.

    Each CJK character stands alone (see `_CJK_CLASS`); the query side turns CJK runs into
    phrases, so the split costs no precision.
    """
    folded = _fold(text)
    if not text.isascii():
        folded = _CJK_CHAR.sub(r" \1 ", folded)
    return " ".join(folded.split())


@dataclass(frozen=True)
class QueryTerm:
    """One required term of a query.

    `text` is folded. A non-CJK term matches words starting with it (prefix search while
    typing); a CJK term (`cjk=True`) matches where its characters appear consecutively.
    """

    text: str
    cjk: bool

    @property
    def chars(self) -> list[str]:
        """The term's CJK characters, each one indexed token."""
        return list(self.text)


def query_terms(query: str) -> list[QueryTerm]:
    """The distinct terms of a user query, all of which a hit must contain.

    Everything but letters, digits and marks is dropped, so no character of the query ever
    reaches a database or engine as syntax: quotes, `*`, `-`, `:`, parentheses are
    separators, and AND/OR/NOT are ordinary words.
    """
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    for token in _QUERY_TOKEN.findall(_fold(clean_text(query))):
        token = token[:MAX_TERM_CHARS]
        if token in seen:
            continue
        seen.add(token)
        terms.append(QueryTerm(token, cjk=bool(_CJK_CHAR.match(token))))
        if len(terms) == MAX_TERMS:
            break
    return terms


def latest_per_key(docs: Iterable[SearchDocument]) -> list[SearchDocument]:
    """One document per (tenant_id, type, record_id), the last given winning.

    A batch upsert must not carry the same key twice (PostgreSQL's ON CONFLICT refuses to
    update a row twice in one statement), and the last version is the one meant.
    """
    latest: dict[tuple[int, str, int], SearchDocument] = {}
    for doc in docs:
        latest[(doc.tenant_id, doc.type, doc.record_id)] = doc
    return list(latest.values())


# --- Snippets -----------------------------------------------------------------------------

SNIPPET_CHARS = 160
_SNIPPET_LEAD = 50  # characters of context kept before the match


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` folded char by char, with the original index of every folded character."""
    parts: list[str] = []
    positions: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch) if not ch.isascii() else ch.lower()
        parts.append(folded)
        positions.extend([index] * len(folded))
    return "".join(parts), positions


def _term_pattern(terms: Iterable[QueryTerm]) -> re.Pattern[str] | None:
    alternatives = []
    for term in terms:
        if term.cjk:
            alternatives.append(re.escape(term.text))
        else:
            # A word start: after a non-word character, a CJK character (indexed as its
            # own token), or the beginning of the text, like the index's tokenization.
            alternatives.append(f"(?:(?<![^\\W_])|(?<=[{_CJK_CLASS}])){re.escape(term.text)}")
    if not alternatives:
        return None
    return re.compile("|".join(alternatives))


def _window(text: str, start: int) -> str:
    """About SNIPPET_CHARS of `text` around index `start`, cut at spaces where possible."""
    if len(text) <= SNIPPET_CHARS:
        return " ".join(text.split())
    begin = max(0, start - _SNIPPET_LEAD)
    end = min(len(text), begin + SNIPPET_CHARS)
    begin = max(0, end - SNIPPET_CHARS)
    # Do not start or end mid-word when a space is near; CJK text has none, and is cut as is.
    if begin > 0:
        space = text.find(" ", begin, start)
        if space != -1 and space - begin < 20:
            begin = space + 1
    if end < len(text):
        space = text.rfind(" ", max(start, end - 20), end)
        if space != -1:
            end = space
    excerpt = " ".join(text[begin:end].split())
    return ("…" if begin > 0 else "") + excerpt + ("…" if end < len(text) else "")


def make_snippet(title: str, body: str, terms: Iterable[QueryTerm]) -> str:
    """A short plain-text excerpt of the body around the first match, else of the title.

    Built here rather than by the database (FTS5 snippet(), ts_headline) because the index
    holds the folded, CJK-split search form: an excerpt of it would read "华 为" in lower
    case. Matching the original text through the same folding keeps its spelling intact.
    """
    pattern = _term_pattern(terms)
    if pattern is not None:
        for text in (body, title):
            folded, positions = _folded_with_positions(text)
            match = pattern.search(folded)
            if match is not None:
                return _window(text, positions[match.start()])
    return _window(body or title, 0)
