"""Gap-free document numbers per tenant (Q-2026-00042, SO-2026-00007, ...).

A number is taken inside the writing unit of work: the counter row is bumped in the same
transaction as the document, so a rollback returns the number and concurrent writers wait
for each other (the tenant's named lock on PostgreSQL, the single writer on SQLite). Nothing
is skipped and nothing repeats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.expressions import F

from core.models import NumberSequence

if TYPE_CHECKING:
    from core.events import UnitOfWork


async def next_value(work: UnitOfWork, key: str) -> int:
    """The next value of the tenant's counter `key`, starting at 1."""
    await work.lock(f"sequence:{key}")
    bumped = await NumberSequence.filter(key=key).update(value=F("value") + 1)
    if not bumped:
        await NumberSequence.create(key=key, value=1)
        return 1
    row = await NumberSequence.get(key=key)
    return row.value


async def next_number(work: UnitOfWork, prefix: str, year: int, width: int = 5) -> str:
    """`PREFIX-YEAR-NNNNN`, counted per prefix and year: Q-2026-00042."""
    value = await next_value(work, f"{prefix}:{year}")
    return f"{prefix}-{year}-{value:0{width}d}"
