"""Read side of the contracts plugin: the list with its filters, one contract, the settings."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core.graphql.errors import bad_input
from core.graphql.filters import Column, to_q
from core.graphql.permissions import requires
from core.graphql.relay import Connection, maybe_pk, order_spec, paginate
from plugins.contracts import models
from plugins.contracts.inputs import ContractFilter, ContractOrder
from plugins.contracts.models import ACTIVE
from plugins.contracts.service import today
from plugins.contracts.settings import contract_settings
from plugins.contracts.types import Contract, ContractSettings, load_contract

COLUMNS = {"owner": Column("owner_id", "User"), "customer": Column("customer_id", "Customer")}
MAX_EXPIRY_WINDOW = 3650
MAX_SEARCH = 200
DEFAULT_ORDER = [("created_at", True)]


def _expires_within(days: int) -> Q:
    if not 0 <= days <= MAX_EXPIRY_WINDOW:
        raise bad_input(f"'expiresWithinDays' must be between 0 and {MAX_EXPIRY_WINDOW}.")
    start = today()
    return Q(status=ACTIVE, end_date__gte=start, end_date__lte=start + dt.timedelta(days=days))


def _search(text: str) -> Q:
    """Every word in the number, the title or the customer's name."""
    if len(text) > MAX_SEARCH:
        raise bad_input(f"Search for at most {MAX_SEARCH} characters.")
    return Q(
        *(
            Q(number__icontains=w) | Q(title__icontains=w) | Q(customer__name__icontains=w)
            for w in text.split()
        )
    )


async def visible_contracts(
    info: Info, filter: ContractFilter | None, queryset: QuerySet | None = None
) -> QuerySet:
    queryset = models.Contract.all() if queryset is None else queryset
    if filter is not None:
        custom = {"expires_within_days": _expires_within, "search": _search}
        queryset = queryset.filter(to_q(filter, COLUMNS, custom))
    return await info.context.visible(queryset)


@strawberry.type
class ContractQueries:
    @strawberry.field(permission_classes=requires("contract.read"))
    async def contracts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ContractFilter | None = None,
        order_by: list[ContractOrder] | None = None,
    ) -> Connection[Contract]:
        return await paginate(
            await visible_contracts(info, filter),
            order_spec(order_by, DEFAULT_ORDER),
            Contract.from_row,
            first,
            after,
            last,
            before,
        )

    @strawberry.field(permission_classes=requires("contract.read"))
    async def contract(self, info: Info, id: strawberry.ID) -> Contract | None:
        return await load_contract(info, maybe_pk(id, "Contract"))

    @strawberry.field(permission_classes=requires("contract.read"))
    async def contract_settings(self) -> ContractSettings:
        row = await contract_settings()
        return ContractSettings(renewal_reminder_days=row.renewal_reminder_days)
