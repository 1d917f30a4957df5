"""Database wiring: one Tortoise app for core and one per plugin, each with its migrations."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import generate_config
from tortoise.migrations.api import migrate as tortoise_migrate

from core.manifest import ModelApp
from core.plugins import PluginHost, PluginLoadError
from core.tenancy import install_scoped_managers

CORE_APP = ModelApp(
    models=("core.models", "casbin_tortoise_adapter.model"), migrations="core.migrations"
)


def model_apps(host: PluginHost) -> dict[str, ModelApp]:
    apps = {"core": CORE_APP}
    for plugin, app in host.collect("register_models"):
        if not isinstance(app, ModelApp):
            raise PluginLoadError(f"plugin '{plugin}': register_models must return a ModelApp")
        apps[plugin] = app
    return apps


def tortoise_config(db_url: str, host: PluginHost) -> dict[str, Any]:
    apps = model_apps(host)
    config = generate_config(db_url, {label: list(app.models) for label, app in apps.items()})
    for label, app in apps.items():
        config["apps"][label]["migrations"] = app.migrations
    config["use_tz"] = True
    config["timezone"] = "UTC"
    default = config["connections"]["default"]
    if isinstance(default, dict) and "asyncpg" in default.get("engine", ""):
        # asyncpg prepares every statement; after five runs PostgreSQL may switch one to a
        # generic plan, and for `tenant_id = $1 AND email_key IN ($2, ...)` that plan reads the
        # whole tenant through the tenant index (935 ms against 0.75 ms in the benchmark's
        # lead import). Planning with the actual values costs far less than that risk.
        credentials = default.setdefault("credentials", {})
        credentials.setdefault("server_settings", {})["plan_cache_mode"] = "force_custom_plan"
    return config


async def init_db(db_url: str, host: PluginHost) -> None:
    await Tortoise.init(config=tortoise_config(db_url, host), _enable_global_fallback=True)
    install_scoped_managers(model for app in Tortoise.apps.values() for model in app.values())


async def migrate(db_url: str, host: PluginHost) -> None:
    """Apply every installed plugin's migrations (tables exist for plugins a tenant may enable)."""
    await tortoise_migrate(config=tortoise_config(db_url, host))
    await measure_new_indexes()


async def measure_new_indexes() -> list[str]:
    """ANALYZE the SQLite tables whose indexes have no statistics yet; the tables analysed.

    Once a database has statistics, SQLite takes an index without any for the most selective
    one: an index a migration adds to an analysed database was chosen for every list of its
    table (a page of 50 deals took 1 s instead of 11 ms in the benchmark). A database never
    analysed is left alone, as are PostgreSQL ones (its planner estimates from the table's
    column statistics, which a new index does not lack).
    """
    db = connections.get("default")
    if db.capabilities.dialect != "sqlite":
        return []
    analysed = await db.execute_query_dict(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    )
    if not analysed:
        return []
    rows = await db.execute_query_dict(
        "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index' "
        "AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL) "
        "AND tbl_name IN (SELECT tbl FROM sqlite_stat1)"
    )
    tables = [r["tbl_name"] for r in rows]
    for table in tables:
        await db.execute_script(f'ANALYZE "{table}"')
    return tables


async def close_db() -> None:
    # Also releases Tortoise's global context, so the process can initialise again.
    await Tortoise.close_connections()


def connection() -> Any:
    return connections.get("default")
