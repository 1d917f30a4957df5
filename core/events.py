"""Domain events: recorded in the outbox inside the writing transaction, announced after commit.

Record events are named `<type>.created|updated|deleted` (lowercase type, e.g.
`customer.created`); plugins publish named events such as `lead.converted`. The search
index follows record events of searchable types: inside the transaction for database
backends, right after commit for external ones.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tortoise import connections
from tortoise.transactions import in_transaction

from core.manifest import SearchDocument
from core.models import OutboxEvent

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from core.runtime import Runtime

log = logging.getLogger("tessera.events")

CREATED, UPDATED, DELETED = "created", "updated", "deleted"


@dataclass(frozen=True)
class DomainEvent:
    name: str
    plugin: str
    tenant_id: int
    actor_id: int | None
    record_type: str | None = None
    record_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


class UnitOfWork:
    """The events and index changes of one transaction."""

    def __init__(
        self, runtime: Runtime, tenant_id: int, actor_id: int | None, enabled: frozenset[str]
    ) -> None:
        self.runtime = runtime
        self.tenant_id = tenant_id
        self.actor_id = actor_id
        self.enabled = enabled
        self.events: list[DomainEvent] = []
        self._index_later: list[SearchDocument] = []
        self._remove_later: list[tuple[str, int]] = []

    async def record(
        self,
        plugin: str,
        kind: str,
        row: Any,
        type_name: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """A record was created, updated or deleted."""
        await self.record_many(plugin, kind, [row], type_name, payload)

    async def record_many(
        self,
        plugin: str,
        kind: str,
        rows: list[Any],
        type_name: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Records of one type changed the same way: one outbox write, one index write."""
        name = f"{type_name.lower()}.{kind}"
        await self._emit([self._event(name, plugin, row, type_name, payload) for row in rows])
        if type_name not in self.runtime.searchables or not rows:
            return
        search = self.runtime.search
        if kind == DELETED:
            pks = [row.pk for row in rows]
            if search.transactional:
                await search.remove(self.tenant_id, type_name, pks)
            else:
                self._remove_later.extend((type_name, pk) for pk in pks)
            return
        docs = [self.runtime.search_document(type_name, row) for row in rows]
        if search.transactional:
            await search.upsert(docs)
        else:
            self._index_later.extend(docs)

    async def publish(
        self,
        name: str,
        plugin: str,
        row: Any = None,
        type_name: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> DomainEvent:
        """A named domain event (`lead.converted`), optionally about one record."""
        event = self._event(name, plugin, row, type_name, payload)
        await self._emit([event])
        return event

    async def publish_many(
        self,
        name: str,
        plugin: str,
        rows: list[Any],
        type_name: str,
        payload: Callable[[Any], dict[str, Any]],
    ) -> None:
        """The same named event about many records, in one outbox write."""
        await self._emit([self._event(name, plugin, row, type_name, payload(row)) for row in rows])

    def _event(
        self,
        name: str,
        plugin: str,
        row: Any,
        type_name: str | None,
        payload: dict[str, Any] | None,
    ) -> DomainEvent:
        return DomainEvent(
            name=name,
            plugin=plugin,
            tenant_id=self.tenant_id,
            actor_id=self.actor_id,
            record_type=type_name,
            record_id=row.pk if row is not None else None,
            payload=payload or {},
        )

    async def _emit(self, events: list[DomainEvent]) -> None:
        if not events:
            return
        # One prepared statement for the batch, without building a model per event: an
        # import of thousands of leads writes thousands of outbox rows.
        db = connections.get("default")
        stamp = dt.datetime.now(dt.UTC)
        await db.execute_many(
            _outbox_insert(db.capabilities.dialect),
            [
                [
                    e.tenant_id,
                    e.name,
                    e.plugin,
                    e.record_type,
                    e.record_id,
                    e.actor_id,
                    json.dumps(e.payload, default=str),
                    stamp,
                ]
                for e in events
            ],
        )
        self.events.extend(events)

    async def lock(self, name: str) -> None:
        """Serialise this transaction with every other one taking the same named lock in the
        tenant, until commit: for check-then-write rules such as duplicate detection.

        PostgreSQL takes a transaction-scoped advisory lock; SQLite already runs one write
        transaction at a time.
        """
        db = connections.get("default")
        if db.capabilities.dialect == "postgres":
            await db.execute_query(
                "SELECT pg_advisory_xact_lock(hashtext($1))", [f"{self.tenant_id}:{name}"]
            )

    async def after_commit(self) -> None:
        search = self.runtime.search
        try:
            if self._index_later:
                await search.upsert(self._index_later)
            for type_name, pk in self._remove_later:
                await search.remove(self.tenant_id, type_name, [pk])
        except Exception:  # committed already: `tessera reindex` repairs an index that missed it
            log.exception("search index update failed after commit")
        for event in self.events:
            try:
                await self.runtime.host.call_async("on_event", only=self.enabled, event=event)
            except Exception:  # the change is committed; a failing listener must not undo it
                log.exception("on_event listener failed for %s", event.name)


_OUTBOX_COLUMNS = (
    "tenant_id",
    "name",
    "plugin",
    "record_type",
    "record_id",
    "actor_id",
    "payload",
    "created_at",
)


def _outbox_insert(dialect: str) -> str:
    marks = (
        [f"${i}" for i in range(1, len(_OUTBOX_COLUMNS) + 1)]
        if dialect == "postgres"
        else ["?"] * len(_OUTBOX_COLUMNS)
    )
    return (
        f"INSERT INTO {OutboxEvent._meta.db_table} ({', '.join(_OUTBOX_COLUMNS)}) "
        f"VALUES ({', '.join(marks)})"
    )


_open: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar(
    "tessera_unit_of_work", default=None
)


@asynccontextmanager
async def unit_of_work(
    runtime: Runtime, tenant_id: int, actor_id: int | None, enabled: frozenset[str]
) -> AsyncIterator[UnitOfWork]:
    """One transaction: writes, outbox rows and index rows commit or roll back together.

    A unit of work opened inside another joins it, so listeners hear events only after the
    outermost transaction commits.
    """
    outer = _open.get()
    if outer is not None:
        yield outer
        return
    work = UnitOfWork(runtime, tenant_id, actor_id, enabled)
    token = _open.set(work)
    try:
        async with in_transaction():
            yield work
    finally:
        _open.reset(token)
    await work.after_commit()
