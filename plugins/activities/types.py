"""GraphQL types of the activities plugin."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from core.api.nodes import resolve_ids
from core.api.types import User
from core.graphql.loaders import load_user
from core.graphql.relay import Node, to_global_id
from plugins.activities import models


@strawberry.enum
class ActivityKind(Enum):
    TASK = "TASK"
    NOTE = "NOTE"
    CALL = "CALL"
    MEETING = "MEETING"


@strawberry.enum
class TaskStatus(Enum):
    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


@strawberry.enum
class TaskPriority(Enum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"


@strawberry.type(description="A task, note, call or meeting about a record.")
class Activity(Node):
    node_model: ClassVar = models.Activity
    node_permission: ClassVar = "activity.read"
    row: strawberry.Private[models.Activity]
    kind: ActivityKind
    subject: str
    body: str | None
    due_date: dt.date | None
    status: TaskStatus
    priority: TaskPriority
    occurred_at: dt.datetime
    duration_minutes: int | None
    completed_at: dt.datetime | None
    version: int
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Activity) -> Activity:
        return cls(
            id=strawberry.ID(to_global_id("Activity", row.id)),
            row=row,
            kind=ActivityKind(row.kind),
            subject=row.subject,
            body=row.body,
            due_date=row.due_date,
            status=TaskStatus(row.status),
            priority=TaskPriority(row.priority),
            occurred_at=row.occurred_at,
            duration_minutes=row.duration_minutes,
            completed_at=row.completed_at,
            version=row.version,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who must do the task, or who wrote or held the activity.")
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        return await load_user(info, self.row.created_by_id)

    @strawberry.field(description="The record it is about, when you may see it.")
    async def related(self, info: Info) -> Node | None:
        gid = to_global_id(self.row.related_type, self.row.related_id)
        return (await resolve_ids(info, [gid]))[0]


@strawberry.type(description="One line of a record's history, newest first.")
class TimelineEntry:
    at: dt.datetime
    kind: str = strawberry.field(
        description="TASK, NOTE, CALL, MEETING, or the name of a domain event such as "
        "opportunity.stage_changed."
    )
    title: str
    data: JSON | None = strawberry.field(description="The event's details, for events.")
    activity: Activity | None
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who did it.")
    async def actor(self, info: Info) -> User | None:
        return await load_user(info, self.actor_id)
