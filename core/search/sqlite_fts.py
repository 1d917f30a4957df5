"""Search on SQLite: an FTS5 index over a plain documents table, for single-node deployments.

`core_search_document` holds each document (original title and body, for results) and its
search form (see `core.search.base.search_form`); `core_search_fts` is an external-content
FTS5 index over the search forms, kept in step by triggers. Every statement runs on Tortoise's
"default" connection, so inside `in_transaction()` index writes commit or roll back with the
caller's own writes.

Tokenization: `unicode61` on the search form, which is already case- and accent-folded with
punctuation removed and each CJK character standing alone. Non-CJK terms are prefix queries
(`"acm"*` finds "Acme"); a CJK term is a phrase of single characters (`"华 为"`), which is a
substring match of any length, so one- and two-character Chinese queries work, unlike with
the trigram tokenizer (which needs three characters per query term).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from core.search.base import (
    QueryTerm,
    SearchBackend,
    SearchDocument,
    SearchResult,
    clean_text,
    latest_per_key,
    make_snippet,
    query_terms,
    search_form,
)

# bm25 column weights (title_terms, body_terms): a title hit outweighs several body hits.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0

_SCHEMA: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS core_search_document (
        id INTEGER PRIMARY KEY,
        tenant_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        owner_id INTEGER,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        title_terms TEXT NOT NULL,
        body_terms TEXT NOT NULL,
        UNIQUE (tenant_id, type, record_id)
    )
    """,
    # remove_diacritics 0: folding already happened in Python, identically for PostgreSQL.
    # Marks (M*) are word characters so that e.g. Devanagari words stay whole, as in
    # PostgreSQL's parser. prefix='1 2 3' keeps short type-ahead prefixes cheap.
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS core_search_fts USING fts5(
        title_terms, body_terms,
        content='core_search_document', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
        prefix='1 2 3'
    )
    """,
    # External-content FTS5 needs the old values to unindex a row; triggers supply them on
    # every path (insert, upsert's update, delete), so no code can forget one.
    """
    CREATE TRIGGER IF NOT EXISTS core_search_document_ai
    AFTER INSERT ON core_search_document BEGIN
        INSERT INTO core_search_fts (rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS core_search_document_ad
    AFTER DELETE ON core_search_document BEGIN
        INSERT INTO core_search_fts (core_search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS core_search_document_au
    AFTER UPDATE ON core_search_document BEGIN
        INSERT INTO core_search_fts (core_search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO core_search_fts (rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END
    """,
)

# The batch arrives as one JSON parameter, so any batch size is one statement: atomic on its
# own, and free of SQLite's limit on bound variables. "WHERE true" is required by SQLite's
# grammar for an upsert whose source is a SELECT.
_UPSERT = """
    INSERT INTO core_search_document
        (tenant_id, type, record_id, owner_id, title, body, title_terms, body_terms)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
           json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
           json_extract(value, '$[6]'), json_extract(value, '$[7]')
    FROM json_each(?) WHERE true
    ON CONFLICT (tenant_id, type, record_id) DO UPDATE SET
        owner_id = excluded.owner_id,
        title = excluded.title,
        body = excluded.body,
        title_terms = excluded.title_terms,
        body_terms = excluded.body_terms
"""

_REMOVE = """
    DELETE FROM core_search_document
    WHERE tenant_id = ? AND type = ? AND record_id IN (SELECT value FROM json_each(?))
"""

_SEARCH = """
    SELECT d.type, d.record_id, d.title, d.body,
           bm25(core_search_fts, {title_weight}, {body_weight}) AS rank
    FROM core_search_fts
    JOIN core_search_document AS d ON d.id = core_search_fts.rowid
    WHERE core_search_fts MATCH ?
      AND d.tenant_id = ?
      AND d.type IN (SELECT value FROM json_each(?))
      {owner_filter}
    ORDER BY rank, d.type, d.record_id
    LIMIT ?
"""
_OWNER_FILTER = """AND (d.owner_id IN (SELECT value FROM json_each(?))
      OR (d.owner_id IS NULL AND d.type IN (SELECT value FROM json_each(?))))"""


def _fts_string(text: str) -> str:
    # An FTS5 string literal: whatever it holds is tokenized as text, never parsed as syntax.
    return '"' + text.replace('"', '""') + '"'


def match_expression(terms: Sequence[QueryTerm]) -> str:
    """The FTS5 MATCH expression requiring every term (space means AND in FTS5)."""
    parts = []
    for term in terms:
        if term.cjk:
            parts.append(_fts_string(" ".join(term.chars)))
        else:
            parts.append(_fts_string(term.text) + "*")
    return " ".join(parts)


class SqliteFtsBackend(SearchBackend):
    """SQLite FTS5 search, writing inside the caller's transaction."""

    transactional = True

    def __init__(self, connection_name: str = "default") -> None:
        self._connection_name = connection_name

    def _connection(self) -> BaseDBAsyncClient:
        # Looked up on every call, not cached: inside `in_transaction()` Tortoise hands out the
        # transaction's connection under the same name, and that is the one to write through.
        return connections.get(self._connection_name)

    async def prepare(self) -> None:
        conn = self._connection()
        for statement in _SCHEMA:
            await conn.execute_query(statement)

    async def upsert(self, docs: list[SearchDocument]) -> None:
        rows: list[list[Any]] = []
        for doc in latest_per_key(docs):
            title, body = clean_text(doc.title), clean_text(doc.body)
            rows.append(
                [
                    doc.tenant_id,
                    doc.type,
                    doc.record_id,
                    doc.owner_id,
                    title,
                    body,
                    search_form(title),
                    search_form(body),
                ]
            )
        if rows:
            await self._connection().execute_query(_UPSERT, [json.dumps(rows)])

    async def remove(self, tenant_id: int, type: str, record_ids: list[int]) -> None:
        if record_ids:
            await self._connection().execute_query(
                _REMOVE, [tenant_id, type, json.dumps([int(i) for i in record_ids])]
            )

    async def search(
        self,
        tenant_id: int,
        query: str,
        types: Collection[str],
        owner_ids: Collection[int] | None,
        limit: int,
        unowned_types: Collection[str] = (),
    ) -> list[SearchResult]:
        terms = query_terms(query)
        pooled = sorted(set(unowned_types) & set(types))
        if (
            not terms
            or not types
            or limit <= 0
            or (owner_ids is not None and not owner_ids and not pooled)
        ):
            return []
        values: list[Any] = [match_expression(terms), tenant_id, json.dumps(sorted(types))]
        owner_filter = ""
        if owner_ids is not None:
            owner_filter = _OWNER_FILTER
            values.append(json.dumps(sorted(int(i) for i in owner_ids)))
            values.append(json.dumps(pooled))
        values.append(limit)
        sql = _SEARCH.format(
            title_weight=TITLE_WEIGHT, body_weight=BODY_WEIGHT, owner_filter=owner_filter
        )
        _, rows = await self._connection().execute_query(sql, values)
        return [
            SearchResult(
                type=row["type"],
                record_id=row["record_id"],
                title=row["title"],
                snippet=make_snippet(row["title"], row["body"], terms),
                # bm25() is lower-is-better; the interface wants higher-is-better.
                score=-float(row["rank"]),
            )
            for row in rows
        ]

    async def clear(self) -> None:
        # Row by row through the delete trigger; dropping the FTS content behind its back
        # would leave the external-content index pointing at rows that no longer exist.
        await self._connection().execute_query("DELETE FROM core_search_document")
