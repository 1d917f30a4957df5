"""The contract as a PDF: the document template contracts contributes, and the plain data
(`contract`, `customer`, `owner`) it is rendered with."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.manifest import DocumentTemplate
from core.models import User
from plugins.contracts import models
from plugins.contracts.service import today
from plugins.customers.models import Customer
from plugins.customers.service import postal_address

NAME = "contracts.contract"
STATUS_LABELS = {
    "DRAFT": "草稿 Draft",
    "ACTIVE": "生效 Active",
    "EXPIRED": "已到期 Expired",
    "TERMINATED": "已终止 Terminated",
    "RENEWED": "已续约 Renewed",
}
BILLING_LABELS = {
    "ONE_TIME": "一次性 One-time",
    "MONTHLY": "按月 Monthly",
    "QUARTERLY": "按季 Quarterly",
    "ANNUALLY": "按年 Annually",
}

# Every key render_document passes, so that a tenant's override is checked against all of it.
SAMPLE: dict[str, Any] = {
    "contract": {
        "number": "C-2026-00001",
        "title": "年度维护服务 Annual maintenance",
        "status": "ACTIVE",
        "status_label": STATUS_LABELS["ACTIVE"],
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2026, 12, 31),
        "value": Decimal("120000.00"),
        "currency": "CNY",
        "billing_frequency": "QUARTERLY",
        "billing_label": BILLING_LABELS["QUARTERLY"],
        "payment_terms": "Net 30",
        "auto_renew": True,
        "order_number": "SO-2026-00007",
        "predecessor_number": "C-2025-00012",
        "issued_on": dt.date(2026, 1, 5),
    },
    "customer": {"name": "上海贸易有限公司", "address": "南京西路 1266 号, 上海, 中国"},
    "owner": {"name": "王伟", "email": "wang.wei@example.com"},
}

TEMPLATE = DocumentTemplate(
    name=NAME,
    title="Contract",
    source=(Path(__file__).parent / "contract.html").read_text(encoding="utf-8"),
    sample=SAMPLE,
)


async def contract_context(row: models.Contract) -> dict[str, Any]:
    """What the template sees of a contract. The customer is the contract's party, so it is
    printed whoever may see its customer record."""
    customer = await Customer.get(id=row.customer_id)
    owner = await User.get_or_none(id=row.owner_id)
    predecessor = None
    if row.predecessor_id is not None:
        predecessor = await models.Contract.get_or_none(id=row.predecessor_id)
    return {
        "contract": {
            "number": row.number,
            "title": row.title,
            "status": row.status,
            "status_label": STATUS_LABELS[row.status],
            "start_date": row.start_date,
            "end_date": row.end_date,
            "value": row.value,
            "currency": row.currency,
            "billing_frequency": row.billing_frequency,
            "billing_label": BILLING_LABELS[row.billing_frequency],
            "payment_terms": row.payment_terms,
            "auto_renew": row.auto_renew,
            "order_number": row.order_number,
            "predecessor_number": predecessor.number if predecessor else None,
            "issued_on": today(),
        },
        "customer": {"name": customer.name, "address": postal_address(customer)},
        "owner": {"name": owner.name if owner else "", "email": owner.email if owner else ""},
    }
