"""Unit prices for quotes and orders: the service API of the products plugin.

Plugins that declare `requires={"products": ...}` import it:

    from plugins.products.pricing import PriceBookError, ProductPrice, unit_prices

    prices = await unit_prices([product_id, ...], "CNY", price_book_id=None)

Call it inside the tenant's scope (a request, a job, or `core.tenancy.tenant_scope`): every
query goes through the tenant-scoped managers, so another tenant's products and books are
simply not there. It reads, never writes, and costs three queries whatever the count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from tortoise.expressions import Q

from core.money import round_money
from plugins.products import models

PriceSource = Literal["PRICE_BOOK", "LIST_PRICE"]


@dataclass(frozen=True)
class ProductPrice:
    """What a quote or order line needs of a product: its identity as shown to the customer
    and the unit price in the asked currency, with the currency's number of decimals."""

    product_id: int
    sku: str
    name: str
    unit: str
    amount: Decimal
    currency: str
    tax_category: str | None
    source: PriceSource
    price_book_id: int | None  # the book the price comes from; None for a list price


class PriceBookError(ValueError):
    """The price book asked for cannot price in this currency. `code` is NOT_FOUND (no such
    book in the tenant) or CURRENCY_MISMATCH, ready to become a userError's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


async def unit_prices(
    product_ids: Iterable[int], currency: str, price_book_id: int | None = None
) -> dict[int, ProductPrice]:
    """The unit price in `currency` of each active product among `product_ids`, taken from
    the first of: the price book `price_book_id`, the tenant's default book for `currency`,
    the product's list price when it is in `currency`.

    A product is absent from the answer when it does not exist in the tenant, is inactive,
    or has no price in `currency`. Raises PriceBookError when `price_book_id` names no book
    of the tenant, or a book in another currency.
    """
    ids = set(product_ids)
    if not ids:
        return {}
    books = await _books_in_order(currency, price_book_id)
    products = await models.Product.filter(id__in=ids, active=True)
    entries = {
        (e.price_book_id, e.product_id): e.unit_price
        for e in await models.PriceBookEntry.filter(
            price_book_id__in=[b.id for b in books], product_id__in=ids
        )
    }
    found: dict[int, ProductPrice] = {}
    for product in products:
        for book in books:
            if (book.id, product.id) in entries:
                value = entries[(book.id, product.id)]
                found[product.id] = _price(product, value, currency, "PRICE_BOOK", book.id)
                break
        else:
            if product.currency == currency:
                found[product.id] = _price(
                    product, product.list_price, currency, "LIST_PRICE", None
                )
    return found


async def _books_in_order(currency: str, price_book_id: int | None) -> list[models.PriceBook]:
    """The books to look in, the one asked for first, then the currency's default."""
    condition = Q(default_for=currency)
    if price_book_id is not None:
        condition |= Q(id=price_book_id)
    books = list(await models.PriceBook.filter(condition))
    if price_book_id is not None:
        asked = next((b for b in books if b.id == price_book_id), None)
        if asked is None:
            raise PriceBookError("NOT_FOUND", "No such price book.")
        if asked.currency != currency:
            raise PriceBookError(
                "CURRENCY_MISMATCH",
                f"Price book '{asked.name}' is in {asked.currency}, not {currency}.",
            )
        books.sort(key=lambda b: b.id != price_book_id)
    return books


def _price(
    product: models.Product,
    value: Decimal,
    currency: str,
    source: PriceSource,
    price_book_id: int | None,
) -> ProductPrice:
    return ProductPrice(
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        unit=product.unit,
        amount=round_money(value, currency),
        currency=currency,
        tax_category=product.tax_category,
        source=source,
        price_book_id=price_book_id,
    )
