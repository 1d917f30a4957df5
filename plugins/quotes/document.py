"""The quote as a PDF: the document template quotes contributes, the plain data it is
rendered with, and its download at `GET /quotes/{gid}.pdf` (the quote's `pdfUrl`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.documents.download import DocumentDownload
from core.graphql.relay import maybe_pk
from core.manifest import DocumentTemplate
from core.models import User
from core.money import trimmed
from plugins.customers.models import Customer
from plugins.customers.service import postal_address
from plugins.quotes import models
from plugins.quotes.service import PDF_PATH, PLUGIN, today
from plugins.quotes.types import display_number

NAME = "quotes.quote"

# Every key the context has, so that a tenant's override is checked against all of it.
SAMPLE: dict[str, Any] = {
    "quote": {
        "number": "Q-2026-00042",
        "display_number": "Q-2026-00042-R2",
        "revision": 2,
        "title": "CRM 年度订阅 Annual subscription",
        "status": "SENT",
        "currency": "CNY",
        "valid_until": dt.date(2026, 12, 31),
        "issued_on": dt.date(2026, 12, 1),
        "subtotal": Decimal("14400.00"),
        "discount_total": Decimal("1440.00"),
        "tax_total": Decimal("777.60"),
        "grand_total": Decimal("13737.60"),
        "terms": "Net 30. 付款方式：银行转账。",
        "notes": None,
    },
    "lines": [
        {
            "position": 1,
            "sku": "CRM-SEAT",
            "name": "CRM 席位 seat",
            "description": "Annual licence",
            "unit": "seat",
            "quantity": Decimal("12"),
            "unit_price": Decimal("1200.00"),
            "discount_percent": Decimal("10"),
            "tax_percent": Decimal("6"),
            "gross": Decimal("14400.00"),
            "discount": Decimal("1440.00"),
            "net": Decimal("12960.00"),
            "tax": Decimal("777.60"),
            "total": Decimal("13737.60"),
        }
    ],
    "customer": {"name": "北京星辰科技有限公司", "address": "朝阳区建国路 88 号, 北京, 中国"},
    "owner": {"name": "李娜", "email": "li.na@example.com"},
}

TEMPLATE = DocumentTemplate(
    name=NAME,
    title="Quote",
    source=(Path(__file__).parent / "quote.html").read_text(encoding="utf-8"),
    sample=SAMPLE,
)

LINE_KEYS = tuple(SAMPLE["lines"][0])


async def quote_context(row: models.Quote) -> dict[str, Any]:
    """What the template sees of a quote. The customer is the quote's addressee, so it is
    printed whoever may see its customer record."""
    customer = await Customer.get(id=row.customer_id)
    owner = await User.get_or_none(id=row.owner_id)
    lines = await models.QuoteLine.filter(quote_id=row.id).order_by("position")
    return {
        "quote": {
            "number": row.number,
            "display_number": display_number(row),
            "revision": row.revision,
            "title": row.title,
            "status": row.status,
            "currency": row.currency,
            "valid_until": row.valid_until,
            "issued_on": (row.sent_at.date() if row.sent_at else today()),
            "subtotal": row.subtotal,
            "discount_total": row.discount_total,
            "tax_total": row.tax_total,
            "grand_total": row.grand_total,
            "terms": row.terms,
            "notes": row.notes,
        },
        "lines": [
            {
                **{key: getattr(line, key) for key in LINE_KEYS},
                "quantity": trimmed(line.quantity),
                "discount_percent": trimmed(line.discount_percent),
                "tax_percent": trimmed(line.tax_percent),
            }
            for line in lines
        ],
        "customer": {"name": customer.name, "address": postal_address(customer)},
        "owner": {"name": owner.name if owner else "", "email": owner.email if owner else ""},
    }


async def _find(ctx: Any, gid: str) -> models.Quote | None:
    pk = maybe_pk(gid, "Quote")
    if pk is None:
        return None
    return await (await ctx.visible(models.Quote.filter(id=pk))).first()


DOWNLOAD = DocumentDownload(
    path=PDF_PATH,
    plugin=PLUGIN,
    permission="quote.read",
    template=NAME,
    find=_find,
    context=quote_context,
    filename=lambda row: f"{display_number(row)}.pdf",
    missing="No such quote.",
)
