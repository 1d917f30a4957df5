"""What every contracts write shares: finding the contract, what each status allows, numbers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.relay import maybe_pk
from core.sequences import next_number
from plugins.contracts import models

if TYPE_CHECKING:
    from core.events import UnitOfWork
    from core.graphql.context import RequestContext

PLUGIN = "contracts"
NUMBER_PREFIX = "C"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Contract days are UTC days: tenants have no time zone yet."""
    return now().date()


async def new_number(work: UnitOfWork, at: dt.datetime) -> str:
    """The next contract number of the tenant for the year of `at`: C-2026-00001."""
    return await next_number(work, NUMBER_PREFIX, at.year)


async def find_contract(ctx: RequestContext, gid: str | None) -> models.Contract | None:
    """The contract with this global ID if the caller may see it."""
    pk = maybe_pk(gid, "Contract")
    if pk is None:
        return None
    return await (await ctx.visible(models.Contract.filter(id=pk))).first()


async def visible_contract(ctx: RequestContext, gid: str | None) -> models.Contract:
    """The contract the caller may see, or a NOT_FOUND userError on `id`."""
    row = await find_contract(ctx, gid)
    if row is None:
        raise fail("id", "No such contract.", "NOT_FOUND")
    return row


def status_errors(row: models.Contract, allowed: tuple[str, ...], action: str) -> list[UserError]:
    """An INVALID_STATUS userError on `id` unless the contract's status allows `action`."""
    if row.status in allowed:
        return []
    wanted = " or ".join(s.lower() for s in allowed)
    return [
        user_error(
            "id",
            f"Only {wanted} contracts can be {action}; {row.number} is {row.status.lower()}.",
            "INVALID_STATUS",
        )
    ]


def raise_if(errors: list[UserError]) -> None:
    if errors:
        raise UserInputError(errors)
