"""Bulk inserts that still give every row its id.

Tortoise's bulk_create sends one multi-row statement but cannot read generated ids back,
and callers need them (events, search documents, later rows of the same batch pointing at
earlier ones). So ids are reserved first: from the table's sequence on PostgreSQL, after the
current maximum on SQLite (which runs one write transaction at a time, so nobody else can
take them before this transaction commits). Call inside the writing transaction.
"""

from __future__ import annotations

from typing import Any

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


def build_rows(model: type[Model], rows: list[dict[str, Any]]) -> list[Model]:
    """Instances of `model` for `rows` (column values, ids included) about to be written with
    `insert_many`, built the way Tortoise builds rows it reads: attributes set directly.

    Model.__init__ runs every field's setter and validators, a fifth of a large import's
    time; the import has validated its values already. Columns a row leaves out get their
    field's default.
    """
    meta = model._meta
    defaults = [
        (name, meta.fields_map[name].default)
        for name in meta.fields_db_projection
        if name != meta.pk_attr
    ]
    custom_pk = meta.db_pk_column not in meta.generated_db_fields
    built = []
    for values in rows:
        row = model.__new__(model)
        attributes = row.__dict__
        attributes.update(_partial=False, _saved_in_db=True, _custom_generated_pk=custom_pk)
        attributes["_await_when_save"] = {}
        for name, default in defaults:
            attributes[name] = default() if callable(default) else default
        attributes.update(values)
        built.append(row)
    return built


async def insert_many(model: type[Model], rows: list[Model], chunk: int = 1000) -> None:
    """Insert `rows` (ids reserved with `reserve_ids`) with one prepared statement, executed
    for every row: what bulk_create does, without building a query object per value.

    A large import spends more time in bulk_create turning each value into a query parameter
    object than the database spends inserting it. Tenant rows are claimed for the current
    tenant first, as TenantModel.bulk_create does.
    """
    if not rows:
        return
    claim = getattr(model, "_claim_tenant", None)
    if claim is not None:
        for row in rows:
            row._claim_tenant()  # type: ignore[attr-defined]
    meta = model._meta
    fields = [
        (meta.fields_map[name], name)
        for name in meta.fields_db_projection
        if not getattr(meta.fields_map[name], "generated", False) or name == meta.pk_attr
    ]
    db = connections.get("default")
    postgres = db.capabilities.dialect == "postgres"
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, len(fields) + 1))
    columns = ", ".join(f'"{meta.fields_db_projection[name]}"' for _, name in fields)
    query = f'INSERT INTO "{meta.db_table}" ({columns}) VALUES ({marks})'
    for start in range(0, len(rows), chunk):
        await db.execute_many(
            query,
            [
                [field.to_db_value(getattr(row, name), row) for field, name in fields]
                for row in rows[start : start + chunk]
            ],
        )
