"""Search on PostgreSQL full-text search: a tsvector column with a GIN index, no extensions.

`core_search_document` holds each document (original title and body, for results) and a
tsvector built from its search form (see `core.search.base.search_form`) with the 'simple'
configuration: title words weighted A, body words B, so `ts_rank` puts title hits first.
Every statement runs on Tortoise's "default" connection, so inside `in_transaction()` index
writes commit or roll back with the caller's own writes.

Queries use `to_tsquery` built from sanitized terms, never from raw user text: a non-CJK term
is a prefix lexeme (`'acm':*` finds "Acme"), a CJK term a phrase of single characters
(`'华' <-> '为'`). Because the search form indexes each CJK character as its own lexeme, the
phrase is a substring match served by the GIN index, with no ILIKE scan and no pg_trgm.
'simple' (no stemming, no stop words) matches the SQLite backend's behaviour and suits the
names, mixed languages and abbreviations of CRM data better than a language's stemmer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

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

# Serializes concurrent `prepare()` runs (several workers starting at once): CREATE ... IF NOT
# EXISTS is not safe against a concurrent creation of the same object in PostgreSQL.
_PREPARE_LOCK_KEY = 0x7E55E4A_5EA4C4

# A tsvector is limited to 1 MB; this many characters of search form stays well below it.
MAX_INDEXED_CHARS = 200_000

_SCHEMA: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS core_search_document (
        id BIGSERIAL PRIMARY KEY,
        tenant_id BIGINT NOT NULL,
        type TEXT NOT NULL,
        record_id BIGINT NOT NULL,
        owner_id BIGINT,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        terms TSVECTOR NOT NULL,
        CONSTRAINT core_search_document_key UNIQUE (tenant_id, type, record_id)
    )
    """,
    """
    CREATE INDEX IF NOT EXISTS core_search_document_terms
    ON core_search_document USING GIN (terms)
    """,
)

# One statement per batch: arrays in, unnest out. Atomic without a transaction of its own.
_UPSERT = """
    INSERT INTO core_search_document
        (tenant_id, type, record_id, owner_id, title, body, terms)
    SELECT d.tenant_id, d.type, d.record_id, d.owner_id, d.title, d.body,
           setweight(to_tsvector('simple', d.title_terms), 'A')
           || setweight(to_tsvector('simple', d.body_terms), 'B')
    FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[],
                $5::text[], $6::text[], $7::text[], $8::text[])
         AS d(tenant_id, type, record_id, owner_id, title, body, title_terms, body_terms)
    ON CONFLICT (tenant_id, type, record_id) DO UPDATE SET
        owner_id = EXCLUDED.owner_id,
        title = EXCLUDED.title,
        body = EXCLUDED.body,
        terms = EXCLUDED.terms
"""

_REMOVE = """
    DELETE FROM core_search_document
    WHERE tenant_id = $1 AND type = $2 AND record_id = ANY($3::bigint[])
"""

_SEARCH = """
    SELECT d.type, d.record_id, d.title, d.body, ts_rank(d.terms, q) AS score
    FROM core_search_document AS d, to_tsquery('simple', $1) AS q
    WHERE d.terms @@ q
      AND d.tenant_id = $2
      AND d.type = ANY($3::text[])
      {owner_filter}
    ORDER BY score DESC, d.type, d.record_id
    LIMIT {limit_param}
"""
_OWNER_FILTER = """AND (d.owner_id = ANY($4::bigint[])
      OR (d.owner_id IS NULL AND d.type = ANY($5::text[])))"""


def _lexeme(text: str) -> str:
    # A quoted tsquery lexeme. Terms hold only letters, digits and marks, so the quote and
    # backslash doubling never fires; it is there so this function is safe on any input.
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(terms: Sequence[QueryTerm]) -> str:
    """The `to_tsquery` text requiring every term."""
    parts = []
    for term in terms:
        if term.cjk:
            parts.append(" <-> ".join(_lexeme(ch) for ch in term.chars))
        else:
            parts.append(_lexeme(term.text) + ":*")
    return " & ".join(f"({part})" for part in parts)


class PostgresFtsBackend(SearchBackend):
    """PostgreSQL full-text search, writing inside the caller's transaction."""

    transactional = True

    def __init__(self, connection_name: str = "default") -> None:
        self._connection_name = connection_name

    def _connection(self) -> BaseDBAsyncClient:
        # Looked up on every call, not cached: inside `in_transaction()` Tortoise hands out the
        # transaction's connection under the same name, and that is the one to write through.
        return connections.get(self._connection_name)

    async def prepare(self) -> None:
        async with in_transaction(self._connection_name) as conn:
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_PREPARE_LOCK_KEY])
            for statement in _SCHEMA:
                await conn.execute_query(statement)

    async def upsert(self, docs: list[SearchDocument]) -> None:
        columns: list[list[Any]] = [[] for _ in range(8)]
        for doc in latest_per_key(docs):
            title, body = clean_text(doc.title), clean_text(doc.body)
            row = (
                doc.tenant_id,
                doc.type,
                doc.record_id,
                doc.owner_id,
                title,
                body,
                search_form(title)[:MAX_INDEXED_CHARS],
                search_form(body)[:MAX_INDEXED_CHARS],
            )
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        if columns[0]:
            await self._connection().execute_query(_UPSERT, columns)

    async def remove(self, tenant_id: int, type: str, record_ids: list[int]) -> None:
        if record_ids:
            await self._connection().execute_query(
                _REMOVE, [tenant_id, type, [int(i) for i in record_ids]]
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
        values: list[Any] = [tsquery_expression(terms), tenant_id, sorted(types)]
        owner_filter = ""
        if owner_ids is not None:
            owner_filter = _OWNER_FILTER
            values.append(sorted(int(i) for i in owner_ids))
            values.append(pooled)
        values.append(limit)
        sql = _SEARCH.format(owner_filter=owner_filter, limit_param=f"${len(values)}")
        _, rows = await self._connection().execute_query(sql, values)
        return [
            SearchResult(
                type=row["type"],
                record_id=row["record_id"],
                title=row["title"],
                snippet=make_snippet(row["title"], row["body"], terms),
                score=float(row["score"]),
            )
            for row in rows
        ]

    async def clear(self) -> None:
        # DELETE rather than TRUNCATE: no exclusive lock, so searches keep running meanwhile.
        await self._connection().execute_query("DELETE FROM core_search_document")
