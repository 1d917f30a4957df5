"""Start-up time and the schema cache: memory per tenant schema, one schema per plugin set.

- time to ready with every built-in plugin, in a fresh interpreter (bench/startup.py's probe),
  beside a fresh interpreter that imports the modules Tessera loads from the packages any
  GraphQL-over-database server needs (starlette, strawberry, tortoise, casbin, the driver...)
  and opens one raw database connection;
- memory per cached tenant schema, for 20 distinct valid plugin sets (tracemalloc and RSS),
  beside graphql-core's own schema built from the same SDL (without its AST);
- 1 000 tenants spread over those 20 sets, each sending one authenticated request through the
  ASGI app: the registry must then hold one Schema per plugin set, not one per tenant; and
  what each tenant served adds to a worker's memory.

Schemas and tenants are measured in fresh child processes (see `in_child`).

    python -m bench.w7_startup [--database-url URL] [--tenants 1000] [--sets 20]
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from importlib.machinery import PathFinder
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bench.measure import Measure
from bench.results import format_table
from bench.startup import PROBE

if TYPE_CHECKING:
    from graphql import GraphQLSchema

    from core.plugins import PluginHost
    from core.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
PASSWORD = "bench-password"
ME = "{ me { email roles } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token } }"
# Creating tenants one by one through core costs an argon2 hash each; past this projected
# time the rest are written in bulk (see bulk_tenants).
CREATE_BUDGET_SECONDS = 120.0


class W7Data(Protocol):
    url: str
    secret_key: str


# -- time to ready ------------------------------------------------------------------------------

# Tessera's start-up, then every module it loaded that is not its own, in import order.
MODULES_PROBE = """
import asyncio, sys
from core.runtime import Runtime
from core.settings import Settings

async def main():
    runtime = Runtime(Settings.from_env())
    await runtime.start()
    await runtime.stop()

asyncio.run(main())
own = ("core", "plugins", "bench", "tests", "__main__")
print("\\n".join(m for m in list(sys.modules) if m.split(".")[0] not in own))
"""

# What serving GraphQL over the database cannot do without; the modules of these packages
# (and the standard library) that Tessera loads make the limit. Their own dependencies come
# along on import. Other packages (PDF rendering, search clients...) are Tessera's choice to
# load at start-up, so they count against it.
SERVING_STACK = frozenset(
    {
        "starlette", "strawberry", "graphql", "tortoise", "pypika_tortoise", "pluggy",
        "casbin", "casbin_tortoise_adapter", "jwt", "argon2", "packaging", "asyncpg",
        "aiosqlite",
    }
)  # fmt: skip

# The limit: a fresh interpreter importing those modules and opening one raw connection.
LIMIT_PROBE = """
import asyncio, importlib, os, sys, time
names = sys.stdin.read().split()
t0 = time.perf_counter()
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        pass  # modules only importable as a side effect of their parent
t1 = time.perf_counter()

async def main(url):
    if url.startswith("sqlite://"):
        import aiosqlite
        db = await aiosqlite.connect(url.removeprefix("sqlite://"))
        await (await db.execute("SELECT 1")).fetchall()
        await db.close()
    else:
        import asyncpg
        db = await asyncpg.connect(url)
        await db.fetch("SELECT 1")
        await db.close()

