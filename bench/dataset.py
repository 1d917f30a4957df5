"""The benchmark suite's data: a deterministic generator of realistic tenants, loaded fast.

At scale 1.0: one large tenant (200 000 customers and their contacts, 500 000 leads,
1 000 000 opportunities with their stage history, 300 000 activities, 80 000 quotes,
50 000 orders, 20 000 contracts, 100 users in 10 teams), a "tenth" tenant with 10% of those
volumes (so a workload shows how its cost grows with the data), and 100 small tenants.

Tenants, users, memberships, roles and pipeline stages are made through core's own functions
(so logins and Casbin work for real); the big tables are bulk-loaded with the raw driver, in
the exact form the ORM writes them (COPY on PostgreSQL, one executemany transaction on
SQLite); the search index is written by the search backend itself. Names, sources, stages,
amounts and dates follow realistic distributions from `random.Random(seed)` and a fixed
reference day, never the clock, so a scale and seed always give the same rows. A marker row
remembers scale, seed and generator version: a second run reuses the data.

    python -m bench.dataset [--database-url URL] [--scale 1.0] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import calendar
import contextlib
import dataclasses
import datetime as dt
import itertools
import json
import math
import operator
import os
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from core.auth.passwords import hash_password
from core.db import close_db, connection, migrate
from core.models import Membership, User
from core.money import to_stored
from core.plugins import PluginHost
from core.runtime import Runtime
from core.settings import Settings
from core.tenancy import tenant_scope
from core.tenants import create_tenant

GENERATOR_VERSION = 2  # bump whenever the generated rows change
PASSWORD = "bench-password"
SECRET_KEY = "bench-suite-secret-key-long-enough-for-hs256-signatures"
# "Today" for the data: two years of history end the day before. Fixed, so a dataset does not
# depend on the day it is built.
REFERENCE_DATE = dt.date(2026, 11, 27)
HISTORY_DAYS = 730
DATA_DIR = Path(__file__).parent / ".data"
MARKER_TABLE = "bench_dataset"


# -- what the suite gets -----------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    """A user who can sign in with the `login` mutation."""

    tenant: str  # slug
    email: str
    password: str


@dataclass
class Dataset:
    url: str
    is_postgres: bool
    secret_key: str  # what the runtime signs session tokens with
    scale: float
    seed: int
    reference_date: dt.date
    large_slug: str
    large_id: int
    tenth_slug: str  # 10% of the large tenant's volumes, same users and teams
    tenth_id: int
    small_slugs: list[str]
    credentials: dict[str, Login]  # tenant slug -> its admin
    users: dict[str, list[Login]]  # tenant slug -> every other user (managers, then sales)
    rows: dict[str, dict[str, int]]  # tenant slug -> table -> rows loaded
    build_seconds: float

    def settings(self, **overrides: Any) -> Settings:
        """The runtime settings every workload uses: this database, this secret, no scheduler."""
        values: dict[str, Any] = {
            "database_url": self.url,
            "secret_key": self.secret_key,
            "scheduler_interval_seconds": 0,
        }
        return Settings(**{**values, **overrides})

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), default=str)

    @classmethod
    def from_json(cls, text: str) -> Dataset:
        values = json.loads(text)
        values["reference_date"] = dt.date.fromisoformat(values["reference_date"])
        values["credentials"] = {k: Login(**v) for k, v in values["credentials"].items()}
        values["users"] = {k: [Login(**u) for u in v] for k, v in values["users"].items()}
        return cls(**values)


@dataclass(frozen=True)
class Volumes:
    customers: int  # each with one contact
    leads: int
    opportunities: int
    activities: int
    quotes: int
    orders: int  # from accepted quotes
    contracts: int  # from orders
    products: int
    teams: int
    reps_per_team: int  # salespeople under each team's manager

    def scaled(self, factor: float) -> Volumes:
        """Row volumes times `factor` (at least one each); catalogue and people unchanged."""
        rows = ("customers", "leads", "opportunities", "activities", "quotes", "orders")
        changes = {name: max(1, round(getattr(self, name) * factor)) for name in rows}
        changes["contracts"] = max(1, round(self.contracts * factor))
        return dataclasses.replace(self, **changes)


LARGE = Volumes(
    customers=200_000,
    leads=500_000,
    opportunities=1_000_000,
    activities=300_000,
    quotes=80_000,
    orders=50_000,
    contracts=20_000,
    products=200,
    teams=10,
    reps_per_team=9,
)
SMALL = Volumes(
    customers=100,
    leads=100,
    opportunities=200,
    activities=60,
    quotes=12,
    orders=6,
    contracts=3,
    products=20,
    teams=1,
    reps_per_team=3,
)
SMALL_TENANTS = 100


def small_tenant_count(scale: float) -> int:
    # Below scale 0.01 fewer small tenants, so that tiny datasets (the smoke test) build in
    # seconds: each tenant costs an argon2 hash and its default grants.
    return max(2, min(SMALL_TENANTS, round(SMALL_TENANTS * scale / 0.01)))


def default_url(scale: float) -> str:
    return f"sqlite://{DATA_DIR / f'bench-{scale:g}.sqlite3'}"


# -- vocabulary ----------------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'a:b, c d:e' -> (("a", "b"), ("c d", "e"))."""
    return tuple((a, b) for a, b in (item.split(":") for item in text.split(", ")))


def weighted(text: str) -> tuple[tuple[str | None, int], ...]:
    """'a b:3, c:1, -:2' -> (("a b", 3), ("c", 1), (None, 2)): values with their weights."""
    pairs = (item.rsplit(":", 1) for item in text.split(", "))
    return tuple((None if v == "-" else v, int(w)) for v, w in pairs)


