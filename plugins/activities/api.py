"""Queries and mutations of the activities plugin."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from strawberry.types import Info

from core import validation as v
from core.api.nodes import resolve_ids
from core.events import CREATED, UPDATED
from core.graphql.context import RequestContext, run_mutation
from core.graphql.errors import ApiError, Code
from core.graphql.filters import Column, DateFilter, IDFilter, enum_filter, to_q
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.permissions import requires
from core.graphql.relay import Connection, OrderDirection, from_global_id, order_spec, paginate
from core.models import Membership
from plugins.activities import models
from plugins.activities.rules import DEFAULT_STALE_DAYS
from plugins.activities.types import Activity, TaskPriority, TaskStatus

PLUGIN = "activities"
# Record types activities may attach to; each belongs to a plugin activities integrates with.
RELATABLE = ("Lead", "Customer", "Contact", "Opportunity", "Contract")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@strawberry.input
class TaskFilter:
    status: enum_filter(TaskStatus) | None = None  # type: ignore[valid-type]
    priority: enum_filter(TaskPriority) | None = None  # type: ignore[valid-type]
    owner: IDFilter | None = None
    due_date: DateFilter | None = None
    and_: list[TaskFilter] | None = strawberry.field(name="and", default=None)
    or_: list[TaskFilter] | None = strawberry.field(name="or", default=None)
    not_: TaskFilter | None = strawberry.field(name="not", default=None)


@strawberry.enum
class TaskOrderField(Enum):
    DUE_DATE = "due_date"
    CREATED_AT = "created_at"


@strawberry.input
class TaskOrder:
    field: TaskOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.enum(description="Which of your open tasks: late ones, today's, or later ones.")
class TaskDue(Enum):
    OVERDUE = "OVERDUE"
    TODAY = "TODAY"
    UPCOMING = "UPCOMING"


@strawberry.input
class CreateTaskInput:
    subject: str
    related_id: strawberry.ID = strawberry.field(
        description="A lead, customer, contact, opportunity or contract."
    )
    due_date: dt.date | None = None
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to you."
    )
    priority: TaskPriority = TaskPriority.NORMAL
    body: str | None = None


@strawberry.input
class CompleteTaskInput:
    id: strawberry.ID
    version: int | None = None


@strawberry.input
class CreateNoteInput:
    related_id: strawberry.ID
    body: str
    subject: str | None = None


@strawberry.enum
class LoggedKind(Enum):
    CALL = "CALL"
    MEETING = "MEETING"


@strawberry.input
class LogActivityInput:
    kind: LoggedKind
    related_id: strawberry.ID
    subject: str
    body: str | None = None
    occurred_at: dt.datetime | None = strawberry.field(default=None, description="Defaults to now.")
    duration_minutes: int | None = None


@strawberry.type
class ActivityPayload:
    activity: Activity | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def related(
    ctx: RequestContext, info: Info, gid: str, path: str
) -> tuple[str, int] | UserError:
    """The record an activity is about: one of the relatable types that the caller may see."""
    parsed = from_global_id(str(gid))
    if parsed is None or parsed[0] not in RELATABLE or (await resolve_ids(info, [gid]))[0] is None:
        return user_error(
            path, "No such lead, customer, contact, opportunity or contract.", "NOT_FOUND"
        )
    return parsed


async def assignee(ctx: RequestContext, gid: str | None) -> int | UserError:
    if gid is None:
        return ctx.principal.user_id
    parsed = from_global_id(str(gid))
    if (
        parsed is None
        or parsed[0] != "User"
        or not await Membership.exists(user_id=parsed[1], is_active=True)
    ):
        return user_error("assigneeId", "No such user in this tenant.", "NOT_FOUND")
    if not await ctx.may_see_owner(parsed[1]):
        return user_error(
            "assigneeId", "You may only assign tasks within your team.", "NOT_ALLOWED"
        )
    return parsed[1]


async def _create(
    info: Info,
    kind: str,
    subject: str | None,
    body: str | None,
    related_gid: str,
    owner: int | UserError,
    **columns: object,
) -> models.Activity:
    ctx: RequestContext = info.context
    errors: list[UserError] = []
    errors += v.text(subject, ["subject"], 200, required=True)
    errors += v.text(body, ["body"], 20_000, required=kind == "NOTE")
    target = await related(ctx, info, related_gid, "relatedId")
    for outcome in (target, owner):
        if isinstance(outcome, UserError):
            errors.append(outcome)
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        row = await models.Activity.create(
            kind=kind,
            subject=v.clean(subject),
            body=v.clean(body),
            related_type=target[0],
            related_id=target[1],
            owner_id=owner,
            created_by_id=ctx.principal.user_id,
            occurred_at=columns.pop("occurred_at", None) or dt.datetime.now(dt.UTC),
            **columns,
        )
        await work.record(
            PLUGIN,
            CREATED,
            row,
            "Activity",
            {"relatedType": row.related_type, "relatedId": row.related_id},
        )
    return row


@strawberry.type
class ActivitySettings:
    stale_opportunity_days: int = strawberry.field(
        description="Days without activity before an open opportunity's owner gets a task."
    )


@strawberry.input
class UpdateActivitySettingsInput:
    stale_opportunity_days: int


@strawberry.type
class ActivitySettingsPayload:
    settings: ActivitySettings | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _settings() -> models.ActivitySettings:
    return await models.ActivitySettings.first() or models.ActivitySettings(
        stale_opportunity_days=DEFAULT_STALE_DAYS
    )


@strawberry.type
class ActivityQueries:
    @strawberry.field(permission_classes=requires("activity.read"))
    async def activity_settings(self) -> ActivitySettings:
        row = await _settings()
        return ActivitySettings(stale_opportunity_days=row.stale_opportunity_days)

    @strawberry.field(permission_classes=requires("activity.read"))
    async def tasks(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TaskFilter | None = None,
        order_by: list[TaskOrder] | None = None,
    ) -> Connection[Activity]:
        queryset = models.Activity.filter(kind="TASK")
        if filter is not None:
            queryset = queryset.filter(to_q(filter, {"owner": Column("owner_id", "User")}))
        queryset = await info.context.visible(queryset)
        return await paginate(
            queryset,
            order_spec(order_by, [("created_at", True)]),
            Activity.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(
        permission_classes=requires("activity.read"),
        description="Your open tasks that are overdue, due today, or due later.",
    )
    async def my_tasks(self, info: Info, due: TaskDue) -> list[Activity]:
        mine = models.Activity.filter(
            kind="TASK", status="OPEN", owner_id=info.context.principal.user_id
        )
        day = today()
        if due is TaskDue.OVERDUE:
            mine = mine.filter(due_date__lt=day)
        elif due is TaskDue.TODAY:
            mine = mine.filter(due_date=day)
        else:
            mine = mine.filter(due_date__gt=day)
        return [Activity.from_row(r) for r in await mine.order_by("due_date", "id").limit(200)]


@strawberry.type
class ActivityMutations:
    @strawberry.mutation(permission_classes=requires("activity.manage"))
    async def update_activity_settings(
        self, info: Info, input: UpdateActivitySettingsInput
    ) -> ActivitySettingsPayload:
        async def body() -> ActivitySettingsPayload:
            if not 1 <= input.stale_opportunity_days <= 365:
                raise fail("staleOpportunityDays", "Use 1 to 365 days.", "INVALID")
            async with info.context.write():
                row = await _settings()
                row.stale_opportunity_days = input.stale_opportunity_days
                await row.save()
            return ActivitySettingsPayload(
                settings=ActivitySettings(stale_opportunity_days=row.stale_opportunity_days)
            )

        return await run_mutation(ActivitySettingsPayload, body)

    @strawberry.mutation(permission_classes=requires("activity.write"))
    async def create_task(self, info: Info, input: CreateTaskInput) -> ActivityPayload:
        async def body() -> ActivityPayload:
            row = await _create(
                info,
                "TASK",
                input.subject,
                input.body,
                input.related_id,
                await assignee(info.context, input.assignee_id),
                due_date=input.due_date,
                priority=input.priority.value,
            )
            return ActivityPayload(activity=Activity.from_row(row))

        return await run_mutation(ActivityPayload, body)

    @strawberry.mutation(permission_classes=requires("activity.write"))
    async def complete_task(self, info: Info, input: CompleteTaskInput) -> ActivityPayload:
        async def body() -> ActivityPayload:
            ctx: RequestContext = info.context
            parsed = from_global_id(str(input.id))
            async with ctx.write() as work:
                row = None
                if parsed and parsed[0] == "Activity":
                    row = await (
                        await ctx.visible(models.Activity.filter(id=parsed[1], kind="TASK"))
                    ).first()
                if row is None:
                    raise fail("id", "No such task.", "NOT_FOUND")
                if row.status != "OPEN":
                    raise fail("id", "This task is already closed.", "ALREADY_DONE")
                now = dt.datetime.now(dt.UTC)
                stale = input.version is not None and input.version != row.version
                if stale or not await models.Activity.filter(id=row.id, version=row.version).update(
                    status="DONE", completed_at=now, version=row.version + 1, updated_at=now
                ):
                    raise ApiError(Code.CONFLICT, "This task was changed by someone else.")
                row.status, row.completed_at, row.version = "DONE", now, row.version + 1
                await work.record(PLUGIN, UPDATED, row, "Activity", {"fields": ["status"]})
                await work.publish(
                    "task.completed",
                    PLUGIN,
                    row=row,
                    type_name="Activity",
                    payload={"relatedType": row.related_type, "relatedId": row.related_id},
                )
            return ActivityPayload(activity=Activity.from_row(row))

        return await run_mutation(ActivityPayload, body)

    @strawberry.mutation(permission_classes=requires("activity.write"))
    async def create_note(self, info: Info, input: CreateNoteInput) -> ActivityPayload:
        async def body() -> ActivityPayload:
            # A note needs no title: its first line serves, or "Note" when the body is blank.
            subject = input.subject or (input.body or "").strip().split("\n")[0][:80] or "Note"
            row = await _create(
                info, "NOTE", subject, input.body, input.related_id, info.context.principal.user_id
            )
            return ActivityPayload(activity=Activity.from_row(row))

        return await run_mutation(ActivityPayload, body)

    @strawberry.mutation(
        permission_classes=requires("activity.write"),
        description="Record a call or meeting that took place.",
    )
    async def log_activity(self, info: Info, input: LogActivityInput) -> ActivityPayload:
        async def body() -> ActivityPayload:
            if input.duration_minutes is not None and not 0 <= input.duration_minutes <= 24 * 60:
                raise fail("durationMinutes", "Use 0 to 1440 minutes.", "INVALID")
            row = await _create(
                info,
                input.kind.value,
                input.subject,
                input.body,
                input.related_id,
                info.context.principal.user_id,
                occurred_at=input.occurred_at,
                duration_minutes=input.duration_minutes,
                status="DONE",
            )
            return ActivityPayload(activity=Activity.from_row(row))

        return await run_mutation(ActivityPayload, body)