asyncio.run(main(os.environ["TESSERA_DATABASE_URL"]))
print(t1 - t0, time.perf_counter() - t1)
print("\\n".join(sys.modules))
"""


def _probe(script: str, env: dict[str, str], stdin: str = "") -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        input=stdin,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()


@dataclass(frozen=True)
class Startup:
    ready_s: float  # median, fresh process to ready
    fastest_s: float  # the quickest run: other jobs on the machine slow the median down
    imports_s: float
    limit_s: float  # median, the serving stack's modules imported + one raw connection
    limit_imports_s: float
    left_out: list[str]  # packages Tessera loads at start-up beyond the serving stack


def _package(module: str) -> str:
    return module.split(".")[0]


def measure_startup(url: str, runs: int) -> Startup:
    """Medians over `runs` fresh processes of each kind (the database is already migrated)."""
    env = {**os.environ, "TESSERA_DATABASE_URL": url, "TESSERA_SCHEDULER_INTERVAL": "0"}
    loaded = _probe(MODULES_PROBE, env)
    needed = SERVING_STACK | sys.stdlib_module_names
    stack = "\n".join(m for m in loaded if _package(m) in needed)
    ready, limit = [], []
    for _ in range(runs):
        ready.append([float(v) for v in _probe(PROBE, env)])
        out = _probe(LIMIT_PROBE, env, stack)
        limit.append([float(v) for v in out[:2]])
    # What Tessera loads that the stack did not bring along as its own dependencies (importable
    # packages only: extension modules also register helpers such as "cython_runtime").
    left_out = {_package(m) for m in loaded} - {_package(m) for m in out[2:]}
    return Startup(
        ready_s=statistics.median(a + b for a, b in ready),
        fastest_s=min(a + b for a, b in ready),
        imports_s=statistics.median(a for a, _ in ready),
        limit_s=statistics.median(a + b for a, b in limit),
        limit_imports_s=statistics.median(a for a, _ in limit),
        left_out=sorted(p for p in left_out if not p.startswith("_") and PathFinder.find_spec(p)),
    )


# -- plugin sets --------------------------------------------------------------------------------


def valid_plugin_sets(host: PluginHost) -> list[frozenset[str]]:
    """Every non-empty set of installed plugins that holds what its members require."""
    names = sorted(host.plugins)
    found = []
    for size in range(len(names), 0, -1):
        for combo in itertools.combinations(names, size):
            chosen = frozenset(combo)
            if all(host.requirements_of(p) <= chosen for p in chosen):
                found.append(chosen)
    return found


def spread_plugin_sets(host: PluginHost, count: int) -> list[frozenset[str]]:
    """`count` valid sets, evenly spread from the full set down to single plugins."""
    every = valid_plugin_sets(host)  # the full set first, then by falling size
    if count >= len(every) or count < 2:
        return every[: max(count, 1)]
    step = (len(every) - 1) / (count - 1)
    return [every[round(i * step)] for i in range(count)]


# -- memory per schema --------------------------------------------------------------------------


def settled_rss() -> int:
    """Resident bytes once garbage is collected and the C heap's free pages are handed back:
    otherwise new objects fill memory freed earlier and RSS growth shows nothing."""
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def traced_per_item(build: Callable[[frozenset[str]], Any], sets: list[frozenset[str]]) -> float:
    """Mean bytes retained per built item (Python allocations, tracemalloc)."""
    kept = []
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for plugin_set in sets:
            kept.append(build(plugin_set))
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / len(sets)


def without_ast(schema: GraphQLSchema) -> GraphQLSchema:
    """The schema's type system alone: build_schema keeps the parsed SDL on every type, field
    and argument, which a schema built in code does not have."""
    schema.ast_node = None
    for named in schema.type_map.values():
        named.ast_node = None
        named.extension_ast_nodes = ()
        for item in (
            *getattr(named, "fields", {}).values(),
            *getattr(named, "values", {}).values(),
        ):
            item.ast_node = None
            for arg in getattr(item, "args", {}).values():
                arg.ast_node = None
    for directive in schema.directives:
        directive.ast_node = None
        for arg in directive.args.values():
            arg.ast_node = None
    return schema


@dataclass(frozen=True)
class SchemaMemory:
    rss_per_schema: float
    traced_per_schema: float
    sdl_traced_per_schema: float  # graphql-core build_schema of the same SDL
    build_ms: float  # mean time to build one schema
    fewest_types: int  # in one set's schema
    most_types: int


def measure_schema_memory(runtime: Runtime, sets: list[frozenset[str]]) -> SchemaMemory:
    """RSS growth while the runtime's own registry builds the sets (without tracemalloc, which
    would inflate RSS), then Python allocations per schema in a fresh registry, then the same
    for graphql-core schemas built from each set's SDL."""
    from graphql import build_schema

    from core.graphql.schema_registry import SchemaRegistry

    new = [s for s in sets if s != frozenset(runtime.host.plugins)]  # the full one is built
    rss_before = settled_rss()
    started = time.perf_counter()
    for plugin_set in new:
        runtime.schemas.for_plugins(plugin_set)
    build_ms = (time.perf_counter() - started) * 1000 / len(new)
    rss_per = (settled_rss() - rss_before) / len(new)

    fresh = SchemaRegistry(runtime.host, runtime.settings)
    traced = traced_per_item(fresh.for_plugins, sets)
    sdl = {s: runtime.schemas.for_plugins(s).as_str() for s in sets}
    sdl_traced = traced_per_item(
        lambda s: without_ast(build_schema(sdl[s], no_location=True)), sets
    )
    types = [len(build_schema(text).type_map) for text in sdl.values()]
    return SchemaMemory(rss_per, traced, sdl_traced, build_ms, min(types), max(types))


# -- 1 000 tenants ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TenantAdmin:
    slug: str
    tenant_id: int
    user_id: int
    plugins: list[str]


def _slug(prefix: str, i: int) -> str:
    return f"{prefix}-{i:04d}"