CITIES = pairs(
    "北京:华北, 上海:华东, 深圳:华南, 广州:华南, 杭州:华东, 成都:西南, 武汉:华中, 南京:华东, "
    "苏州:华东, 西安:西北, 重庆:西南, 天津:华北, 长沙:华中, 青岛:华东, 厦门:华南, 合肥:华东, "
    "郑州:华中, 宁波:华东, 沈阳:东北, 无锡:华东"
)
# Brand syllables and their pinyin, for web domains.
BRAND = tuple(
    zip(
        "华星瑞鼎盛恒泰博创达信联宏鑫智云海天金安明远新德嘉润腾科隆通",
        words(
            "hua xing rui ding sheng heng tai bo chuang da xin lian hong xin zhi yun hai tian jin "
            "an ming yuan xin de jia run teng ke long tong"
        ),
        strict=True,
    )
)
CN_INDUSTRY = words(
    "科技 软件 信息技术 电子 制造 物流 贸易 医疗器械 教育科技 咨询 网络 新能源 生物 机械 材料"
)
CN_SUFFIX = words("有限公司 股份有限公司 集团有限公司")
EN_FIRST = words(
    "Apex Blue Bright Cedar Delta Eagle Everest Falcon Global Golden Harbor Horizon Iron Jade "
    "Keystone Lotus Maple Nova Oak Orion Pacific Peak Pioneer Quantum Red River Silver Summit "
    "Sun Titan Union Vertex Vista Zenith Crystal Northern Atlas Coral Emerald Granite"
)
EN_SECOND = words(
    "Bay Stone Field Bridge Point Wave Gate Line Light Forge Works Path Ridge Star Lake Wood "
    "Rock Crest Tree Port Hill Valley Cloud Spring Leaf"
)
EN_INDUSTRY = words(
    "Technologies Systems Logistics Manufacturing Trading Consulting Software Solutions "
    "Industries Networks Health Foods Energy Materials Robotics"
)
EN_SUFFIX = ("Ltd", "Inc.", "Co., Ltd.", "GmbH", "LLC", "Group", "Pte. Ltd.", "Holdings")
EN_CITIES = pairs(
    "Singapore:Singapore, Hong Kong:China, Munich:Germany, London:United Kingdom, "
    "New York:United States, Tokyo:Japan, Sydney:Australia"
)
# The thirty most common surnames, most common first, and their pinyin for email addresses.
SURNAMES = tuple(
    zip(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹",
        words(
            "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao "
            "zheng liang xie song tang xu han feng deng cao"
        ),
        strict=True,
    )
)
GIVEN = tuple(
    zip(
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红鹏飞辉建宇婷浩欣怡琳晨博文",
        words(
            "wei fang na min jing li qiang lei jun yang yong yan jie juan tao ming chao xiu xia "
            "ping gang ying hua yu ping hong peng fei hui jian yu ting hao xin yi lin chen bo wen"
        ),
        strict=True,
    )
)
PINYIN = dict(SURNAMES + GIVEN)
EN_GIVEN = words(
    "James Mary John Linda Michael Sarah David Emma Daniel Olivia Thomas Sophie Peter Anna "
    "Mark Laura Paul Emily Kevin Grace Lucas Chloe Ryan Hannah Eric Julia Jason Lily Brian Amy"
)
EN_FAMILY = words(
    "Smith Johnson Brown Miller Davis Wilson Taylor Anderson Thomas Moore Martin Lee Walker "
    "Hall Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts "
    "Carter Phillips Evans Turner"
)
TITLES = weighted(
    "总经理:8, 采购经理:12, IT 总监:8, CEO:5, CTO:4, 销售总监:6, Purchasing Manager:8, "
    "Operations Director:5, IT Manager:8, 财务经理:6, 项目经理:10, Head of Sales:4, -:16"
)
INDUSTRIES = weighted(
    "Manufacturing:22, Software:15, Retail:12, Logistics:9, Finance:8, Healthcare:8, "
    "Education:7, Energy:6, Real Estate:5, Government:3, -:5"
)
# plugins/customers/types.py CompanySize
SIZES = weighted("MICRO:15, SMALL:30, MEDIUM:28, LARGE:17, ENTERPRISE:10")
LIFECYCLE = weighted("PROSPECT:45, QUALIFIED:15, CUSTOMER:30, LOYAL:7, CHURNED:3")
# plugins/leads/service.py SOURCES, weighted like a B2B inbound mix.
LEAD_SOURCES = weighted(
    "WEB_FORM:34, CAMPAIGN:18, REFERRAL:12, EVENT:14, IMPORT:14, API:5, OTHER:3"
)
REGIONS = weighted("华东:38, 华南:22, 华北:18, 华中:9, 西南:8, 西北:3, 东北:2")
DEALS = (
    "CRM 年度订阅",
    "ERP 实施",
    "Annual licence",
    "Cloud migration",
    "数据平台建设",
    "Support renewal",
    "扩容 Expansion",
    "MES 系统升级",
    "Security audit",
    "培训服务",
    "Data warehouse",
    "移动办公平台",
)
PRODUCTS = pairs(
    "CRM 专业版:seat, CRM 企业版:seat, ERP Core:licence, 实施服务:day, Data Platform:node, "
    "Support Gold 金牌支持:year, 培训课程:course, API Add-on:year, Security Suite:licence, "
    "存储扩容:TB"
)
WON_REASONS = ("价格有竞争力", "Strong product fit", "客户关系良好", "Best ROI", "实施周期短")
LOST_REASONS = (
    "Price too high",
    "选择了竞争对手",
    "No budget",
    "项目取消",
    "No decision",
    "功能不满足",
)
NEXT_STEPS = ("安排产品演示", "Send proposal", "跟进报价", "Schedule call", "等待客户反馈", None)
DISQUALIFIED = ("无预算", "No response", "Not a fit", "重复线索", "Student / personal use")
# (tags as the JSON column holds them, tags_text) of plugins/leads.
LEAD_TAGS = (("[]", ""), ('["vip"]', ",vip,"), ('["展会"]', ",展会,"), ('["2026Q3"]', ",2026Q3,"))
SUBJECTS = {
    "CALL": ("电话跟进", "Follow-up call", "Discovery call", "价格沟通"),
    "MEETING": ("产品演示", "On-site visit", "方案评审", "Kick-off meeting"),
    "NOTE": ("客户反馈", "Meeting notes", "竞争对手信息", "Budget confirmed"),
    "TASK": ("发送报价", "Send proposal", "准备合同", "Follow up"),
}
CN_COMPANIES = len(CITIES) * len(BRAND) ** 2 * len(CN_INDUSTRY) * len(CN_SUFFIX)
EN_COMPANIES = len(EN_FIRST) * len(EN_SECOND) * len(EN_INDUSTRY) * len(EN_SUFFIX)
AREA_CODES = ("10", "21", "755", "20", "571", "28")
FREE_MAIL = ("qq.com", "163.com", "126.com", "gmail.com", "outlook.com")
OPEN_STAGE_WEIGHTS = (35, 28, 22, 15)  # Qualification, Needs analysis, Proposal, Negotiation


