"""Fields the contracts plugin adds to the customers plugin's Customer."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.graphql.relay import Connection, order_spec, paginate
from plugins.contracts import models
from plugins.contracts.inputs import ContractFilter, ContractOrder
from plugins.contracts.queries import DEFAULT_ORDER, visible_contracts
from plugins.contracts.types import Contract


@strawberry.type
class CustomerContracts:
    @strawberry.field(
        description="Contracts with this customer you may see, newest first by default "
        "(added by contracts). Each customer's page is one query: in a long customer list, "
        "prefer contracts(filter: {customer: {in: [...]}})."
    )
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
        if not info.context.can("contract.read"):
            return Connection.empty()
        mine = models.Contract.filter(customer_id=self.row.id)  # type: ignore[attr-defined]
        return await paginate(
            await visible_contracts(info, filter, mine),
            order_spec(order_by, DEFAULT_ORDER),
            Contract.from_row,
            first,
            after,
            last,
            before,
        )
