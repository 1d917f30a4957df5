"""What the products plugin's writes share: limits, lookups by global ID, optimistic versions."""

from __future__ import annotations

from core.graphql.relay import maybe_pk, to_global_id
from plugins.products import models

PLUGIN = "products"
MAX_BULK = 500  # items per bulk call (API.md)

# Named tenant locks (UnitOfWork.lock) around check-then-write rules.
SKU_LOCK = "products.sku"
PRICE_BOOK_LOCK = "products.price_books"


async def find_product(gid: str | None) -> models.Product | None:
    """The tenant's product with this global ID. Products have no owner: whoever may read
    the catalogue sees all of it."""
    pk = maybe_pk(gid, "Product")
    return None if pk is None else await models.Product.filter(id=pk).first()


async def find_price_book(gid: str | None) -> models.PriceBook | None:
    pk = maybe_pk(gid, "PriceBook")
    return None if pk is None else await models.PriceBook.filter(id=pk).first()


def product_label(row: models.Product) -> str:
    """How an error names an existing product."""
    return f"Product '{row.name}' ({to_global_id('Product', row.id)})"
