"""What the products plugin's writes share: limits, lookups by global ID, optimistic versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from core.graphql.errors import ApiError, Code
from core.graphql.relay import maybe_pk, to_global_id
from plugins.products import models

PLUGIN = "products"
MAX_BULK = 500  # items per bulk call (API.md)

# Named tenant locks (UnitOfWork.lock) around check-then-write rules.
SKU_LOCK = "products.sku"
PRICE_BOOK_LOCK = "products.price_books"


def given(value: Any) -> bool:
    """Whether an update input carries this field at all (null included)."""
    return value is not strawberry.UNSET


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


async def bump_version(
    model: type, row: Any, expected: int | None, changes: dict[str, Any], what: str
) -> None:
    """Write `changes` only if nobody else changed the row since it was read; CONFLICT
    otherwise. Without `expected`, the last write wins."""
    if expected is not None and expected != row.version:
        raise _conflict(what)
    changes = {**changes, "version": row.version + 1, "updated_at": dt.datetime.now(dt.UTC)}
    written = await model.filter(id=row.id, version=row.version).update(**changes)
    if not written:
        raise _conflict(what)
    for key, value in changes.items():
        setattr(row, key, value)


def _conflict(what: str) -> ApiError:
    return ApiError(
        Code.CONFLICT,
        f"This {what} was changed by someone else; reload it and apply your change again.",
    )