def _email(slug: str) -> str:
    return f"admin@{slug}.bench"


async def create_one(runtime: Runtime, slug: str, plugins: frozenset[str]) -> TenantAdmin:
    from core.models import User
    from core.tenants import create_tenant

    tenant = await create_tenant(runtime, slug, slug, _email(slug), PASSWORD, sorted(plugins))
    user = await User.get(email=_email(slug))
    return TenantAdmin(slug, tenant.id, user.id, tenant.plugins)


def _casbin_rows(runtime: Runtime, admin: TenantAdmin) -> list[Any]:
    """The policy rows create_tenant leaves for a new tenant: its plugins' default grants
    (core.tenants.grant_defaults) and the admin role (Rbac.set_roles), in core.auth.rbac's
    layout. Written directly: Rbac.grant first deletes each rule with one OR per rule, which
    scans the whole policy table and grows with every tenant."""
    from casbin_tortoise_adapter.model import CasbinRule

    from core.auth.rbac import domain, subject

    where = domain(admin.tenant_id)
    rows = [CasbinRule(ptype="g", v0=subject(admin.user_id), v1="admin", v2=where)]
    for plugin in ["core", *admin.plugins]:
        for role, perms in runtime.default_grants.get(plugin, {}).items():
            for perm in perms:
                resource, action = perm.rsplit(".", 1)
                rows.append(CasbinRule(ptype="p", v0=role, v1=where, v2=resource, v3=action))
    return rows


async def bulk_tenants(
    runtime: Runtime, plan: list[tuple[str, frozenset[str]]]
) -> list[TenantAdmin]:
    """The rows create_tenant writes (tenant, admin user, membership, policy), inserted in
    bulk, with one password hash shared by all the admins."""
    from casbin_tortoise_adapter.model import CasbinRule
    from tortoise.transactions import in_transaction

    from core.auth.passwords import hash_password
    from core.models import Membership, Tenant, User
    from core.tenancy import ALL_TENANTS, tenant_scope

    password_hash = hash_password(PASSWORD)
    slugs = [slug for slug, _ in plan]
    emails = [_email(slug) for slug in slugs]
    async with in_transaction():
        await Tenant.bulk_create(
            [Tenant(slug=s, name=s, plugins=runtime.host.closure(p)) for s, p in plan]
        )
        await User.bulk_create(
            [User(email=e, name="Admin", password_hash=password_hash) for e in emails]
        )
        tenants = dict(await Tenant.filter(slug__in=slugs).values_list("slug", "id"))
        users = dict(await User.filter(email__in=emails).values_list("email", "id"))
        admins = [
            TenantAdmin(s, tenants[s], users[_email(s)], runtime.host.closure(p)) for s, p in plan
        ]
        with tenant_scope(ALL_TENANTS):
            await Membership.bulk_create(
                [Membership(tenant_id=a.tenant_id, user_id=a.user_id) for a in admins]
            )
        rules = [row for admin in admins for row in _casbin_rows(runtime, admin)]
        await CasbinRule.bulk_create(rules, batch_size=1000)
    return admins


@dataclass(frozen=True)
class Made:
    """How the tenants were made."""

    tenants: int
    one_by_one: int  # through create_tenant
    create_ms: float  # each, through create_tenant
    seconds: float  # for all of them

    def note(self) -> str:
        if self.one_by_one == self.tenants:
            return f"{self.tenants} tenants by create_tenant in {self.seconds:.0f} s"
        return (
            f"{self.one_by_one} tenants by create_tenant ({self.create_ms:.0f} ms each: "
            f"{self.create_ms * self.tenants / 1000:.0f} s projected for {self.tenants}), the "
            f"other {self.tenants - self.one_by_one} with the same rows in bulk; "
            f"{self.seconds:.0f} s in all"
        )


async def populate(
    runtime: Runtime, sets: list[frozenset[str]], tenants: int, prefix: str
) -> tuple[list[TenantAdmin], Made]:
    """`tenants` tenants, round-robin over `sets`: the first of each set through
    create_tenant, the rest too if that fits CREATE_BUDGET_SECONDS, else in bulk."""
    plan = [(_slug(prefix, i), sets[i % len(sets)]) for i in range(tenants)]
    started = time.perf_counter()
    admins = [await create_one(runtime, slug, p) for slug, p in plan[: len(sets)]]
    each = (time.perf_counter() - started) / len(admins)
    one_by_one = tenants if each * tenants <= CREATE_BUDGET_SECONDS else len(admins)
    admins += [await create_one(runtime, slug, p) for slug, p in plan[len(admins) : one_by_one]]
    if one_by_one < tenants:
        admins += await bulk_tenants(runtime, plan[one_by_one:])
    return admins, Made(tenants, one_by_one, each * 1000, time.perf_counter() - started)


