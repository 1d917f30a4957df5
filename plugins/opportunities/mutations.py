"""Write side for opportunities: create (one or many), update, move, close, reopen, delete,
and replacing the tenant's pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from core import validation as v
from core.events import DELETED, UPDATED, UnitOfWork
from core.graphql.context import RequestContext, mutation_payload, run_mutation
from core.graphql.errors import ApiError, Code
from core.graphql.money import MoneyInput
from core.graphql.payloads import UserError, fail, prefixed, user_error
from core.graphql.permissions import requires
from core.graphql.relay import from_global_id, to_global_id
from core.graphql.updates import bump_version, given
from plugins.customers.service import owner_id_for
from plugins.opportunities import models
from plugins.opportunities.inputs import (
    CloseOpportunityInput,
    CreateOpportunityInput,
    DeleteOpportunityInput,
    DeleteOpportunityPayload,
    MoveOpportunityInput,
    OpportunitiesPayload,
    OpportunityPayload,
    PipelineStagesPayload,
    ReopenOpportunityInput,
    UpdateOpportunityInput,
    UpdatePipelineStagesInput,
)
from plugins.opportunities.models import LOST, OPEN, WON
from plugins.opportunities.service import (
    MAX_BULK,
    PLUGIN,
    amount_errors,
    customer_and_contacts,
    history_entry,
    insert_opportunities,
    new_opportunity,
    now,
    probability_errors,
    raise_if,
    set_amount,
    set_contacts,
    set_probability,
    stage_by_gid,
    stages,
    weighted,
)
from plugins.opportunities.types import Opportunity, PipelineStage

MAX_OPEN_STAGES = 20


async def visible_opportunity(ctx: RequestContext, gid: str) -> models.Opportunity:
    parsed = from_global_id(str(gid))
    row = None
    if parsed is not None and parsed[0] == "Opportunity":
        row = await (await ctx.visible(models.Opportunity.filter(id=parsed[1]))).first()
    if row is None:
        raise fail("id", "No such opportunity.", "NOT_FOUND")
    return row


def _columns(row: models.Opportunity, *names: str) -> dict[str, Any]:
    return {n: getattr(row, n) for n in names}


async def create_opportunities(
    ctx: RequestContext, items: list[CreateOpportunityInput], bulk: bool
) -> list[models.Opportunity]:
    """All or nothing."""
    if bulk and not 1 <= len(items) <= MAX_BULK:
        raise fail("input", f"Send between 1 and {MAX_BULK} opportunities.", "TOO_MANY")
    pipeline = await stages(ctx)
    async with ctx.write() as work:
        prepared = [await new_opportunity(ctx, pipeline, item, []) for item in items]
        errors: list[UserError] = []
        for i, (_, _, item_errors) in enumerate(prepared):
            errors += prefixed(i, item_errors) if bulk else item_errors
        raise_if(errors)
        rows = [row for row, _, _ in prepared if row is not None]
        await insert_opportunities(ctx, work, rows, [ids for _, ids, _ in prepared], pipeline)
    return rows


async def update_opportunity(
    ctx: RequestContext, data: UpdateOpportunityInput
) -> models.Opportunity:
    pipeline = await stages(ctx)
    async with ctx.write() as work:
        row = await visible_opportunity(ctx, data.id)
        errors: list[UserError] = []
        changes: dict[str, Any] = {}
        if given(data.name):
            errors += v.text(data.name, ["name"], 200, required=True)
            changes["name"] = v.clean(data.name)
        if given(data.next_step):
            errors += v.text(data.next_step, ["nextStep"], 255)
            changes["next_step"] = v.clean(data.next_step)
        contact_gids = (data.contact_ids or []) if given(data.contact_ids) else None
        customer_gid = data.customer_id if given(data.customer_id) else None
        if given(data.customer_id) and data.customer_id is None:
            errors.append(user_error("customerId", "An opportunity has a customer.", "REQUIRED"))
        customer_id, contact_ids, found = await customer_and_contacts(
            ctx,
            customer_gid,
            contact_gids,
            [],
            row.customer_id,
        )
        errors += found
        if customer_id is not None and customer_id != row.customer_id:
            changes["customer_id"] = customer_id
            if contact_ids is None:
                contact_ids = []  # contacts of the former customer no longer apply
        if given(data.owner_id):
            if data.owner_id is None:
                errors.append(user_error("ownerId", "An opportunity has an owner.", "REQUIRED"))
            else:
                changes["owner_id"], owner_errors = await owner_id_for(
                    ctx, data.owner_id, ["ownerId"], row.owner_id
                )
                errors += owner_errors
        if given(data.expected_close_date):
            if data.expected_close_date is None:
                errors.append(
                    user_error("expectedCloseDate", "This field is required.", "REQUIRED")
                )
            else:
                changes["expected_close_date"] = data.expected_close_date
        if given(data.forecast_category):
            category = data.forecast_category.value if data.forecast_category else None
            if category is None or (category == "CLOSED") != (row.status != OPEN):
                errors.append(
                    user_error(
                        "forecastCategory",
                        "Open deals are PIPELINE, BEST_CASE or COMMIT; closed ones CLOSED.",
                        "INVALID",
                    )
                )
            changes["forecast_category"] = category
        if given(data.probability):
            errors += probability_errors(data.probability, ["probability"])
            row.probability_override = changes["probability_override"] = data.probability
        if given(data.amount):
            errors += amount_errors(data.amount, ["amount"])
        raise_if(errors)
        if given(data.amount):
            set_amount(row, data.amount)
        stage = next(s for s in pipeline if s.id == row.stage_id)
        set_probability(row, stage)
        changes.update(_columns(row, "amount", "currency", "probability", "weighted_amount"))
        await bump_version(models.Opportunity, row, data.version, changes)
        if contact_ids is not None:
            await set_contacts(row.id, contact_ids)
        await work.record(PLUGIN, UPDATED, row, "Opportunity", {"fields": sorted(changes)})
    return row


async def change_stage(
    ctx: RequestContext,
    work: UnitOfWork,
    row: models.Opportunity,
    target: models.PipelineStage,
    pipeline: list[models.PipelineStage],
    version: int | None,
    changes: dict[str, Any],
) -> None:
    """Move to `target`: history entry, version bump, record and named events."""
    before = next((s for s in pipeline if s.id == row.stage_id), None)
    at = now()
    entry = history_entry(ctx, row, before, target, at)
    row.stage_id = target.id
    set_probability(row, target)
    changes = {
        **changes,
        "stage_id": target.id,
        "stage_entered_at": at,
        "status": target.kind,
        **_columns(row, "probability", "weighted_amount", "amount", "currency"),
    }
    await bump_version(models.Opportunity, row, version, changes)
    await entry.save()
    await work.record(PLUGIN, UPDATED, row, "Opportunity", {"fields": sorted(changes)})
    payload = {
        "fromStage": before.name if before else None,
        "toStage": target.name,
        "fromStageId": before.id if before else None,
        "toStageId": target.id,
        "daysInPreviousStage": round((entry.seconds_in_previous or 0) / 86400, 2),
    }
    await work.publish(
        "opportunity.stage_changed", PLUGIN, row=row, type_name="Opportunity", payload=payload
    )
    if target.kind in (WON, LOST):
        await work.publish(
            f"opportunity.{target.kind.lower()}",
            PLUGIN,
            row=row,
            type_name="Opportunity",
            payload={
                "amount": str(row.amount) if row.currency else None,
                "currency": row.currency,
                "reason": row.close_reason,
            },
        )


async def win_from_quote(
    ctx: RequestContext,
    work: UnitOfWork,
    quote_id: int,
    opportunity_id: int,
    amount: Decimal,
    currency: str,
) -> None:
    """Inside the quote's transaction: the open deal is won with the quote's amount. A deal
    closed meanwhile (won or lost by hand) is left as it is."""
    row = await models.Opportunity.get_or_none(id=opportunity_id)
    if row is None or row.status != OPEN:
        return
    pipeline = await stages(ctx)
    target = next(s for s in pipeline if s.kind == WON)
    set_amount(row, MoneyInput(amount=amount, currency=currency))
    row.close_reason = "Quote accepted"
    row.closed_date = now().date()
    await change_stage(
        ctx,
        work,
        row,
        target,
        pipeline,
        None,
        {
            "close_reason": row.close_reason,
            "closed_date": row.closed_date,
        },
    )


async def move_opportunity(ctx: RequestContext, data: MoveOpportunityInput) -> models.Opportunity:
    pipeline = await stages(ctx)
    async with ctx.write() as work:
        row = await visible_opportunity(ctx, data.id)
        target = stage_by_gid(pipeline, data.stage)
        if target is None:
            raise fail("stage", "No such stage in the pipeline.", "NOT_FOUND")
        if target.kind != OPEN:
            raise fail("stage", "Use closeOpportunity to win or lose a deal.", "INVALID_STAGE")
        if row.status != OPEN:
            raise fail("id", "This deal is closed: reopen it first.", "CLOSED")
        if target.id != row.stage_id:
            await change_stage(ctx, work, row, target, pipeline, data.version, {})
        elif data.version is not None and data.version != row.version:
            raise ApiError(Code.CONFLICT, "This opportunity was changed by someone else.")
    return row


async def close_opportunity(ctx: RequestContext, data: CloseOpportunityInput) -> models.Opportunity:
    pipeline = await stages(ctx)
    async with ctx.write() as work:
        row = await visible_opportunity(ctx, data.id)
        errors: list[UserError] = []
        if row.status != OPEN:
            errors.append(user_error("id", "This deal is already closed.", "ALREADY_CLOSED"))
        errors += v.text(data.reason, ["reason"], 500, required=not data.won)
        errors += amount_errors(data.amount, ["amount"])
        if data.close_date is not None and data.close_date > now().date() + dt.timedelta(days=1):
            errors.append(user_error("closeDate", "A deal cannot close in the future.", "INVALID"))
        raise_if(errors)
        kind = WON if data.won else LOST
        target = next(s for s in pipeline if s.kind == kind)
        if data.amount is not None:
            set_amount(row, data.amount)
        row.close_reason = v.clean(data.reason)
        row.closed_date = data.close_date or now().date()
        await change_stage(
            ctx,
            work,
            row,
            target,
            pipeline,
            data.version,
            {
                "close_reason": row.close_reason,
                "closed_date": row.closed_date,
                "forecast_category": "CLOSED",
            },
        )
    return row


async def reopen_opportunity(
    ctx: RequestContext, data: ReopenOpportunityInput
) -> models.Opportunity:
    pipeline = await stages(ctx)
    async with ctx.write() as work:
        row = await visible_opportunity(ctx, data.id)
        if row.status == OPEN:
            raise fail("id", "This deal is open already.", "NOT_CLOSED")
        open_ids = {s.id for s in pipeline if s.kind == OPEN}
        if data.stage is not None:
            target = stage_by_gid(pipeline, data.stage)
            if target is None or target.kind != OPEN:
                raise fail("stage", "Choose an open stage of the pipeline.", "INVALID_STAGE")
        else:
            last_open = await (
                models.StageChange.filter(opportunity_id=row.id, to_stage_id__in=list(open_ids))
                .order_by("-changed_at", "-id")
                .first()
            )
            # The pipeline is in order, so without history the first open stage is chosen.
            target_id = last_open.to_stage_id if last_open else None
            target = next(s for s in pipeline if s.kind == OPEN and target_id in (None, s.id))
        row.close_reason, row.closed_date = None, None
        await change_stage(
            ctx,
            work,
            row,
            target,
            pipeline,
            data.version,
            {"close_reason": None, "closed_date": None, "forecast_category": "PIPELINE"},
        )
    return row


async def delete_opportunity(ctx: RequestContext, gid: str) -> str:
    async with ctx.write() as work:
        row = await visible_opportunity(ctx, gid)
        await row.delete()
        await work.record(PLUGIN, DELETED, row, "Opportunity")
    return to_global_id("Opportunity", row.id)


async def update_pipeline(
    ctx: RequestContext, data: UpdatePipelineStagesInput
) -> list[models.PipelineStage]:
    current = await stages(ctx)
    async with ctx.write() as work:
        await work.lock("opportunities.pipeline")
        by_id = {s.id: s for s in current}
        errors: list[UserError] = []
        names: dict[str, int] = {}
        kept: set[int] = set()
        for i, item in enumerate(data.stages):
            path = ["stages", str(i)]
            errors += v.text(item.name, [*path, "name"], 100, required=True)
            key = (v.clean(item.name) or "").casefold()
            if key and key in names:
                errors.append(
                    user_error([*path, "name"], f"Stage {names[key]} has this name.", "DUPLICATE")
                )
            names.setdefault(key, i)
            errors += probability_errors(item.probability, [*path, "probability"])
            fixed = {"WON": 100, "LOST": 0}.get(item.kind.value)
            if fixed is not None and item.probability != fixed:
                errors.append(
                    user_error(
                        [*path, "probability"],
                        f"A {item.kind.value} stage has probability {fixed}.",
                        "INVALID",
                    )
                )
            if item.id is not None:
                stage = stage_by_gid(current, item.id)
                if stage is None or stage.id in kept:
                    errors.append(user_error([*path, "id"], "No such stage.", "NOT_FOUND"))
                    continue
                kept.add(stage.id)
                if stage.kind != item.kind.value and await _in_use(stage.id):
                    errors.append(
                        user_error(
                            [*path, "kind"],
                            f"Stage '{stage.name}' has opportunities: move them before "
                            "changing its kind.",
                            "STAGE_IN_USE",
                        )
                    )
        kinds = [item.kind.value for item in data.stages]
        if not 1 <= kinds.count(OPEN) <= MAX_OPEN_STAGES:
            errors.append(
                user_error("stages", f"Have 1 to {MAX_OPEN_STAGES} open stages.", "INVALID")
            )
        if kinds.count(WON) != 1 or kinds.count(LOST) != 1:
            errors.append(
                user_error("stages", "Have exactly one WON and one LOST stage.", "INVALID")
            )
        for stage in current:
            if stage.id not in kept and await _in_use(stage.id):
                errors.append(
                    user_error(
                        "stages",
                        f"Stage '{stage.name}' has opportunities: move them before removing it.",
                        "STAGE_IN_USE",
                    )
                )
        raise_if(errors)
        await models.PipelineStage.filter(id__in=[s for s in by_id if s not in kept]).delete()
        for position, item in enumerate(data.stages, start=1):
            values = {
                "name": v.clean(item.name),
                "position": position,
                "probability": item.probability,
                "kind": item.kind.value,
            }
            stage = stage_by_gid(current, item.id) if item.id is not None else None
            if stage is None:
                await models.PipelineStage.create(**values)
                continue
            await models.PipelineStage.filter(id=stage.id).update(**values)
            if stage.probability != item.probability:
                await _reprice(stage.id, item.probability, item.kind.value)
        await work.publish("pipeline.updated", PLUGIN, payload={"stages": len(data.stages)})
    return list(await models.PipelineStage.all().order_by("position", "id"))


async def _in_use(stage_id: int) -> bool:
    return await models.Opportunity.filter(stage_id=stage_id).exists()


async def _reprice(stage_id: int, probability: int, kind: str) -> None:
    """Opportunities in a stage whose probability changed follow it, unless overridden."""
    queryset = models.Opportunity.filter(stage_id=stage_id)
    if kind == OPEN:
        queryset = queryset.filter(probability_override__isnull=True)
    for row in await queryset:
        await models.Opportunity.filter(id=row.id).update(
            probability=probability, weighted_amount=weighted(row.amount, probability, row.currency)
        )


@strawberry.type
class OpportunityMutations:
    @strawberry.mutation(permission_classes=requires("opportunity.write"))
    async def create_opportunity(
        self, info: Info, input: CreateOpportunityInput
    ) -> OpportunityPayload:
        async def body() -> OpportunityPayload:
            rows = await create_opportunities(info.context, [input], bulk=False)
            return OpportunityPayload(opportunity=Opportunity.from_row(rows[0]))

        return await run_mutation(OpportunityPayload, body)

    @strawberry.mutation(
        permission_classes=requires("opportunity.write"), description="All or nothing; at most 500."
    )
    async def create_opportunities(
        self, info: Info, input: list[CreateOpportunityInput]
    ) -> OpportunitiesPayload:
        async def body() -> OpportunitiesPayload:
            rows = await create_opportunities(info.context, input, bulk=True)
            return OpportunitiesPayload(opportunities=[Opportunity.from_row(r) for r in rows])

        return await run_mutation(OpportunitiesPayload, body)

    @strawberry.mutation(permission_classes=requires("opportunity.write"))
    async def update_opportunity(
        self, info: Info, input: UpdateOpportunityInput
    ) -> OpportunityPayload:
        return await mutation_payload(
            OpportunityPayload,
            "opportunity",
            Opportunity.from_row,
            update_opportunity(info.context, input),
        )

    @strawberry.mutation(
        permission_classes=requires("opportunity.write"),
        description="Move an open deal to another open stage; kept in its stageHistory.",
    )
    async def move_opportunity(self, info: Info, input: MoveOpportunityInput) -> OpportunityPayload:
        return await mutation_payload(
            OpportunityPayload,
            "opportunity",
            Opportunity.from_row,
            move_opportunity(info.context, input),
        )

    @strawberry.mutation(
        permission_classes=requires("opportunity.write"),
        description="Win (to the WON stage) or lose (to the LOST stage, a reason required).",
    )
    async def close_opportunity(
        self, info: Info, input: CloseOpportunityInput
    ) -> OpportunityPayload:
        return await mutation_payload(
            OpportunityPayload,
            "opportunity",
            Opportunity.from_row,
            close_opportunity(info.context, input),
        )

    @strawberry.mutation(permission_classes=requires("opportunity.write"))
    async def reopen_opportunity(
        self, info: Info, input: ReopenOpportunityInput
    ) -> OpportunityPayload:
        return await mutation_payload(
            OpportunityPayload,
            "opportunity",
            Opportunity.from_row,
            reopen_opportunity(info.context, input),
        )

    @strawberry.mutation(permission_classes=requires("opportunity.delete"))
    async def delete_opportunity(
        self, info: Info, input: DeleteOpportunityInput
    ) -> DeleteOpportunityPayload:
        async def body() -> DeleteOpportunityPayload:
            gid = await delete_opportunity(info.context, input.id)
            return DeleteOpportunityPayload(deleted_id=strawberry.ID(gid))

        return await run_mutation(DeleteOpportunityPayload, body)

    @strawberry.mutation(permission_classes=requires("pipeline.manage"))
    async def update_pipeline_stages(
        self, info: Info, input: UpdatePipelineStagesInput
    ) -> PipelineStagesPayload:
        async def body() -> PipelineStagesPayload:
            rows = await update_pipeline(info.context, input)
            return PipelineStagesPayload(stages=[PipelineStage.from_row(r) for r in rows])

        return await run_mutation(PipelineStagesPayload, body)
