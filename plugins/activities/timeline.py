"""A record's timeline: its activities and the domain events recorded about it, newest first.

Two sources are merged under one keyset cursor (time, source, id), so page N costs what
page 1 costs. Events come from core's outbox, so every plugin's events about a record
(stage changes, conversions, edits) appear without activities depending on those plugins.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q

from core.graphql.errors import bad_input
from core.graphql.relay import Connection, Edge, PageInfo, page_size
from core.models import OutboxEvent
from plugins.activities import models
from plugins.activities.types import Activity, TimelineEntry

EVENT, ACTIVITY = 0, 1  # tie-break between sources at the same instant


def _cursor(at: dt.datetime, source: int, pk: int) -> str:
    raw = json.dumps([at.isoformat(), source, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read(cursor: str) -> tuple[dt.datetime, int, int]:
    try:
        at, source, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if source not in (EVENT, ACTIVITY) or not isinstance(pk, int):
            raise ValueError
        return dt.datetime.fromisoformat(at), source, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad_input("The cursor is not a timeline cursor.") from exc


def _older(time_field: str, source: int, after: tuple[dt.datetime, int, int]) -> Q:
    """Rows of `source` that sort after the cursor in (time desc, source desc, id desc)."""
    at, c_source, c_id = after
    same_instant = Q(**{time_field: at})
    if source < c_source:
        tie = same_instant
    elif source == c_source:
        tie = same_instant & Q(id__lt=c_id)
    else:
        tie = Q(id__in=[])  # a later source at the same instant came before the cursor
    return Q(**{f"{time_field}__lt": at}) | tie


def _title(event: OutboxEvent) -> str:
    return event.name.replace(".", " ").replace("_", " ").capitalize()


async def timeline(
    info: Info, type_name: str, pk: int, first: int | None, after: str | None
) -> Connection[TimelineEntry]:
    info.context.require("activity.read")
    size, _ = page_size(first, None)
    activities = models.Activity.filter(related_type=type_name, related_id=pk)
    events = OutboxEvent.filter(record_type=type_name, record_id=pk)
    page_acts, page_events = activities, events
    if after:
        position = _read(after)
        page_acts = activities.filter(_older("occurred_at", ACTIVITY, position))
        page_events = events.filter(_older("created_at", EVENT, position))
    acts = await page_acts.order_by("-occurred_at", "-id").limit(size + 1)
    evs = await page_events.order_by("-created_at", "-id").limit(size + 1)
    merged: list[tuple[tuple[Any, ...], TimelineEntry]] = [
        (
            (a.occurred_at, ACTIVITY, a.id),
            TimelineEntry(
                at=a.occurred_at,
                kind=a.kind,
                title=a.subject,
                data=None,
                activity=Activity.from_row(a),
                actor_id=a.created_by_id,
            ),
        )
        for a in acts
    ] + [
        (
            (e.created_at, EVENT, e.id),
            TimelineEntry(
                at=e.created_at,
                kind=e.name,
                title=_title(e),
                data=e.payload or None,
                activity=None,
                actor_id=e.actor_id,
            ),
        )
        for e in evs
    ]
    merged.sort(key=lambda item: item[0], reverse=True)
    page = merged[:size]
    edges = [Edge(cursor=_cursor(*key), node=entry) for key, entry in page]

    async def count() -> int:
        return await activities.count() + await events.count()

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(merged) > size,
            has_previous_page=bool(after),
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def timeline_extension(type_name: str) -> type:
    """A strawberry type adding `timeline` to the record type `type_name`."""

    async def resolve(
        self: Any, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TimelineEntry]:
        return await timeline(info, type_name, self.row.id, first, after)

    return strawberry.type(
        type(
            f"{type_name}Timeline",
            (),
            {
                "timeline": strawberry.field(
                    resolver=resolve,
                    description="Activities and events of this record, newest first.",
                ),
            },
        )
    )
