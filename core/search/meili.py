"""Search on a Meilisearch server, for deployments that want a dedicated search engine.

All tenants share one index (default "tessera"); every query is filtered on tenant_id, type
and, when given, owner_id, which are declared filterable in `prepare()`. Meilisearch is not
part of the database transaction (`transactional = False`): core calls `upsert`/`remove`
after its own commit. Each write waits for Meilisearch's task to finish, so a search right
after a write sees it.

The official client is synchronous (requests); every call runs in a worker thread through
`asyncio.to_thread` so the event loop is never blocked.

Query text is reduced to the same sanitized terms as the SQL backends (see
`core.search.base.query_terms`) before it reaches Meilisearch, so quotes (phrase search) and
a leading "-" (negation) are never interpreted, and a query with no word finds nothing
instead of Meilisearch's placeholder search returning every document. Meilisearch segments
Chinese text itself (Charabia), so "华为" finds "华为技术有限公司".
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection, Iterable
from typing import Any

import meilisearch
from meilisearch.errors import MeilisearchApiError
from meilisearch.index import Index
from meilisearch.models.task import TaskInfo

from core.search.base import (
    SearchBackend,
    SearchDocument,
    SearchResult,
    clean_text,
    latest_per_key,
    make_snippet,
    query_terms,
)

# Documents per add request: keeps each payload far below Meilisearch's request size limit.
_BATCH = 1000

_SETTINGS: dict[str, Any] = {
    # The order of searchable attributes is a ranking rule: a title hit beats a body hit.
    "searchableAttributes": ["title", "body"],
    # record_id is filterable only so that `remove` can delete by filter (deleting by id
    # list is deprecated in the client).
    "filterableAttributes": ["tenant_id", "type", "owner_id", "record_id"],
}

_SAFE_ID_PART = re.compile(r"[A-Za-z0-9_]+")


class MeilisearchTaskError(RuntimeError):
    """A Meilisearch task ended in failure (or was canceled)."""


def document_id(tenant_id: int, type: str, record_id: int) -> str:
    """The Meilisearch primary key of a document, e.g. "3-customer-42".

    Meilisearch ids allow only [A-Za-z0-9_-]; a type name outside that set is hex-encoded
    behind an "h-" marker. A plain type cannot contain "-", so the two forms never collide.
    """
    if _SAFE_ID_PART.fullmatch(type):
        return f"{int(tenant_id)}-{type}-{int(record_id)}"
    return f"{int(tenant_id)}-h-{type.encode().hex()}-{int(record_id)}"


def _filter_string(value: str) -> str:
    # A double-quoted filter value; Meilisearch (>= 1.4) unescapes \\ and \".
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _filter_ints(values: Iterable[int]) -> str:
    return "[" + ", ".join(str(int(v)) for v in sorted(values)) + "]"


def search_filter(
    tenant_id: int,
    types: Collection[str],
    owner_ids: Collection[int] | None,
    unowned_types: Collection[str] = (),
) -> list[str]:
    """The filter of a search: a list of expressions Meilisearch ANDs together."""
    expressions = [
        f"tenant_id = {int(tenant_id)}",
        "type IN [" + ", ".join(_filter_string(t) for t in sorted(types)) + "]",
    ]
    if owner_ids is not None:
        # Unowned documents of the pool types pass too (IS NULL needs Meilisearch >= 1.2).
        clauses = [f"owner_id IN {_filter_ints(owner_ids)}"] if owner_ids else []
        pooled = sorted(set(unowned_types) & set(types))
        if pooled:
            kinds = ", ".join(_filter_string(t) for t in pooled)
            clauses.append(f"(owner_id IS NULL AND type IN [{kinds}])")
        expressions.append(clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")")
    return expressions


class MeilisearchBackend(SearchBackend):
    """Meilisearch search; writes are made after the database commit."""

    transactional = False

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        index_name: str = "tessera",
        *,
        task_timeout_ms: int = 60_000,
    ) -> None:
        self._client = meilisearch.Client(url, api_key)
        self._index_name = index_name
        self._task_timeout_ms = task_timeout_ms

    @property
    def _index(self) -> Index:
        return self._client.index(self._index_name)

    def _wait(self, task: TaskInfo, *, tolerate: Collection[str] = ()) -> None:
        """Block until `task` is processed; raise unless it succeeded or failed tolerably."""
        done = self._client.wait_for_task(task.task_uid, timeout_in_ms=self._task_timeout_ms)
        if done.status == "succeeded":
            return
        error = done.error or {}
        if error.get("code") in tolerate:
            return
        raise MeilisearchTaskError(
            f"Meilisearch task {done.uid} ({done.type}) {done.status}: "
            f"{error.get('code')}: {error.get('message')}"
        )

    # --- Synchronous bodies, run in a worker thread -------------------------------------

    def _prepare_sync(self) -> None:
        try:
            self._client.get_index(self._index_name)
        except MeilisearchApiError as exc:
            if exc.code != "index_not_found":
                raise
            # Another process may create it between our check and this call; that is fine.
            self._wait(
                self._client.create_index(self._index_name, {"primaryKey": "id"}),
                tolerate={"index_already_exists"},
            )
        self._wait(self._index.update_settings(dict(_SETTINGS)))

    def _upsert_sync(self, docs: list[SearchDocument]) -> None:
        payload = [
            {
                "id": document_id(doc.tenant_id, doc.type, doc.record_id),
                "tenant_id": doc.tenant_id,
                "type": doc.type,
                "record_id": doc.record_id,
                "owner_id": doc.owner_id,
                "title": clean_text(doc.title),
                "body": clean_text(doc.body),
            }
            for doc in latest_per_key(docs)
        ]
        # Enqueue every batch first, then wait: Meilisearch processes them in order anyway.
        # add_documents replaces whole documents (update_documents would merge fields).
        tasks = [
            self._index.add_documents(payload[start : start + _BATCH], primary_key="id")
            for start in range(0, len(payload), _BATCH)
        ]
        for task in tasks:
            self._wait(task)

    def _remove_sync(self, tenant_id: int, type: str, record_ids: list[int]) -> None:
        self._wait(
            self._index.delete_documents(
                filter=[
                    f"tenant_id = {int(tenant_id)}",
                    f"type = {_filter_string(type)}",
                    f"record_id IN {_filter_ints(record_ids)}",
                ]
            )
        )

    def _search_sync(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        hits: list[dict[str, Any]] = self._index.search(query, params)["hits"]
        return hits

    def _clear_sync(self) -> None:
        self._wait(self._index.delete_all_documents())

    # --- The interface ------------------------------------------------------------------

    async def prepare(self) -> None:
        await asyncio.to_thread(self._prepare_sync)

    async def upsert(self, docs: list[SearchDocument]) -> None:
        if docs:
            await asyncio.to_thread(self._upsert_sync, docs)

    async def remove(self, tenant_id: int, type: str, record_ids: list[int]) -> None:
        if record_ids:
            await asyncio.to_thread(self._remove_sync, tenant_id, type, list(record_ids))

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
        params: dict[str, Any] = {
            "filter": search_filter(tenant_id, types, owner_ids, pooled),
            "limit": limit,
            # Every word must match, as in the SQL backends; the default ("last") drops
            # trailing words when too few documents contain them all.
            "matchingStrategy": "all",
            "showRankingScore": True,
            "attributesToRetrieve": ["type", "record_id", "title", "body"],
        }
        text = " ".join(term.text for term in terms)
        hits = await asyncio.to_thread(self._search_sync, text, params)
        return [
            SearchResult(
                type=hit["type"],
                record_id=int(hit["record_id"]),
                title=hit["title"],
                snippet=make_snippet(hit["title"], hit["body"], terms),
                score=float(hit.get("_rankingScore", 0.0)),
            )
            for hit in hits
        ]

    async def clear(self) -> None:
        await asyncio.to_thread(self._clear_sync)