@dataclass(frozen=True)
class Served:
    cached: int  # schemas in the registry afterwards
    distinct: int  # distinct plugin sets the requests used (the signed-out one included)
    logins: int
    median_ms: float  # one tenant's first request
    rss_per_tenant: float
    failures: int


async def _token(client: Any, runtime: Runtime, admin: TenantAdmin, login: bool) -> str:
    from core.auth.tokens import issue_session_token

    if not login:
        settings = runtime.settings
        return issue_session_token(
            settings.secret_key, admin.user_id, admin.tenant_id, settings.token_ttl_seconds
        )
    variables = {"i": {"email": _email(admin.slug), "password": PASSWORD}}
    response = await client.post("/graphql", json={"query": LOGIN, "variables": variables})
    return response.json()["data"]["login"]["token"]


def _served_well(response: Any, admin: TenantAdmin) -> bool:
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        return False
    me = body["data"]["me"]
    return me["email"] == _email(admin.slug) and me["roles"] == ["admin"]


async def serve_each(runtime: Runtime, admins: list[TenantAdmin], logins: int) -> Served:
    """One `me` request per tenant through the ASGI app: the first `logins` tenants sign in
    with the login mutation (signed out, so through the core-only schema), the others use a
    token signed with the runtime's secret, as login would issue it.

    The schemas the requests will use are built first, so that RSS growth over the requests
    is what each tenant adds (its Casbin enforcer, its rows), not the schemas."""
    import httpx

    from core.app import create_app

    used = {frozenset(a.plugins) for a in admins} | ({frozenset()} if logins else set())
    for plugin_set in used:
        runtime.schemas.for_plugins(plugin_set)
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    samples, failures = [], 0
    rss_before = settled_rss()
    async with httpx.AsyncClient(transport=transport, base_url="http://w7", timeout=120) as client:
        for n, admin in enumerate(admins):
            token = await _token(client, runtime, admin, login=n < logins)
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": ME}, headers={"authorization": f"Bearer {token}"}
            )
            samples.append((time.perf_counter() - started) * 1000)
            failures += not _served_well(response, admin)
    return Served(
        cached=runtime.schemas.cached_count,
        distinct=len(used),
        logins=min(logins, len(admins)),
        median_ms=statistics.median(samples),
        rss_per_tenant=(settled_rss() - rss_before) / len(admins),
        failures=failures,
    )


# -- the workload -------------------------------------------------------------------------------
#
# The in-process parts run in fresh child processes: a memory figure needs a heap without the
# garbage of earlier work (a migration, a dataset build, making 1 000 tenants), which new
# objects would otherwise fill without RSS growing.


async def _started(url: str, secret_key: str) -> Runtime:
    from core.runtime import Runtime
    from core.settings import Settings

    settings = Settings(database_url=url, secret_key=secret_key, scheduler_interval_seconds=0)
    runtime = Runtime(settings)
    await runtime.start()
    return runtime


async def schemas_and_tenants(
    url: str, secret_key: str, tenants: int, set_count: int
) -> dict[str, Any]:
    """Child process 1: memory per schema, then the tenants."""
    runtime = await _started(url, secret_key)
    try:
        sets = spread_plugin_sets(runtime.host, set_count)
        memory = measure_schema_memory(runtime, sets)
        # A new prefix per run: the database may hold an earlier run's tenants.
        prefix = f"w7-{time.time_ns() // 1_000_000:x}"
        admins, made = await populate(runtime, sets, tenants, prefix)
    finally:
        await runtime.stop()
    return {"sets": len(sets), "memory": memory, "made": made, "admins": admins}


async def requests_per_tenant(
    url: str, secret_key: str, admins: list[dict[str, Any]], logins: int
) -> dict[str, Any]:
    """Child process 2: one request per tenant, in a runtime that has served nobody yet."""
    runtime = await _started(url, secret_key)
    tenants = [TenantAdmin(**a) for a in admins]
    try:
        served = await serve_each(runtime, tenants, logins)
    finally:
        await remove_tenants(tenants)
        await runtime.stop()
    return {"served": served}


