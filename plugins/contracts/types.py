"""GraphQL types of the contracts plugin."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.types import Info

from core.api.types import User
from core.graphql.loaders import load_user
from core.graphql.money import Money, money_in
from core.graphql.relay import Node, to_global_id
from core.graphql.schema_registry import owned_by
from plugins.contracts import models
from plugins.contracts.routes import pdf_url
from plugins.customers.types import Customer, load_customer


@strawberry.enum(
    description="DRAFT until activated, ACTIVE during its term, then EXPIRED at its end, "
    "TERMINATED early, or RENEWED by a successor."
)
class ContractStatus(Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"
    RENEWED = "RENEWED"


@strawberry.enum(description="How often the customer is invoiced over the term.")
class BillingFrequency(Enum):
    ONE_TIME = "ONE_TIME"
    MONTHLY = "MONTHLY"
    QUARTERLY = "QUARTERLY"
    ANNUALLY = "ANNUALLY"


@strawberry.type
class Contract(Node):
    node_model: ClassVar = models.Contract
    node_permission: ClassVar = "contract.read"
    row: strawberry.Private[models.Contract]
    number: str = strawberry.field(description="C-2026-00001: numbered per tenant and year.")
    title: str
    status: ContractStatus
    start_date: dt.date = strawberry.field(description="The first day in force.")
    end_date: dt.date = strawberry.field(description="The last day in force.")
    value: Money
    billing_frequency: BillingFrequency
    payment_terms: str | None = strawberry.field(description="Free text, such as 'Net 30'.")
    auto_renew: bool = strawberry.field(
        description="Renews itself at its end date for a term of the same length and value."
    )
    activated_at: dt.datetime | None
    terminated_at: dt.datetime | None
    termination_reason: str | None
    renewal_reminded_at: dt.datetime | None = strawberry.field(
        description="When the renewal reminder (contract.renewal_due) went out; it goes once."
    )
    order_id: strawberry.ID | None = strawberry.field(
        metadata=owned_by("orders"), description="The order this contract was made from."
    )
    order_number: str | None = strawberry.field(
        metadata=owned_by("orders"), description="That order's number, as it was then."
    )
    pdf_url: str = strawberry.field(
        description="The contract as a PDF: GET it with the same Authorization header."
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Contract) -> Contract:
        gid = to_global_id("Contract", row.id)
        return cls(
            id=strawberry.ID(gid),
            row=row,
            number=row.number,
            title=row.title,
            status=ContractStatus(row.status),
            start_date=row.start_date,
            end_date=row.end_date,
            value=money_in(row.value, row.currency),
            billing_frequency=BillingFrequency(row.billing_frequency),
            payment_terms=row.payment_terms,
            auto_renew=row.auto_renew,
            activated_at=row.activated_at,
            terminated_at=row.terminated_at,
            termination_reason=row.termination_reason,
            renewal_reminded_at=row.renewal_reminded_at,
            order_id=strawberry.ID(to_global_id("Order", row.order_id)) if row.order_id else None,
            order_number=row.order_number,
            pdf_url=pdf_url(gid),
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The customer, when you may see it.")
    async def customer(self, info: Info) -> Customer | None:
        return await load_customer(info, self.row.customer_id)

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.owner_id)

    @strawberry.field(description="The contract this one renewed, when you may see it.")
    async def predecessor(self, info: Info) -> Contract | None:
        return await load_contract(info, self.row.predecessor_id)

    @strawberry.field(description="The contract that renewed this one, when you may see it.")
    async def successor(self, info: Info) -> Contract | None:
        ctx = info.context

        async def batch(ids: list[int]) -> list[Contract | None]:
            rows = await ctx.visible(models.Contract.filter(predecessor_id__in=ids))
            by_predecessor = {r.predecessor_id: Contract.from_row(r) for r in await rows}
            return [by_predecessor.get(i) for i in ids]

        return await ctx.loader("contracts.successor", batch).load(self.row.id)


async def load_contract(info: Info, contract_id: int | None) -> Contract | None:
    """A contract the caller may see, batched across the request."""
    if contract_id is None:
        return None
    ctx = info.context

    async def batch(ids: list[int]) -> list[Contract | None]:
        rows = await ctx.visible(models.Contract.filter(id__in=ids))
        by_id = {r.id: Contract.from_row(r) for r in await rows}
        return [by_id.get(i) for i in ids]

    return await ctx.loader("contracts.contract", batch).load(contract_id)


@strawberry.type(description="How the tenant's contracts behave.")
class ContractSettings:
    renewal_reminder_days: int = strawberry.field(
        description="Days before its end date that an active contract is due for renewal: "
        "its owner is reminded then (default 30)."
    )
