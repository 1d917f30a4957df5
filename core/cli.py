"""The `tessera` command: serve, migrate, create the platform admin, export the schema."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from core.settings import Settings

DEFAULT_SCHEMA_PATH = Path("schema/schema.graphql")


def _runtime(settings: Settings):  # noqa: ANN202 - imported lazily so `--help` stays fast
    from core.runtime import Runtime

    return Runtime(settings)


async def _migrate(settings: Settings) -> None:
    from core.db import close_db, init_db, migrate

    runtime = _runtime(settings)
    await migrate(settings.database_url, runtime.host)
    await close_db()
    await init_db(settings.database_url, runtime.host)
    await runtime.search.prepare()
    await close_db()


async def _seed_demo(settings: Settings) -> None:
    from core.db import close_db, init_db
    from core.demo import seed_demo

    runtime = _runtime(settings)
    await init_db(settings.database_url, runtime.host)
    try:
        await seed_demo(runtime)
    finally:
        await close_db()


async def _reindex(settings: Settings) -> int:
    from core.search.reindex import reindex

    runtime = _runtime(settings)
    await runtime.start()
    try:
        return await reindex(runtime)
    finally:
        await runtime.stop()


async def _makemigrations(settings: Settings, labels: list[str]) -> list[str]:
    """Write migrations for `labels` (default: all) from the models' current state.

    Tortoise's own command loads only the named apps, which breaks foreign keys into core;
    this one loads every app and keeps only the wanted writers.
    """
    from tortoise.context import TortoiseContext
    from tortoise.migrations.autodetector import MigrationAutodetector

    from core.db import tortoise_config
    from core.plugins import PluginHost

    config = tortoise_config(settings.database_url, PluginHost(settings).load())
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    return [f"{w.app_label}: {w.write()}" for w in writers if not labels or w.app_label in labels]


async def _create_admin(settings: Settings, email: str, password: str) -> None:
    from core.db import close_db, init_db
    from core.demo import ensure_platform_admin

    runtime = _runtime(settings)
    await init_db(settings.database_url, runtime.host)
    try:
        await ensure_platform_admin(email, password)
    finally:
        await close_db()


def export_schema(settings: Settings) -> str:
    from core.graphql.schema_registry import SchemaRegistry
    from core.plugins import PluginHost

    host = PluginHost(settings).load()
    return SchemaRegistry(host, settings).full().as_str() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tessera", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--demo", action="store_true", help="migrate, create the demo tenant and users, then serve"
    )
    sub.add_parser("migrate", help="apply core's and every installed plugin's migrations")
    sub.add_parser("demo", help="create the demo tenant and users (idempotent)")
    sub.add_parser("reindex", help="rebuild the search index from the database")
    make = sub.add_parser("makemigrations", help="write migrations for changed plugin models")
    make.add_argument("plugins", nargs="*", help="only these apps (default: all)")
    admin = sub.add_parser("create-admin", help="create (or promote) the platform admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", help="prompted for when omitted")
    schema = sub.add_parser("schema", help="schema tools")
    schema.add_argument("action", choices=["export"])
    schema.add_argument("path", nargs="?", default=str(DEFAULT_SCHEMA_PATH))
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        print("migrations applied")
    elif args.command == "demo":
        asyncio.run(_migrate(settings))
        asyncio.run(_seed_demo(settings))
        _print_demo(None)
    elif args.command == "makemigrations":
        written = asyncio.run(_makemigrations(settings, args.plugins))
        print("\n".join(written) if written else "no changes")
    elif args.command == "reindex":
        print(f"indexed {asyncio.run(_reindex(settings))} records")
    elif args.command == "create-admin":
        password = args.password or getpass.getpass("Password: ")
        if len(password) < 8:
            print("Use at least 8 characters.", file=sys.stderr)
            return 2
        asyncio.run(_create_admin(settings, args.email, password))
        print(f"platform admin {args.email} ready")
    elif args.command == "schema":
        Path(args.path).write_text(export_schema(settings), encoding="utf-8")
        print(f"schema written to {args.path}")
    elif args.command == "serve":
        return _serve(args, settings)
    return 0


def _print_demo(url: str | None) -> None:
    from core.demo import DEMO_PASSWORD, DEMO_TENANT, DEMO_USERS, PLATFORM_ADMIN

    if url:
        print(f"\n  Tessera is running: {url}/graphql (GraphiQL in a browser)")
    print(f"  Demo tenant '{DEMO_TENANT}', password for every demo user: {DEMO_PASSWORD}")
    for email, _, roles, _ in DEMO_USERS:
        print(f"    {email:<30} {', '.join(roles)}")
    print(f"  Platform admin: {PLATFORM_ADMIN[0]} / {PLATFORM_ADMIN[1]}")
    print(
        '  Sign in: mutation { login(input: {email: "admin@demo.tessera.local", '
        f'password: "{DEMO_PASSWORD}"}}) {{ token }} }}'
    )
    print("  then send the header  Authorization: Bearer <token>\n", flush=True)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    import uvicorn

    if args.demo:
        asyncio.run(_migrate(settings))
        asyncio.run(_seed_demo(settings))
        _print_demo(f"http://{args.host}:{args.port}")
    if "TESSERA_SECRET_KEY" not in os.environ:
        # Every worker must sign with the same key: without a configured one, this run's
        # random key is handed to them (tokens then end with the process).
        print("TESSERA_SECRET_KEY is not set: tokens will not survive a restart.", flush=True)
        os.environ["TESSERA_SECRET_KEY"] = settings.secret_key
    uvicorn.run(
        "core.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        factory=False,
        log_level="info",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
