"""The GraphQL fields of a priced line, shared by QuoteLine and OrderLine."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry

from core.graphql.money import Money, money_in
from core.graphql.relay import to_global_id
from core.money import trimmed


@strawberry.enum(description="Where a line's unit price came from.")
class PriceSource(Enum):
    PRICE_BOOK = "PRICE_BOOK"
    LIST_PRICE = "LIST_PRICE"
    MANUAL = "MANUAL"


@strawberry.type(description="One line; amounts rounded to the currency's minor unit.")
class PricedLineFields:
    position: int
    product_id: strawberry.ID
    sku: str
    name: str
    description: str | None
    unit: str
    quantity: Decimal
    unit_price: Money
    price_source: PriceSource
    discount_percent: Decimal
    tax_percent: Decimal
    gross: Money = strawberry.field(description="Quantity x unit price.")
    discount: Money
    net: Money = strawberry.field(description="Gross minus discount.")
    tax: Money = strawberry.field(description="Net x tax percent.")
    total: Money = strawberry.field(description="Net plus tax.")

    @classmethod
    def from_row(cls, row: Any, currency: str) -> Any:
        """The line of a document in `currency` (a row with line_models' columns)."""
        return cls(
            position=row.position,
            product_id=strawberry.ID(to_global_id("Product", row.product_id)),
            sku=row.sku,
            name=row.name,
            description=row.description,
            unit=row.unit,
            quantity=trimmed(row.quantity),
            unit_price=money_in(row.unit_price, currency),
            price_source=PriceSource(row.price_source),
            discount_percent=trimmed(row.discount_percent),
            tax_percent=trimmed(row.tax_percent),
            gross=money_in(row.gross, currency),
            discount=money_in(row.discount, currency),
            net=money_in(row.net, currency),
            tax=money_in(row.tax, currency),
            total=money_in(row.total, currency),
        )
