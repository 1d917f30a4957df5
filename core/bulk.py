"""Bulk inserts that still give every row its id.

Tortoise's bulk_create sends one multi-row statement but cannot read generated ids back,
and callers need them (events, search documents, later rows of the same batch pointing at
earlier ones). So ids are reserved first: from the table's sequence on PostgreSQL, after the
current maximum on SQLite (which runs one write transaction at a time, so nobody else can
take them before this transaction commits). Call inside the writing transaction.
"""

from __future__ import annotations

from tortoise import connections
from tortoise.models import Model


async def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` ids for new rows of `model`: pass each as `id=` to the constructor, then
    bulk_create the rows."""
    if count <= 0:
        return []
    db = connections.get("default")
    table = model._meta.db_table
    column = model._meta.db_pk_column
    if db.capabilities.dialect == "postgres":
        rows = await db.execute_query_dict(
            f"SELECT nextval(pg_get_serial_sequence('{table}', '{column}')) AS id "
            "FROM generate_series(1, $1)",
            [count],
        )
        return [int(r["id"]) for r in rows]
    # AUTOINCREMENT tables never reuse an id, even a deleted row's: start past both.
    rows = await db.execute_query_dict(
        f'SELECT MAX(COALESCE((SELECT MAX("{column}") FROM "{table}"), 0), '
        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) AS top",
        [table],
    )
    top = int(rows[0]["top"])
    return list(range(top + 1, top + 1 + count))


async def refresh_statistics(model: type[Model]) -> None:
    """Let PostgreSQL's planner see a table that a bulk load just grew.

    Until autovacuum gets to it, a freshly filled table keeps the statistics of an empty one,
    and lookups such as `email_key IN (...500 values)` are planned as sequential scans whose
    cost grows with every batch. ANALYZE samples the table (a fixed-size sample, so a few
    tens of milliseconds) and may run inside the loading transaction. SQLite plans by its
    indexes alone, so nothing is needed there.
    """
    db = connections.get("default")
    if db.capabilities.dialect == "postgres":
        await db.execute_script(f'ANALYZE "{model._meta.db_table}"')
