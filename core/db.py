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


async def close_db() -> None:
    # Also releases Tortoise's global context, so the process can initialise again.
    await Tortoise.close_connections()


def connection() -> Any:
    return connections.get("default")