def _weighted(pairs: Sequence[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    values = [v for v, _ in pairs]
    return values, list(itertools.accumulate(w for _, w in pairs))


# -- time ------------------------------------------------------------------------------------------

UTC = dt.UTC
END = dt.datetime.combine(REFERENCE_DATE, dt.time(), UTC).timestamp()
START = END - HISTORY_DAYS * 86400
DAY = 86400.0
# Business seasons of a Chinese B2B year: the Spring Festival (February) and Golden Week
# (October) are quiet, quarter ends and December busy.
MONTH_FACTOR = (0.9, 0.55, 1.15, 1.0, 0.95, 1.15, 0.9, 0.9, 1.15, 0.75, 1.05, 1.25)
WEEKDAY_FACTOR = (1.0, 1.05, 1.05, 1.0, 0.95, 0.15, 0.1)
# Office hours in China (UTC+8) are 01:00-10:00 UTC.
HOUR_WEIGHTS = (2, 9, 10, 10, 6, 8, 10, 10, 9, 5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
HOUR_CUM = list(itertools.accumulate(HOUR_WEIGHTS))


class Calendar:
    """Moments of the history window, weighted by season, weekday, hour and growth."""

    def __init__(self, days: int, growth: float) -> None:
        self.start = END - days * DAY
        weights = []
        for i in range(days):
            day = REFERENCE_DATE - dt.timedelta(days=days - i)
            trend = 1 + growth * (i / days - 0.5)  # the business grows over the window
            weights.append(MONTH_FACTOR[day.month - 1] * WEEKDAY_FACTOR[day.weekday()] * trend)
        self.cum = list(itertools.accumulate(weights))
        self.days = range(days)

    def sample(self, rng: random.Random, n: int) -> list[float]:
        """`n` sorted timestamps (epoch seconds)."""
        days = rng.choices(self.days, cum_weights=self.cum, k=n)
        hours = rng.choices(range(24), cum_weights=HOUR_CUM, k=n)
        moments = [
            self.start + d * DAY + h * 3600 + rng.random() * 3600
            for d, h in zip(days, hours, strict=True)
        ]
        moments.sort()
        return moments


HISTORY = Calendar(HISTORY_DAYS, growth=0.6)
CUSTOMER_HISTORY = Calendar(3 * 365, growth=0.3)


def at(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, UTC)


def day_of(ts: float) -> dt.date:
    return dt.datetime.fromtimestamp(ts, UTC).date()


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- loaders: the raw driver, in the ORM's exact formats ----------------------------------------

# The adapters Tortoise's SQLite executor registers: rows written here read back exactly like
# rows the ORM wrote (text timestamps "2026-01-05 03:04:05.123456+00:00", ISO dates).
sqlite3.register_adapter(dt.datetime, lambda value: value.isoformat(" "))
sqlite3.register_adapter(dt.date, lambda value: value.isoformat())


def as_tuples(rows: Iterable[dict[str, Any]]) -> tuple[list[str], Iterator[tuple]]:
    """The columns of the first row, and every row as a tuple in that order."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return [], iter(())
    columns = list(first)
    values = operator.itemgetter(*columns)
    return columns, (values(row) for row in itertools.chain([first], iterator))


class Counted:
    """An iterable that counts what it yields, for the progress lines."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self.rows = rows
        self.n = 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self.rows:
            self.n += 1
            yield row


class SqliteLoader:
    """One transaction on a plain sqlite3 connection, without fsync while it loads."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "foreign_keys=ON"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("PRAGMA cache_size=-262144")  # 256 MiB of page cache while loading
        self.db.execute("BEGIN")

    async def first_id(self, table: str) -> int:
        return self.db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]

    async def write(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        columns, tuples = as_tuples(rows)
        if not columns:
            return 0
        counted = Counted(tuples)
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        self.db.executemany(sql, iter(counted))
        return counted.n

    async def finish(self, tables: Iterable[str]) -> None:
        self.db.execute("COMMIT")
        self.db.close()


class PostgresLoader:
    """COPY into the migrated tables (their indexes in place), in one transaction."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.db = conn
        self.tx = conn.transaction()

    @classmethod
    async def open(cls, url: str) -> PostgresLoader:
        loader = cls(await asyncpg.connect(asyncpg_dsn(url)))
        await loader.tx.start()
        return loader

    async def first_id(self, table: str) -> int:
        return await self.db.fetchval(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")

    async def write(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        columns, tuples = as_tuples(rows)
        if not columns:
            return 0
        counted = Counted(tuples)
        await self.db.copy_records_to_table(table, records=iter(counted), columns=columns)
        return counted.n

    async def finish(self, tables: Iterable[str]) -> None:
        # Ids were given explicitly: move each serial past them for the rows the API adds.
        for table in tables:
            await self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        await self.tx.commit()
        await self.db.close()


Loader = SqliteLoader | PostgresLoader


def asyncpg_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def sqlite_path(url: str) -> str:
    return url.split("://", 1)[1]


# -- the people and pipeline of a tenant (through core) ------------------------------------------


@dataclass
class Stage:
    id: int
    name: str
    probability: int
    kind: str
    index: int  # in the pipeline, from 0


@dataclass
class TenantPlan:
    """A tenant made through core, and what its bulk rows refer to."""

    slug: str
    id: int
    volumes: Volumes
    admin: Login
    people: list[Login]
    user_ids: list[int]  # managers and sales, the owners of records
    stages: list[Stage]  # in pipeline order: four open, won, lost


async def make_tenant(
    runtime: Runtime, slug: str, name: str, volumes: Volumes, rng: random.Random, password_hash: str
) -> TenantPlan:
    from plugins.opportunities.models import PipelineStage
    from plugins.opportunities.service import DEFAULT_PIPELINE

    domain = f"{slug}.bench.test"
    admin = Login(slug, f"admin@{domain}", PASSWORD)
    tenant = await create_tenant(
        runtime, slug, name, admin.email, PASSWORD, list(runtime.host.order)
    )
    people: list[Login] = []
    user_ids: list[int] = []
    with tenant_scope(tenant.id):
        for team in range(1, volumes.teams + 1):
            manager_id = None
            for seat in range(volumes.reps_per_team + 1):
                role = "manager" if seat == 0 else "sales"
                email = f"{'mgr' if seat == 0 else 'rep'}{team:02d}{seat:02d}@{domain}"
                user = await User.create(
                    email=email, name=person_name(rng), password_hash=password_hash
                )
                await Membership.create(user=user, team=f"team-{team:02d}", manager_id=manager_id)
                await runtime.rbac.set_roles(tenant.id, user.id, [role])
                manager_id = manager_id or user.id
                people.append(Login(slug, email, PASSWORD))
                user_ids.append(user.id)
        # What plugins/opportunities/service.py `stages` creates on a tenant's first use.
        await PipelineStage.bulk_create(
            [
                PipelineStage(name=stage, position=i, probability=p, kind=kind)
                for i, (stage, p, kind) in enumerate(DEFAULT_PIPELINE, start=1)
            ]
        )
        rows = await PipelineStage.all().order_by("position", "id")
    stages = [Stage(r.id, r.name, r.probability, r.kind, i) for i, r in enumerate(rows)]
    return TenantPlan(slug, tenant.id, volumes, admin, people, user_ids, stages)


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.75:
        surname = SURNAMES[min(int(rng.expovariate(0.12)), len(SURNAMES) - 1)][0]
        given = "".join(rng.choice(GIVEN)[0] for _ in range(rng.choice((1, 2, 2))))
        return surname + given
    return f"{rng.choice(EN_GIVEN)} {rng.choice(EN_FAMILY)}"


# -- the bulk rows of one tenant -------------------------------------------------------------------


@cache
def lead_score(source: str, title: str | None, company: bool, email: bool, phone: bool) -> int:
    """The score the default rules give (plugins/leads/service.py), computed by those rules."""
    from plugins.leads.service import DEFAULT_RULES, score

    lead = SimpleNamespace(
        source=source,
        title=title,
        company="x" if company else None,
        email="x" if email else None,
        phone="x" if phone else None,
        region=None,
        tags=[],
        description=None,
    )
    return score(DEFAULT_RULES, lead)


@dataclass
class Deals:
    """What later tables need to know of each opportunity, by index (id = first id + index)."""

    created: list[float] = field(default_factory=list)
    status: list[int] = field(default_factory=list)  # 0 open, 1 won, 2 lost
    stage: list[int] = field(default_factory=list)  # index in the tenant's pipeline
    entered: list[float] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    customer: list[int] = field(default_factory=list)  # index

    def add(
        self,
        created: float,
        status: int,
        stage: int,
        entered: float,
        owner: int,
        customer: int,
    ) -> None:
        self.created.append(created)
        self.status.append(status)
        self.stage.append(stage)
        self.entered.append(entered)
        self.owner.append(owner)
        self.customer.append(customer)


OPEN, WON, LOST = 0, 1, 2
STATUS_NAMES = ("OPEN", "WON", "LOST")


class TenantRows:
    """Generates and loads one tenant's bulk rows, table by table, in foreign-key order.

    Each generator yields one dict per row, keyed by column, and remembers what later
    tables refer to (ids are the table's first free id plus the row's index).
    """

    def __init__(self, plan: TenantPlan, loader: Loader, seed: int, verbose: bool) -> None:
        self.plan = plan
        self.verbose = verbose
        self.vol = plan.volumes
        self.loader = loader
        self.seed = seed
        self.tid = plan.id
        self.first: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        # A few stars own most of the business; managers sell too, less.
        rng = self.rng("owners")
        weights = [
            rng.paretovariate(1.6) * (0.35 if i % (self.vol.reps_per_team + 1) == 0 else 1.0)
            for i in range(len(plan.user_ids))
        ]
        self.owner_cum = list(itertools.accumulate(weights))
        team = self.vol.reps_per_team + 1  # users come team by team, the manager first
        ids = plan.user_ids
        self.manager_of = {uid: ids[i - i % team] for i, uid in enumerate(ids)}
        self.numbers = {prefix: Numbers(prefix) for prefix in ("Q", "SO", "C")}

    def rng(self, table: str) -> random.Random:
        # One stream per table: changing how one table is made leaves the others as they were.
        return random.Random(f"{self.seed}/{self.plan.slug}/{table}")

    def owner(self, rng: random.Random) -> int:
        return rng.choices(self.plan.user_ids, cum_weights=self.owner_cum)[0]

    def row(self, table: str, index: int, **columns: Any) -> dict[str, Any]:
        return {"id": self.first[table] + index, "tenant_id": self.tid, **columns}

    async def load(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        started = time.perf_counter()
        n = await self.loader.write(table, rows)
        self.counts[table] = n
        if self.verbose:
            seconds = time.perf_counter() - started
            print(f"    {table:<28} {n:>10,} rows {seconds:7.1f} s", flush=True)

    async def run(self) -> dict[str, int]:
        for table in TABLES:
            self.first[table] = await self.loader.first_id(table)
        await self.load("products_product", self.products())
        await self.load("customers_customer", self.customers())
        await self.load("customers_contact", self.contacts())
        self.plan_leads()
        await self.load("opportunities_opportunity", self.opportunities())
        await self.load("opportunities_stage_change", self.stage_changes())
        await self.load("opportunities_contact", self.deal_contacts())
        await self.load("leads_lead", self.leads())
        quotes, quote_lines = self.quotes()
        await self.load("quotes_quote", quotes)
        await self.load("quotes_line", quote_lines)
        orders, order_lines = self.orders()
        await self.load("orders_order", orders)
        await self.load("orders_line", order_lines)
        await self.load("contracts_contract", self.contracts())
        await self.load("activities_activity", self.activities())
        await self.load("core_number_sequence", self.sequences())
        return self.counts

    # -- catalogue ---------------------------------------------------------------------------

    def products(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("products")
        self.catalogue: list[Product] = []
        created = at(START - 30 * DAY)
        for i in range(self.vol.products):
            name, unit = PRODUCTS[i % len(PRODUCTS)]
            edition = i // len(PRODUCTS)
            product = Product(
                id=self.first["products_product"] + i,
                sku=f"SKU-{i + 1:04d}",
                name=f"{name} {edition + 1}" if edition else name,
                unit=unit,
                price=int(round(rng.lognormvariate(math.log(8000), 1.0), -1)) + 10,
            )
            self.catalogue.append(product)
            yield self.row(
                "products_product",
                i,
                sku=product.sku,
                sku_key=product.sku.casefold(),
                name=product.name,
                description=None,
                unit=unit,
                list_price=product.price * 1000,
                currency="CNY",
                active=True,
                tax_category=rng.choice(("software", "service", None)),
                version=1,
                created_at=created,
                updated_at=created,
            )

    # -- customers and contacts ---------------------------------------------------------------

    def customers(self) -> Iterator[dict[str, Any]]:
        from plugins.customers.models import name_key

        rng = self.rng("customers")
        n = self.vol.customers
        self.customer_times = CUSTOMER_HISTORY.sample(rng, n)
        self.customer_names: list[str] = []
        self.customer_domains: list[str | None] = []
        self.customer_owner: list[int] = []
        chinese = round(n * 0.6)
        # Distinct names, drawn without replacement from every combination of the syllables.
        picks = [(True, k) for k in rng.sample(range(CN_COMPANIES), chinese)]
        picks += [(False, k) for k in rng.sample(range(EN_COMPANIES), n - chinese)]
        rng.shuffle(picks)
        industries, industry_cum = _weighted(INDUSTRIES)
        sizes, size_cum = _weighted(SIZES)
        stages, stage_cum = _weighted(LIFECYCLE)
        for i, ((is_cn, k), ts) in enumerate(zip(picks, self.customer_times, strict=True)):
            name, domain, city, region, country = (
                _chinese_company(k) if is_cn else _english_company(k, rng)
            )
            if rng.random() > (0.7 if is_cn else 0.95):
                domain = None  # no web site
            owner = self.owner(rng)
            self.customer_names.append(name)
            self.customer_domains.append(domain)
            self.customer_owner.append(owner)
            yield self.row(
                "customers_customer",
                i,
                name=name,
                name_key=name_key(name),
                industry=rng.choices(industries, cum_weights=industry_cum)[0],
                size=rng.choices(sizes, cum_weights=size_cum)[0],
                website=f"https://www.{domain}" if domain else None,
                domain=domain,
                phone=_phone(rng, landline=True),
                street=None,
                city=city,
                region=region,
                postal_code=None,
                country=country,
                owner_id=owner,
                parent_id=None,
                lifecycle_stage=rng.choices(stages, cum_weights=stage_cum)[0],
                version=1,
                created_at=at(ts),
                updated_at=at(ts + rng.random() * (END - ts)),
            )

    def contacts(self) -> Iterator[dict[str, Any]]:
        """One person per customer (a lead converting into the customer names the same one)."""
        rng = self.rng("contacts")
        titles, title_cum = _weighted(TITLES)
        self.contact_names: list[str] = []
        self.contact_emails: list[str] = []
        for i, ts in enumerate(self.customer_times):
            name = person_name(rng)
            email = _email(rng, name, self.customer_domains[i])
            self.contact_names.append(name)
            self.contact_emails.append(email)
            created = at(ts + rng.random() * 3 * DAY)
            yield self.row(
                "customers_contact",
                i,
                name=name,
                title=rng.choices(titles, cum_weights=title_cum)[0],
                email=email,
                phone=_phone(rng, landline=False),
                customer_id=self.first["customers_customer"] + i,
                owner_id=self.customer_owner[i],
                version=1,
                created_at=created,
                updated_at=created,
            )

    # -- leads and deals ------------------------------------------------------------------------

    def plan_leads(self) -> None:
        """Every lead's moment, in id order, and which deals converted leads became."""
        rng = self.rng("lead-plan")
        self.deal_times = HISTORY.sample(rng, self.vol.opportunities)
        converted = min(round(self.vol.leads * 0.12), self.vol.opportunities)
        from_leads = rng.sample(range(self.vol.opportunities), converted)
        moments = [(ts, -1) for ts in HISTORY.sample(rng, self.vol.leads - converted)]
        for deal in from_leads:
            # A lead is worked for days to weeks before it converts into the deal.
            moments.append((max(START, self.deal_times[deal] - rng.uniform(1, 45) * DAY), deal))
        moments.sort()
        self.lead_moments = moments
        first_lead = self.first["leads_lead"]
        self.deal_lead = {deal: first_lead + i for i, (_, deal) in enumerate(moments) if deal >= 0}

    def opportunities(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("opportunities")
        stages = self.plan.stages
        deals = self.deals = Deals()
        for i, ts in enumerate(self.deal_times):
            age = (END - ts) / DAY
            # Older customers carry more deals: key accounts. Never one created later.
            known = bisect.bisect(self.customer_times, ts) or 1
            customer = int(known * rng.random() ** 1.6)
            owner = self.customer_owner[customer] if rng.random() < 0.75 else self.owner(rng)
            amount = 0 if rng.random() < 0.02 else _deal_amount(rng)
            # The older the deal, the likelier it is closed: 45% of all, 44% of those won.
            if rng.random() < min(0.9, age / 760):
                status = WON if rng.random() < 0.444 else LOST
                stage = 4 if status == WON else 5
                cycle = min(max(3.0, rng.lognormvariate(math.log(55), 0.6)), age - 0.2)
                entered = ts + cycle * DAY
                closed = day_of(entered)
                columns = {
                    "expected_close_date": closed + dt.timedelta(days=rng.randint(-20, 25)),
                    "probability": stages[stage].probability,
                    "probability_override": None,
                    "forecast_category": "CLOSED",
                    "next_step": None,
                    "close_reason": rng.choice(WON_REASONS if status == WON else LOST_REASONS),
                    "closed_date": closed,
                }
            else:
                status = OPEN
                stage = rng.choices(range(4), weights=OPEN_STAGE_WEIGHTS)[0]
                # A deal still in its first stage entered it when it was created.
                entered = ts if stage == 0 else ts + rng.random() ** 0.5 * (END - ts)
                columns = self.open_deal(rng, ts, stages[stage])
            deals.add(ts, status, stage, entered, owner, customer)
            yield self.row(
                "opportunities_opportunity",
                i,
                name=f"{self.customer_names[customer].split(' ')[0][:12]} {rng.choice(DEALS)}",
                customer_id=self.first["customers_customer"] + customer,
                owner_id=owner,
                amount=amount * 1000,
                currency="CNY" if amount else None,
                stage_id=stages[stage].id,
                status=STATUS_NAMES[status],
                # amount x probability / 100 of whole yuan is exact in cents: no rounding.
                weighted_amount=amount * columns["probability"] * 10,
                source_lead_id=self.deal_lead.get(i),
                stage_entered_at=at(entered),
                version=1,
                created_at=at(ts),
                updated_at=at(max(entered, ts + rng.random() * (END - ts) * 0.5)),
                **columns,
            )

    def open_deal(self, rng: random.Random, ts: float, stage: Stage) -> dict[str, Any]:
        expected = day_of(ts) + dt.timedelta(days=rng.randint(30, 180))
        if expected < REFERENCE_DATE and rng.random() < 0.7:  # most overdue deals get moved
            expected = REFERENCE_DATE + dt.timedelta(days=rng.randint(7, 120))
        override = None
        if rng.random() < 0.08:
            nudge = rng.choice((-15, -10, -5, 5, 10, 15))
            override = min(95, max(5, stage.probability + nudge))
        return {
            "expected_close_date": expected,
            "probability": stage.probability if override is None else override,
            "probability_override": override,
            "forecast_category": _forecast(rng, stage.index),
            "next_step": rng.choice(NEXT_STEPS),
            "close_reason": None,
            "closed_date": None,
        }

    def stage_changes(self) -> Iterator[dict[str, Any]]:
        """Each deal's way to its stage: created in the first, moved forward, then closed."""
        rng = self.rng("stage-changes")
        stages = self.plan.stages
        deals = self.deals
        n = 0
        for i, stage in enumerate(deals.stage):
            if stage < 4:
                path = list(range(stage + 1))
            else:  # won deals went through needs analysis at least
                path = [*range(rng.randint(1 if stage == 4 else 0, 3) + 1), stage]
            start, end = deals.created[i], deals.entered[i]
            moments = [start, *sorted(rng.uniform(start, end) for _ in path[2:]), end][: len(path)]
            previous: tuple[Stage, float] | None = None
            for s, ts in zip(path, moments, strict=True):
                to = stages[s]
                yield self.row(
                    "opportunities_stage_change",
                    n,
                    opportunity_id=self.first["opportunities_opportunity"] + i,
                    from_stage_id=previous[0].id if previous else None,
                    from_stage_name=previous[0].name if previous else None,
                    to_stage_id=to.id,
                    to_stage_name=to.name,
                    changed_by_id=deals.owner[i],
                    changed_at=at(ts),
                    seconds_in_previous=int(ts - previous[1]) if previous else None,
                )
                n += 1
                previous = (to, ts)

    def deal_contacts(self) -> Iterator[dict[str, Any]]:
        """Half the deals name their customer's contact."""
        rng = self.rng("deal-contacts")
        n = 0
        for i, customer in enumerate(self.deals.customer):
            if rng.random() < 0.5:
                yield self.row(
                    "opportunities_contact",
                    n,
                    opportunity_id=self.first["opportunities_opportunity"] + i,
                    contact_id=self.first["customers_contact"] + customer,
                )
                n += 1

    def leads(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("leads")
        sources, source_cum = _weighted(LEAD_SOURCES)
        titles, title_cum = _weighted(TITLES)
        regions, region_cum = _weighted(REGIONS)
        for i, (ts, deal) in enumerate(self.lead_moments):
            created = at(ts)
            columns = self.converted_lead(deal) if deal >= 0 else self.open_lead(rng, ts)
            email, phone = columns.pop("email"), _phone(rng, landline=False)
            phone = None if rng.random() < 0.15 else phone
            source = rng.choices(sources, cum_weights=source_cum)[0]
            title = rng.choices(titles, cum_weights=title_cum)[0]
            tags, tags_text = LEAD_TAGS[0] if rng.random() < 0.85 else rng.choice(LEAD_TAGS[1:])
            owned = columns["owner_id"] is not None
            yield self.row(
                "leads_lead",
                i,
                title=title,
                email=email,
                email_key=email.lower() if email else None,
                phone=phone,
                phone_key="".join(c for c in phone if c.isdigit()) if phone else None,
                source=source,
                score=lead_score(source, title, bool(columns["company"]), bool(email), bool(phone)),
                region=rng.choices(regions, cum_weights=region_cum)[0],
                tags=tags,
                tags_text=tags_text,
                description="来自官网的咨询" if rng.random() < 0.2 else None,
                duplicate_of_type=None,
                duplicate_of_id=None,
                assigned_at=at(ts + rng.uniform(60, 3600)) if owned else None,
                version=1,
                created_at=created,
                updated_at=max(columns["last_activity_at"], created),
                **columns,
            )

    def converted_lead(self, deal: int) -> dict[str, Any]:
        """A lead that became a deal: its person is the customer's contact."""
        customer = self.deals.customer[deal]
        converted = at(self.deals.created[deal])
        return {
            "person_name": self.contact_names[customer],
            "company": self.customer_names[customer],
            "email": self.contact_emails[customer],
            "status": "CONVERTED",
            "owner_id": self.deals.owner[deal],
            "disqualified_reason": None,
            "customer_id": self.first["customers_customer"] + customer,
            "contact_id": self.first["customers_contact"] + customer,
            "opportunity_id": self.first["opportunities_opportunity"] + deal,
            "converted_at": converted,
            "last_activity_at": converted,
        }

    def open_lead(self, rng: random.Random, ts: float) -> dict[str, Any]:
        age = (END - ts) / DAY
        status = _lead_status(rng, age)
        pooled = status in ("NEW", "WORKING") and rng.random() < 0.25
        person = person_name(rng)
        return {
            "person_name": person,
            "company": None if rng.random() < 0.1 else _lead_company(rng),
            "email": None if rng.random() < 0.08 else _email(rng, person, None),
            "status": status,
            "owner_id": None if pooled else self.owner(rng),
            "disqualified_reason": rng.choice(DISQUALIFIED) if status == "DISQUALIFIED" else None,
            "customer_id": None,
            "contact_id": None,
            "opportunity_id": None,
            "converted_at": None,
            "last_activity_at": at(ts + rng.random() * min(age, 30) * DAY),
        }

    # -- quotes, orders, contracts --------------------------------------------------------------

    def quotes(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Accepted quotes of won deals, rejected or expired ones of lost deals, open ones of
        late-stage deals; numbered per year in the order they were made."""
        rng = self.rng("quotes")
        deals = self.deals
        quotes: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        self.accepted: list[Accepted] = []
        for q, (made, deal, status) in enumerate(self.quote_drafts(rng)):
            quote_id = self.first["quotes_quote"] + q
            items = self.priced_lines(rng)
            for item in items:
                lines.append(self.row("quotes_line", len(lines), **item, quote_id=quote_id))
            number = self.numbers["Q"].next(made)
            owner = deals.owner[deal]
            deepest = max(item["discount_percent"] for item in items)
            deep = deepest > 20_000  # thousandths
            submitted = at(made + rng.uniform(0.02, 1) * DAY) if status != "DRAFT" else None
            decided = at(deals.entered[deal]) if status in ("ACCEPTED", "REJECTED") else None
            expired = at(made + 31 * DAY) if status == "EXPIRED" else None
            quotes.append(
                self.row(
                    "quotes_quote",
                    q,
                    number=number,
                    revision=1,
                    title=f"{self.customer_names[deals.customer[deal]][:40]} 报价",
                    customer_id=self.first["customers_customer"] + deals.customer[deal],
                    opportunity_id=self.first["opportunities_opportunity"] + deal,
                    price_book_id=None,
                    owner_id=owner,
                    status=status,
                    currency="CNY",
                    valid_until=day_of(made) + dt.timedelta(days=30),
                    terms=None,
                    notes=None,
                    **_totals(items),
                    max_discount_percent=deepest,
                    submitted_at=submitted,
                    # Discounts above the default 20% threshold were approved by a manager.
                    approved_by_id=self.manager_of[owner] if submitted and deep else None,
                    approved_at=submitted,
                    approval_comment=None,
                    sent_at=submitted if status not in ("DRAFT", "APPROVED") else None,
                    accepted_at=decided if status == "ACCEPTED" else None,
                    rejected_at=decided if status == "REJECTED" else None,
                    rejection_reason=rng.choice(LOST_REASONS) if status == "REJECTED" else None,
                    expired_at=expired,
                    superseded_by_id=None,
                    version=1,
                    created_at=at(made),
                    updated_at=decided or expired or submitted or at(made),
                )
            )
            if status == "ACCEPTED":
                self.accepted.append(Accepted(quote_id, number, deal, deals.entered[deal], items))
        return quotes, lines

    def quote_drafts(self, rng: random.Random) -> list[tuple[float, int, str]]:
        """(made at, deal, status) of every quote, in the order they were made."""
        deals = self.deals
        won, lost, late = [], [], []
        for i, (status, stage) in enumerate(zip(deals.status, deals.stage, strict=True)):
            if status == WON:
                won.append(i)
            elif status == LOST:
                lost.append(i)
            elif stage >= 2:
                late.append(i)
        n = self.vol.quotes
        accepted = min(len(won), max(self.vol.orders, round(n * 0.69)))
        rejected = min(len(lost), round(n * 0.19))
        pending = max(0, min(len(late), n - accepted - rejected))
        chosen = [(i, "ACCEPTED") for i in rng.sample(won, accepted)]
        chosen += [(i, rng.choice(CLOSED_QUOTES)) for i in rng.sample(lost, rejected)]
        chosen += [(i, rng.choice(OPEN_QUOTES)) for i in rng.sample(late, pending)]
        drafts = []
        for deal, status in chosen:
            start, end = deals.created[deal], deals.entered[deal]
            if status in ("ACCEPTED", "REJECTED", "EXPIRED"):
                made = max(start, end - rng.uniform(3, 25) * DAY)
            else:
                made = end + rng.random() * (END - end) * 0.9
            drafts.append((made, deal, status))
        drafts.sort()
        return drafts

    def priced_lines(self, rng: random.Random) -> list[dict[str, Any]]:
        """Lines priced by the products plugin's own arithmetic, stored in thousandths."""
        from plugins.products.line_amounts import line_amounts

        count = min(len(self.catalogue), rng.choice((1, 1, 2, 2, 3)))
        items = []
        for position, product in enumerate(rng.sample(self.catalogue, count), 1):
            quantity = Decimal(rng.choice((1, 1, 2, 5, 10, 20, 50)))
            discount = Decimal(rng.choice((0, 0, 5, 10, 15, 25)))
            tax = Decimal(rng.choice((6, 13)))
            price = Decimal(product.price)
            a = line_amounts(quantity, price, discount, tax, "CNY")
            items.append(
                {
                    "position": position,
                    "product_id": product.id,
                    "sku": product.sku,
                    "name": product.name,
                    "description": None,
                    "unit": product.unit,
                    "quantity": to_stored(quantity),
                    "unit_price": to_stored(price),
                    "price_source": "LIST_PRICE",
                    "discount_percent": to_stored(discount),
                    "tax_percent": to_stored(tax),
                    "gross": to_stored(a.gross),
                    "discount": to_stored(a.discount),
                    "net": to_stored(a.net),
                    "tax": to_stored(a.tax),
                    "total": to_stored(a.total),
                }
            )
        return items

    def orders(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng("orders")
        count = min(self.vol.orders, len(self.accepted))
        picked = sorted(rng.sample(self.accepted, count), key=lambda a: a.at)
        orders: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        self.ordered: list[Ordered] = []
        for o, quote in enumerate(picked):
            order_id = self.first["orders_order"] + o
            made = min(END - 60, quote.at + rng.uniform(0.05, 3) * DAY)
            status, stamps = _order_progress(rng, made)
            totals = _totals(quote.items)
            total = totals["grand_total"]
            payment, paid = "UNPAID", 0
            if status in ("PAID", "CLOSED"):
                payment, paid = "PAID", total
            elif status == "INVOICED" and rng.random() < 0.3:
                payment, paid = "PARTIALLY_PAID", total // 2000 * 1000
            number = self.numbers["SO"].next(made)
            customer = self.first["customers_customer"] + self.deals.customer[quote.deal]
            owner = self.deals.owner[quote.deal]
            orders.append(
                self.row(
                    "orders_order",
                    o,
                    number=number,
                    customer_id=customer,
                    owner_id=owner,
                    source_quote_id=quote.id,
                    source_quote_number=quote.number,
                    opportunity_id=self.first["opportunities_opportunity"] + quote.deal,
                    status=status,
                    payment_status=payment,
                    paid_amount=paid,
                    currency="CNY",
                    **totals,
                    delivery_date=day_of(made) + dt.timedelta(days=rng.randint(7, 30)),
                    notes=None,
                    cancel_reason="客户取消" if status == "CANCELLED" else None,
                    **{
                        f"{step}_at": at(stamps[step]) if step in stamps else None
                        for step in ORDER_STEPS
                    },
                    version=1,
                    created_at=at(made),
                    updated_at=at(max([made, *stamps.values()])),
                )
            )
            for item in quote.items:  # an order copies its quote's lines as they are
                lines.append(self.row("orders_line", len(lines), **item, order_id=order_id))
            if "confirmed" in stamps and status != "CANCELLED":
                self.ordered.append(
                    Ordered(order_id, number, customer, owner, stamps["confirmed"], total)
                )
        return orders, lines

    def contracts(self) -> list[dict[str, Any]]:
        rng = self.rng("contracts")
        count = min(self.vol.contracts, len(self.ordered))
        picked = sorted(rng.sample(self.ordered, count), key=lambda o: o.confirmed)
        rows = []
        for c, order in enumerate(picked):
            made = min(END - 60, order.confirmed + rng.uniform(1, 5) * DAY)
            start = min(day_of(made) + dt.timedelta(days=rng.randint(0, 10)), REFERENCE_DATE)
            # The shortest term of one to three years still running, so live contracts end
            # over the coming two years; one in ten was a single year that ran out.
            running = (m for m in (12, 24, 36) if add_months(start, m) > REFERENCE_DATE)
            months = 12 if rng.random() < 0.1 else next(running, 36)
            end = add_months(start, months) - dt.timedelta(days=1)
            active = end >= REFERENCE_DATE
            reminded = None
            if active and (end - REFERENCE_DATE).days <= 30:  # the reminder job has run
                reminded = at(END - rng.uniform(0.5, 5) * DAY)
            activated = dt.datetime.combine(start, dt.time(2), UTC)
            rows.append(
                self.row(
                    "contracts_contract",
                    c,
                    number=self.numbers["C"].next(made),
                    title=f"{rng.choice(DEALS)} 服务合同",
                    customer_id=order.customer_id,
                    owner_id=order.owner_id,
                    order_id=order.id,
                    order_number=order.number,
                    status="ACTIVE" if active else "EXPIRED",
                    start_date=start,
                    end_date=end,
                    value=order.total * months // 12,
                    currency="CNY",
                    billing_frequency=rng.choice(BILLING),
                    payment_terms=rng.choice(("Net 30", "月结 60 天", None)),
                    auto_renew=rng.random() < 0.3,
                    predecessor_id=None,
                    activated_at=activated,
                    terminated_at=None,
                    termination_reason=None,
                    renewal_reminded_at=reminded,
                    version=1,
                    created_at=at(made),
                    updated_at=max(at(made), activated),
                )
            )
        return rows

    # -- activities and sequences ---------------------------------------------------------------

    def activities(self) -> Iterator[dict[str, Any]]:
        """Calls, meetings, notes and tasks about deals (and some leads), mostly by the owner."""
        rng = self.rng("activities")
        drafts = sorted(self.activity_draft(rng) for _ in range(self.vol.activities))
        for a, (ts, kind, related_type, related_id, owner) in enumerate(drafts):
            status, due, completed, duration = _activity_outcome(rng, kind, ts)
            occurred = at(ts)
            yield self.row(
                "activities_activity",
                a,
                kind=kind,
                subject=rng.choice(SUBJECTS[kind]),
                # A note is its body; calls and meetings sometimes carry minutes.
                body="客户希望下周安排技术交流" if kind == "NOTE" or rng.random() < 0.3 else None,
                related_type=related_type,
                related_id=related_id,
                owner_id=owner,
                created_by_id=owner,
                due_date=due,
                status=status,
                priority=rng.choices(("LOW", "NORMAL", "HIGH"), weights=(20, 60, 20))[0],
                occurred_at=occurred,
                duration_minutes=duration,
                completed_at=completed,
                rule=None,
                version=1,
                created_at=occurred,
                updated_at=completed or occurred,
            )

    def activity_draft(self, rng: random.Random) -> tuple[float, str, str, int, int]:
        """(when, kind, related type, related id, owner) of one activity."""
        deals = self.deals
        kind = rng.choices(ACTIVITY_KINDS, weights=(35, 15, 25, 25))[0]
        if rng.random() < 0.85:
            deal = rng.randrange(len(deals.created))
            start = deals.created[deal]
            end = deals.entered[deal] if deals.status[deal] != OPEN else END - 1
            owner = deals.owner[deal] if rng.random() < 0.85 else self.owner(rng)
            deal_id = self.first["opportunities_opportunity"] + deal
            return rng.uniform(start, max(start, end)), kind, "Opportunity", deal_id, owner
        lead = rng.randrange(len(self.lead_moments))
        start = self.lead_moments[lead][0]
        ts = rng.uniform(start, min(END - 1, start + 20 * DAY))
        return ts, kind, "Lead", self.first["leads_lead"] + lead, self.owner(rng)

    def sequences(self) -> Iterator[dict[str, Any]]:
        """The counters of core.sequences, at the last number handed out above."""
        used = [item for numbers in self.numbers.values() for item in numbers.used()]
        for i, (key, value) in enumerate(used):
            yield self.row("core_number_sequence", i, key=key, value=value)


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    unit: str
    price: int  # whole yuan


@dataclass(frozen=True)
class Accepted:
    """An accepted quote, which an order may copy."""

    id: int
    number: str
    deal: int
    at: float
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class Ordered:
    """A confirmed order, which a contract may come from."""

    id: int
    number: str
    customer_id: int
    owner_id: int
    confirmed: float
    total: int  # thousandths


class Numbers:
    """PREFIX-YEAR-NNNNN, counted per year, as core.sequences hands them out."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counts: dict[int, int] = {}

    def next(self, ts: float) -> str:
        year = day_of(ts).year
        self.counts[year] = self.counts.get(year, 0) + 1
        return f"{self.prefix}-{year}-{self.counts[year]:05d}"

    def used(self) -> list[tuple[str, int]]:
        """(sequence key, last value) per year."""
        return [(f"{self.prefix}:{year}", n) for year, n in sorted(self.counts.items())]


# -- small generators ------------------------------------------------------------------------------

CLOSED_QUOTES = ("REJECTED", "REJECTED", "EXPIRED")
OPEN_QUOTES = ("SENT", "SENT", "DRAFT", "APPROVED")
BILLING = ("ANNUALLY", "ANNUALLY", "QUARTERLY", "MONTHLY", "ONE_TIME")
ORDER_STEPS = ("confirmed", "fulfilled", "invoiced", "paid", "closed", "cancelled")
ORDER_FINAL = ("CLOSED", "PAID", "INVOICED", "FULFILLED", "CONFIRMED", "DRAFT", "CANCELLED")
# Days from one order step to the next: confirmed, fulfilled, invoiced, paid, closed.
ORDER_DELAYS = ((0.02, 2), (3, 20), (1, 10), (10, 60), (1, 30))
ACTIVITY_KINDS = ("CALL", "MEETING", "NOTE", "TASK")


def _totals(items: list[dict[str, Any]]) -> dict[str, int]:
    """A quote's or order's totals: the sums of its lines' rounded amounts."""
    return {
        "subtotal": sum(item["gross"] for item in items),
        "discount_total": sum(item["discount"] for item in items),
        "tax_total": sum(item["tax"] for item in items),
        "grand_total": sum(item["total"] for item in items),
    }


def _chinese_company(k: int) -> tuple[str, str, str, str, str]:
    """The k-th combination of city, two brand syllables, industry and legal form."""
    k, suffix = divmod(k, len(CN_SUFFIX))
    k, industry = divmod(k, len(CN_INDUSTRY))
    k, second = divmod(k, len(BRAND))
    city, first = divmod(k, len(BRAND))
    city_name, region = CITIES[city]
    brand = BRAND[first][0] + BRAND[second][0]
    domain = f"{BRAND[first][1]}{BRAND[second][1]}{industry}.com.cn"
    name = f"{city_name}{brand}{CN_INDUSTRY[industry]}{CN_SUFFIX[suffix]}"
    return name, domain, city_name, region, "China"


def _english_company(k: int, rng: random.Random) -> tuple[str, str, str, str | None, str]:
    k, suffix = divmod(k, len(EN_SUFFIX))
    k, industry = divmod(k, len(EN_INDUSTRY))
    first, second = divmod(k, len(EN_SECOND))
    brand = f"{EN_FIRST[first]} {EN_SECOND[second]}"
    city, country = rng.choice(EN_CITIES)
    domain = f"{brand.replace(' ', '').lower()}-{EN_INDUSTRY[industry][:4].lower()}.com"
    return f"{brand} {EN_INDUSTRY[industry]} {EN_SUFFIX[suffix]}", domain, city, None, country


def _lead_company(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return _chinese_company(rng.randrange(CN_COMPANIES))[0]
    return _english_company(rng.randrange(EN_COMPANIES), rng)[0]


def _phone(rng: random.Random, landline: bool) -> str:
    if landline:
        return f"+86 {rng.choice(AREA_CODES)} {rng.randrange(10**7, 10**8)}"
    block = f"{rng.randrange(10**4):04d} {rng.randrange(10**4):04d}"
    return f"+86 1{rng.choice('3456789')}{rng.randrange(10)} {block}"


def _email(rng: random.Random, person: str, domain: str | None) -> str:
    if " " in person:
        given, family = person.lower().split(" ", 1)
        local = f"{given}.{family}"
    else:
        local = "".join(PINYIN[c] for c in person)
    local = f"{local}{rng.randrange(100)}" if rng.random() < 0.4 else local
    return f"{local}@{domain or rng.choice(FREE_MAIL)}"


def _deal_amount(rng: random.Random) -> int:
    """Whole yuan, log-normal around 60 000, rounded as people quote them."""
    amount = min(max(rng.lognormvariate(math.log(60_000), 1.0), 2_000), 20_000_000)
    return int(round(amount, -3 if amount >= 100_000 else -2))


def _forecast(rng: random.Random, stage: int) -> str:
    if stage <= 1:
        return "PIPELINE" if rng.random() < 0.85 else "BEST_CASE"
    if stage == 2:
        return rng.choices(("PIPELINE", "BEST_CASE", "COMMIT"), weights=(25, 60, 15))[0]
    return "COMMIT" if rng.random() < 0.65 else "BEST_CASE"


LEAD_FUNNEL = (  # (younger than N days, weights of NEW, WORKING, QUALIFIED, DISQUALIFIED)
    (7, (75, 25, 0, 0)),
    (30, (30, 45, 10, 15)),
    (90, (8, 35, 15, 42)),
    (math.inf, (3, 12, 10, 75)),
)


def _lead_status(rng: random.Random, age_days: float) -> str:
    weights = next(w for limit, w in LEAD_FUNNEL if age_days < limit)
    return rng.choices(("NEW", "WORKING", "QUALIFIED", "DISQUALIFIED"), weights=weights)[0]


def _order_progress(rng: random.Random, made: float) -> tuple[str, dict[str, float]]:
    """How far an order got by the reference day, and when it took each step."""
    final = rng.choices(ORDER_FINAL, weights=(35, 38, 10, 7, 5, 2, 3))[0]
    stamps: dict[str, float] = {}
    if final == "CANCELLED":
        if rng.random() < 0.5:
            stamps["confirmed"] = made + rng.uniform(*ORDER_DELAYS[0]) * DAY
        cancelled = made + rng.uniform(1, 10) * DAY
        if cancelled < END:
            stamps["cancelled"] = cancelled
            return "CANCELLED", stamps
        return ("CONFIRMED" if stamps else "DRAFT"), stamps
    status, ts = "DRAFT", made
    if final == "DRAFT":
        return status, stamps
    for step, delay in zip(ORDER_STEPS, ORDER_DELAYS, strict=False):
        ts += rng.uniform(*delay) * DAY
        if ts >= END:
            break
        stamps[step], status = ts, step.upper()
        if status == final:
            break
    return status, stamps


def _activity_outcome(
    rng: random.Random, kind: str, ts: float
) -> tuple[str, dt.date | None, dt.datetime | None, int | None]:
    """(status, due date, completed at, duration) as the activities plugin sets them."""
    if kind in ("CALL", "MEETING"):  # logged after the fact: done
        return (
            "DONE",
            None,
            None,
            rng.randint(5, 45) if kind == "CALL" else rng.choice((30, 60, 90)),
        )
    if kind == "NOTE":
        return "OPEN", None, None, None
    due = day_of(ts) + dt.timedelta(days=rng.randint(1, 10))
    if due >= REFERENCE_DATE:
        return "OPEN", due, None, None
    status = rng.choices(("DONE", "CANCELLED", "OPEN"), weights=(80, 5, 15))[0]
    completed = at(min(END - 1, ts + rng.uniform(0.1, 8) * DAY)) if status == "DONE" else None
    return status, due, completed, None


TABLES = (
    "products_product",
    "customers_customer",
    "customers_contact",
    "opportunities_opportunity",
    "opportunities_stage_change",
    "opportunities_contact",
    "leads_lead",
    "quotes_quote",
    "quotes_line",
    "orders_order",
    "orders_line",
    "contracts_contract",
    "activities_activity",
    "core_number_sequence",
)


# -- building, reusing ----------------------------------------------------------------------------

SEARCH_BATCH = 10_000


async def ensure_dataset(url: str | None = None, scale: float = 1.0, seed: int = 7) -> Dataset:
    """The dataset for this scale and seed in `url`, built unless the database holds it.

    A SQLite file is deleted and a PostgreSQL database dropped and recreated when it holds
    anything else. Default: bench/.data/bench-<scale>.sqlite3.
    """
    url = url or default_url(scale)
    wanted = {"generator": GENERATOR_VERSION, "scale": scale, "seed": seed}
    found = await read_marker(url)
    if found is not None and found[0] == wanted:
        data = found[1]
        data.url = url
        # Plugins installed or migrations added since the build get their tables, and the
        # statistics cover them: SQLite plans with an index that has no statistics as if it
        # were the most selective one (a million-row sort for a page of 50).
        await migrate(url, PluginHost(Settings(database_url=url)).load())
        await close_db()
        await settle(url)
        print(
            f"dataset: reusing {_where(url)} (scale {scale:g}, seed {seed}, "
            f"built in {data.build_seconds:,.0f} s)",
            flush=True,
        )
        return data
    print(f"dataset: building {_where(url)} at scale {scale:g}, seed {seed}", flush=True)
    await reset_database(url)
    data = await build(url, scale, seed)
    await write_marker(url, wanted, data)
    print(f"dataset: built in {data.build_seconds:,.0f} s", flush=True)
    return data


def _where(url: str) -> str:
    return sqlite_path(url) if url.startswith("sqlite") else urlsplit(url).path.lstrip("/")


async def read_marker(url: str) -> tuple[dict[str, Any], Dataset] | None:
    """(what the dataset was built with, the dataset) when the database holds one."""
    if not Settings(database_url=url).is_postgres:
        path = sqlite_path(url)
        if not os.path.exists(path):
            return None
        db = sqlite3.connect(path)
        try:
            rows = dict(db.execute(f"SELECT key, value FROM {MARKER_TABLE}").fetchall())
        except sqlite3.OperationalError:
            return None
        finally:
            db.close()
    else:
        try:
            conn = await asyncpg.connect(asyncpg_dsn(url))
        except asyncpg.InvalidCatalogNameError:
            return None
        try:
            if await conn.fetchval(f"SELECT to_regclass('{MARKER_TABLE}')") is None:
                return None
            rows = dict(await conn.fetch(f"SELECT key, value FROM {MARKER_TABLE}"))
        finally:
            await conn.close()
    if "built_with" not in rows or "dataset" not in rows:
        return None
    return json.loads(rows["built_with"]), Dataset.from_json(rows["dataset"])


async def write_marker(url: str, built_with: dict[str, Any], data: Dataset) -> None:
    create = f"CREATE TABLE {MARKER_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    rows = [("built_with", json.dumps(built_with)), ("dataset", data.to_json())]
    if not data.is_postgres:
        db = sqlite3.connect(sqlite_path(url))
        with db:
            db.execute(create)
            db.executemany(f"INSERT INTO {MARKER_TABLE} VALUES (?, ?)", rows)
        db.close()
        return
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(create)
        await conn.executemany(f"INSERT INTO {MARKER_TABLE} VALUES ($1, $2)", rows)
    finally:
        await conn.close()


async def reset_database(url: str) -> None:
    from bench.customers_page import recreate_database

    if Settings(database_url=url).is_postgres:
        await recreate_database(url)
        return
    path = Path(sqlite_path(url))
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


class Step:
    """Prints what is being done and, when it is, how long it took."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> Step:
        print(f"  {self.what} ...", flush=True)
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        print(f"  {self.what}: {time.perf_counter() - self.started:,.1f} s", flush=True)


async def build(url: str, scale: float, seed: int) -> Dataset:
    started = time.perf_counter()
    settings = Settings(database_url=url, secret_key=SECRET_KEY, scheduler_interval_seconds=0)
    runtime = Runtime(settings)
    with Step("migrations"):
        await migrate(url, runtime.host)
        await close_db()
    await runtime.start()
    try:
        with Step("tenants, users, roles and pipelines through core"):
            plans = await make_tenants(runtime, scale, seed)
    finally:
        await runtime.stop()
    loader: Loader = (
        await PostgresLoader.open(url) if settings.is_postgres else SqliteLoader(sqlite_path(url))
    )
    rows: dict[str, dict[str, int]] = {}
    for plan in plans:
        verbose = not plan.slug.startswith("small-")
        with Step(f"rows of {plan.slug}") if verbose else contextlib.nullcontext():
            rows[plan.slug] = await TenantRows(plan, loader, seed, verbose).run()
    await loader.finish(TABLES)
    with Step("search index, written by the search backend"):
        indexed = await index_search(settings)
        print(f"    {indexed:,} documents")
    with Step("statistics (ANALYZE)"):
        await settle(url)
    large, tenth, *small = plans
    return Dataset(
        url=url,
        is_postgres=settings.is_postgres,
        secret_key=SECRET_KEY,
        scale=scale,
        seed=seed,
        reference_date=REFERENCE_DATE,
        large_slug=large.slug,
        large_id=large.id,
        tenth_slug=tenth.slug,
        tenth_id=tenth.id,
        small_slugs=[p.slug for p in small],
        credentials={p.slug: p.admin for p in plans},
        users={p.slug: p.people for p in plans},
        rows=rows,
        build_seconds=round(time.perf_counter() - started, 1),
    )


async def make_tenants(runtime: Runtime, scale: float, seed: int) -> list[TenantPlan]:
    """The large tenant, the tenth, then the small ones, in that order."""
    password_hash = hash_password(PASSWORD)  # one argon2 hash for every user but the admins
    specs = [
        ("large", "星辰科技集团 Large", LARGE.scaled(scale)),
        ("tenth", "明远贸易 Tenth", LARGE.scaled(scale * 0.1)),
    ]
    specs += [
        (f"small-{i:03d}", f"小微企业 Small {i:03d}", SMALL)
        for i in range(1, small_tenant_count(scale) + 1)
    ]
    plans = []
    for slug, name, volumes in specs:
        rng = random.Random(f"{seed}/{slug}/people")
        plans.append(await make_tenant(runtime, slug, name, volumes, rng, password_hash))
    return plans


async def index_search(settings: Settings) -> int:
    """Every searchable record of every tenant, through the backend's own `upsert` in big
    batches: the index holds exactly what the application would have written."""
    runtime = Runtime(settings)
    await runtime.start()
    try:
        db = connection()
        if settings.is_postgres:
            # A GIN index built once is far faster than one grown document by document;
            # `prepare` below recreates it with the backend's own definition.
            await db.execute_script("DROP INDEX IF EXISTS core_search_document_terms")
        marks = ("$1", "$2") if settings.is_postgres else ("?", "?")
        written = 0
        for type_name, searchable in runtime.searchables.items():
            table = searchable.model._meta.db_table
            query = f"SELECT * FROM {table} WHERE id > {marks[0]} ORDER BY id LIMIT {marks[1]}"
            last = 0
            while rows := await db.execute_query_dict(query, [last, SEARCH_BATCH]):
                await runtime.search.upsert(
                    [
                        runtime.search_document(type_name, SimpleNamespace(pk=row["id"], **row))
                        for row in rows
                    ]
                )
                written += len(rows)
                last = rows[-1]["id"]
        await runtime.search.prepare()
        return written
    finally:
        await runtime.stop()


async def settle(url: str) -> None:
    """Statistics and housekeeping a database in use would have."""
    if not Settings(database_url=url).is_postgres:
        db = sqlite3.connect(sqlite_path(url))
        # As the older benchmarks do: the planner's statistics of a database in use.
        db.execute("ANALYZE")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        return
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        # Autovacuum keeps a live database's visibility map and statistics; a freshly loaded
        # one must be told, or its plans (and index-only scans) are not the real ones.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset", description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data = asyncio.run(ensure_dataset(args.database_url, args.scale, args.seed))
    for slug in (data.large_slug, data.tenth_slug):
        print(f"{slug}: " + ", ".join(f"{t} {n:,}" for t, n in data.rows[slug].items()))


if __name__ == "__main__":
    main()
