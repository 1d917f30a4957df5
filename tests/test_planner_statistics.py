"""Migrations keep SQLite's planner statistics whole: an index added to an analysed database
gets its statistics at once, so the planner does not take it for the most selective one."""

from __future__ import annotations

import pytest

from core.db import connection, measure_new_indexes
from core.runtime import Runtime

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_index_added_to_an_analysed_table_is_measured(runtime: Runtime) -> None:
    db = connection()
    if runtime.settings.is_postgres:
        # PostgreSQL plans a new index from the table's column statistics: nothing to do.
        assert await measure_new_indexes() == []
        return
    await db.execute_script(
        "CREATE TABLE planner_probe (id INTEGER PRIMARY KEY, tenant INT, kind INT);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
        "INSERT INTO planner_probe (tenant, kind) SELECT i % 5, i % 2 FROM n;"
        "CREATE INDEX planner_probe_tenant ON planner_probe (tenant);"
        "ANALYZE planner_probe;"
        # What a migration does to a database analysed before it.
        "CREATE INDEX planner_probe_kind ON planner_probe (tenant, kind);"
    )
    try:
        assert "planner_probe" in await measure_new_indexes()
        rows = await db.execute_query_dict(
            "SELECT idx FROM sqlite_stat1 WHERE tbl = 'planner_probe' ORDER BY idx"
        )
        assert [r["idx"] for r in rows] == ["planner_probe_kind", "planner_probe_tenant"]
        assert await measure_new_indexes() == []  # nothing left unmeasured
    finally:
        await db.execute_script("DROP TABLE planner_probe")