async def remove_tenants(admins: list[TenantAdmin]) -> None:
    """The tenants W7 made, so that runs on one dataset do not pile up tenants and policy rows
    (every tenant's first request reads the policy table)."""
    from casbin_tortoise_adapter.model import CasbinRule
    from tortoise.transactions import in_transaction

    from core.auth.rbac import domain
    from core.models import Tenant, User

    domains = [domain(a.tenant_id) for a in admins]
    async with in_transaction():
        await CasbinRule.filter(v1__in=domains).delete()
        await CasbinRule.filter(v2__in=domains).delete()
        # Memberships and every other row of a tenant follow it (the foreign keys cascade).
        await Tenant.filter(id__in=[a.tenant_id for a in admins]).delete()
        await User.filter(id__in=[a.user_id for a in admins]).delete()


CHILD = """
import asyncio, dataclasses, json, sys
from bench import w7_startup

name, args = json.loads(sys.stdin.read())
result = asyncio.run(getattr(w7_startup, name)(**args))
print(json.dumps(result, default=dataclasses.asdict))
"""


def in_child(function: str, **args: Any) -> dict[str, Any]:
    """`function(**args)` of this module in a fresh interpreter; its JSON result."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        input=json.dumps([function, args]),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(
    data: W7Data, tenants: int = 1000, plugin_sets: int = 20, startup_runs: int = 5
) -> list[Measure]:
    startup = measure_startup(data.url, startup_runs)
    first = in_child(
        "schemas_and_tenants",
        url=data.url,
        secret_key=data.secret_key,
        tenants=tenants,
        set_count=plugin_sets,
    )
    second = in_child(
        "requests_per_tenant",
        url=data.url,
        secret_key=data.secret_key,
        admins=first["admins"],
        logins=first["sets"],
    )
    memory = SchemaMemory(**first["memory"])
    made, served, sets = Made(**first["made"]), Served(**second["served"]), first["sets"]
    return [
        Measure(
            "W7",
            "start-up: fresh process to ready, all built-in plugins",
            startup.ready_s * 1000,
            "ms",
            limit=startup.limit_s * 1000,
            limit_name="fresh process importing the modules Tessera loads from the serving "
            "stack (starlette, strawberry, graphql-core, tortoise, casbin, the driver...) and "
            "the standard library + one raw database connection",
            note=f"median of {startup_runs} (fastest {startup.fastest_s * 1000:.0f} ms); imports "
            f"{startup.imports_s * 1000:.0f} ms "
            f"(limit {startup.limit_imports_s * 1000:.0f} ms); migrations excluded; also "
            f"loaded at start-up: {', '.join(startup.left_out)}",
        ),
        Measure(
            "W7",
            "memory per cached tenant schema (Python allocations)",
            memory.traced_per_schema / MIB,
            "MiB",
            limit=memory.sdl_traced_per_schema / MIB,
            limit_name="graphql-core's schema built from the same SDL, without its AST",
            note=f"tracemalloc, mean over {sets} plugin sets of {memory.fewest_types} to "
            f"{memory.most_types} types; {memory.build_ms:.0f} ms to build one",
        ),
        Measure(
            "W7",
            "memory per cached tenant schema (RSS growth)",
            memory.rss_per_schema / MIB,
            "MiB",
            note=f"mean over the {sets - 1} sets built after start-up, in a fresh process",
        ),
        Measure(
            "W7",
            f"schemas cached after one request from each of {tenants} tenants",
            served.cached,
            "schemas",
            limit=served.distinct,
            limit_name="distinct plugin sets used (the signed-out one of login included)",
            target="= 1x (one per plugin set, not one per tenant)",
            note=f"{served.failures} failed requests; {served.logins} real logins, the other "
            f"tenants with issued tokens; first request of a tenant {served.median_ms:.1f} ms "
            f"median; {made.note()}",
        ),
        Measure(
            "W7",
            "memory per tenant served (RSS growth over the requests / tenants)",
            served.rss_per_tenant / 1024,
            "KiB",
            note="what each tenant leaves in a worker: its Casbin enforcer above all",
        ),
    ]


# -- standalone ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreshData:
    url: str
    secret_key: str


async def migrated(url: str) -> FreshData:
    from bench.customers_page import recreate_database
    from core.db import close_db, migrate
    from core.plugins import PluginHost
    from core.settings import Settings

    await recreate_database(url)
    settings = Settings(database_url=url, secret_key="bench-w7-secret-key-long-enough-hs256")
    await migrate(url, PluginHost(settings).load())
    await close_db()
    return FreshData(url, settings.secret_key)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.w7_startup")
    parser.add_argument("--database-url", help="PostgreSQL URL (dropped and recreated)")
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--sets", type=int, default=20)
    parser.add_argument("--startup-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite://{tmp}/w7.sqlite3"
        data = asyncio.run(migrated(url))
        print(format_table(run(data, args.tenants, args.sets, args.startup_runs)))


if __name__ == "__main__":
    main()
