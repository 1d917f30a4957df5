"""The contract every search backend keeps, run against each configured backend.

Whatever the engine, core relies on: tenant, type and owner scoping; upsert-replaces and
remove; prefix and Chinese substring matching; title hits first; the limit; a snippet
showing the match; any query string being safe; and, for backends writing in the caller's
transaction, a rollback taking the index writes with it.
"""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from core.manifest import SearchDocument
from core.search import make_backend
from core.search.base import SearchBackend, SearchResult
from core.search.meili import MeilisearchBackend
from core.search.postgres_fts import PostgresFtsBackend
from core.search.sqlite_fts import SqliteFtsBackend
from core.settings import Settings

# Explicit, not only via setup.cfg: the session-scoped backend fixtures live on this loop.
pytestmark = pytest.mark.asyncio(loop_scope="session")

ALL_TYPES = {"customer", "note", "deal"}


def doc(
    tenant: int,
    record_id: int,
    title: str,
    body: str = "",
    *,
    type: str = "customer",
    owner: int | None = None,
) -> SearchDocument:
    return SearchDocument(
        type=type, record_id=record_id, tenant_id=tenant, owner_id=owner, title=title, body=body
    )


async def hits(
    backend: SearchBackend,
    tenant: int,
    query: str,
    *,
    types: set[str] = ALL_TYPES,
    owner_ids: set[int] | None = None,
    limit: int = 20,
    unowned_types: set[str] = frozenset(),
) -> list[tuple[str, int]]:
    results = await backend.search(tenant, query, types, owner_ids, limit, unowned_types)
    return [(r.type, r.record_id) for r in results]


async def test_make_backend_follows_settings() -> None:
    assert isinstance(make_backend(Settings(database_url="sqlite://:memory:")), SqliteFtsBackend)
    postgres = Settings(database_url="postgres://postgres@127.0.0.1:5432/x")
    assert isinstance(make_backend(postgres), PostgresFtsBackend)
    meili = Settings(database_url="sqlite://:memory:", meilisearch_url="http://127.0.0.1:7700")
    assert isinstance(make_backend(meili), MeilisearchBackend)
    # Meilisearch wins over the database's own search when both are available.
    both = Settings(database_url=postgres.database_url, meilisearch_url="http://127.0.0.1:7700")
    assert isinstance(make_backend(both), MeilisearchBackend)


async def test_prepare_is_idempotent(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert([doc(tenant, 1, "Idempotent Industries")])
    await backend.prepare()
    assert await hits(backend, tenant, "idempotent") == [("customer", 1)]


async def test_result_carries_type_id_and_original_title(
    backend: SearchBackend, tenant: int
) -> None:
    await backend.upsert([doc(tenant, 7, "Acme Corporation", "Makers of anvils", type="deal")])
    results = await backend.search(tenant, "anvils", ALL_TYPES, None, 10)
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, SearchResult)
    assert (result.type, result.record_id, result.title) == ("deal", 7, "Acme Corporation")
    assert isinstance(result.score, float)


async def test_tenant_isolation(backend: SearchBackend, tenant: int, other_tenant: int) -> None:
    # Identical text and keys in both tenants: only the tenant asked about may answer.
    await backend.upsert(
        [
            doc(tenant, 1, "Globex Corporation", "shared words"),
            doc(other_tenant, 1, "Globex Corporation", "shared words"),
            doc(other_tenant, 2, "Globex Subsidiary", "only in the other tenant"),
        ]
    )
    assert await hits(backend, tenant, "globex") == [("customer", 1)]
    assert sorted(await hits(backend, other_tenant, "globex")) == [("customer", 1), ("customer", 2)]
    assert await hits(backend, tenant, "subsidiary") == []
    # Writes in one tenant leave the other's identical document alone.
    await backend.remove(tenant, "customer", [1])
    assert await hits(backend, tenant, "globex") == []
    assert ("customer", 1) in await hits(backend, other_tenant, "globex")


async def test_type_filter(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "Initech", "printer jam", type="customer"),
            doc(tenant, 1, "Initech call", "printer jam again", type="note"),
            doc(tenant, 2, "Initech renewal", "printer contract", type="deal"),
        ]
    )
    assert await hits(backend, tenant, "printer", types={"note"}) == [("note", 1)]
    assert sorted(await hits(backend, tenant, "printer", types={"customer", "deal"})) == [
        ("customer", 1),
        ("deal", 2),
    ]
    assert len(await hits(backend, tenant, "printer")) == 3
    assert await hits(backend, tenant, "printer", types={"invoice"}) == []


async def test_owner_filter(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "Umbrella lead one", owner=10),
            doc(tenant, 2, "Umbrella lead two", owner=20),
            doc(tenant, 3, "Umbrella lead unowned", owner=None),
        ]
    )
    assert await hits(backend, tenant, "umbrella", owner_ids={10}) == [("customer", 1)]
    assert sorted(await hits(backend, tenant, "umbrella", owner_ids={10, 20})) == [
        ("customer", 1),
        ("customer", 2),
    ]
    assert await hits(backend, tenant, "umbrella", owner_ids={99}) == []
    assert await hits(backend, tenant, "umbrella", owner_ids=set()) == []
    # None means no owner restriction at all, unowned documents included.
    assert len(await hits(backend, tenant, "umbrella", owner_ids=None)) == 3


async def test_unowned_documents_of_pool_types_pass_the_owner_filter(
    backend: SearchBackend, tenant: int
) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "Harbour mine", owner=10),
            doc(tenant, 2, "Harbour someone else's", owner=20),
            doc(tenant, 3, "Harbour pooled", owner=None),
            doc(tenant, 4, "Harbour pooled note", owner=None, type="note"),
        ]
    )
    pool = {"customer"}
    assert sorted(await hits(backend, tenant, "harbour", owner_ids={10}, unowned_types=pool)) == [
        ("customer", 1),
        ("customer", 3),
    ]
    # Nothing owned, still the pool; an unowned document of another type stays hidden.
    assert await hits(backend, tenant, "harbour", owner_ids=set(), unowned_types=pool) == [
        ("customer", 3)
    ]
    # A pool type the caller did not ask for does not widen the search.
    assert (
        await hits(backend, tenant, "harbour", types={"note"}, owner_ids={10}, unowned_types=pool)
        == []
    )


async def test_upsert_replaces(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert([doc(tenant, 5, "Oldname Limited", "quarterly review", owner=1)])
    await backend.upsert([doc(tenant, 5, "Newname Limited", "annual review", owner=2)])
    assert await hits(backend, tenant, "oldname") == []
    assert await hits(backend, tenant, "quarterly") == []
    assert await hits(backend, tenant, "newname") == [("customer", 5)]
    # One document per key: no duplicate hit for text both versions share.
    assert await hits(backend, tenant, "limited") == [("customer", 5)]
    # The owner was replaced too.
    assert await hits(backend, tenant, "newname", owner_ids={1}) == []
    assert await hits(backend, tenant, "newname", owner_ids={2}) == [("customer", 5)]
    results = await backend.search(tenant, "review", ALL_TYPES, None, 10)
    assert [r.title for r in results] == ["Newname Limited"]


async def test_upsert_batch_last_version_wins(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "Draft Dynamics"),
            doc(tenant, 2, "Stable Systems"),
            doc(tenant, 1, "Final Dynamics"),
        ]
    )
    assert await hits(backend, tenant, "draft") == []
    assert await hits(backend, tenant, "dynamics") == [("customer", 1)]
    assert await hits(backend, tenant, "stable") == [("customer", 2)]


async def test_remove(backend: SearchBackend, tenant: int, other_tenant: int) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "Hooli one"),
            doc(tenant, 2, "Hooli two"),
            doc(tenant, 3, "Hooli three"),
            doc(tenant, 1, "Hooli note", type="note"),
            doc(other_tenant, 1, "Hooli elsewhere"),
        ]
    )
    await backend.remove(tenant, "customer", [1, 3, 999])  # unknown ids are ignored
    assert sorted(await hits(backend, tenant, "hooli")) == [("customer", 2), ("note", 1)]
    assert await hits(backend, other_tenant, "hooli") == [("customer", 1)]
    await backend.remove(tenant, "customer", [])
    await backend.remove(tenant, "customer", [1])  # already gone: still fine
    assert sorted(await hits(backend, tenant, "hooli")) == [("customer", 2), ("note", 1)]


async def test_prefix_match(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert([doc(tenant, 1, "Acme Corporation", "Wile E. Coyote's supplier")])
    for query in ("acm", "Acme", "ACME", "corp", "acme corp", "suppl"):
        assert await hits(backend, tenant, query) == [("customer", 1)], query


async def test_every_word_is_required(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [doc(tenant, 1, "Vandelay Industries", "latex import"), doc(tenant, 2, "Vandelay Art")]
    )
    assert await hits(backend, tenant, "vandelay latex") == [("customer", 1)]
    assert await hits(backend, tenant, "vandelay zeppelin") == []


async def test_accents_are_ignored(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert([doc(tenant, 1, "Müller & Söhne GmbH", "Café équipement")])
    for query in ("muller", "Müller", "sohne", "cafe", "équipement", "equip"):
        assert await hits(backend, tenant, query) == [("customer", 1)], query


async def test_chinese_substring_match(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "华为技术有限公司", "总部位于深圳的通信设备供应商"),
            doc(tenant, 2, "腾讯控股", "互联网公司"),
        ]
    )
    for query in ("华为", "技术", "有限公司", "深圳"):
        assert await hits(backend, tenant, query) == [("customer", 1)], query
    assert sorted(await hits(backend, tenant, "公司")) == [("customer", 1), ("customer", 2)]
    assert await hits(backend, tenant, "阿里巴巴") == []
    # Chinese and Latin words in one query must both match.
    await backend.upsert([doc(tenant, 3, "华为 Cloud 合作", "")])
    assert await hits(backend, tenant, "华为 cloud") == [("customer", 3)]


async def test_title_match_ranks_above_body_match(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "Quarterly planning", "We discussed the Zephyr account at length."),
            doc(tenant, 2, "Zephyr Airlines", "Regional carrier, fleet of twelve aircraft."),
            doc(tenant, 3, "Unrelated", "Nothing to see here."),
        ]
    )
    results = await backend.search(tenant, "zephyr", ALL_TYPES, None, 10)
    assert [r.record_id for r in results] == [2, 1]
    assert results[0].score >= results[1].score


async def test_results_best_first(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [doc(tenant, i, f"Contact {i}", "pipeline " * (i % 3 + 1)) for i in range(1, 9)]
    )
    results = await backend.search(tenant, "pipeline", ALL_TYPES, None, 20)
    assert len(results) == 8
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)


async def test_limit(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert([doc(tenant, i, f"Stark Industries branch {i}") for i in range(1, 26)])
    assert len(await hits(backend, tenant, "stark", limit=5)) == 5
    assert len(await hits(backend, tenant, "stark", limit=1)) == 1
    assert len(await hits(backend, tenant, "stark", limit=100)) == 25
    assert await hits(backend, tenant, "stark", limit=0) == []


async def test_snippet_shows_the_match(backend: SearchBackend, tenant: int) -> None:
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8
    body = filler + "The customer asked about Kryptonite pricing for next year. " + filler
    await backend.upsert([doc(tenant, 1, "Daily Planet", body)])
    (result,) = await backend.search(tenant, "kryptonite", ALL_TYPES, None, 10)
    assert "Kryptonite" in result.snippet  # original spelling, not the folded index form
    assert len(result.snippet) < len(body)
    for markup in ("<b>", "</b>", "<mark>", "\x02", "\x03"):
        assert markup not in result.snippet


async def test_snippet_of_title_and_chinese(backend: SearchBackend, tenant: int) -> None:
    await backend.upsert(
        [
            doc(tenant, 1, "Wayne Enterprises", "Gotham based conglomerate."),
            doc(tenant, 2, "深圳客户", "我们与华为技术有限公司签订了合同。"),
        ]
    )
    (wayne,) = await backend.search(tenant, "wayne", ALL_TYPES, None, 10)
    assert "Wayne" in wayne.snippet
    (huawei,) = await backend.search(tenant, "华为", ALL_TYPES, None, 10)
    assert "华为" in huawei.snippet


HOSTILE_QUERIES = [
    "",
    "   ",
    '"',
    '""',
    "*",
    "-",
    "--",
    "NOT",
    "AND",
    "OR",
    "NEAR",
    "a:b",
    "title:acme",
    "(",
    ")",
    "()",
    "'",
    "\\",
    "'; DROP TABLE x; --",
    '"; DELETE FROM core_search_document; --',
    "acme*",
    "-acme",
    "acme OR",
    "NOT acme",
    "^acme",
    "{title}: acme",
    "acme & | ! <-> :*",
    "\x00",
    "acme\x00",
    "%_%",
    "🚀",
    "x" * 5000,
    " ".join(f"w{i}" for i in range(500)),
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
async def test_any_query_string_is_safe(backend: SearchBackend, tenant: int, query: str) -> None:
    await backend.upsert([doc(tenant, 1, "Acme Rocket 🚀 Supplies", "not a drop table order")])
    results = await backend.search(tenant, query, ALL_TYPES, None, 10)
    assert isinstance(results, list)
    assert all(r.record_id == 1 for r in results)
    # The index survived whatever the query was.
    assert await hits(backend, tenant, "acme") == [("customer", 1)]


@pytest.mark.parametrize("query", ["", "   ", '"', "*", "-", "()", "'", "\\", "\x00", "🚀"])
async def test_query_without_words_finds_nothing(
    backend: SearchBackend, tenant: int, query: str
) -> None:
    await backend.upsert([doc(tenant, 1, "Anything at all", "rocket 🚀")])
    assert await hits(backend, tenant, query) == []


async def test_hostile_document_text_is_stored_verbatim(
    backend: SearchBackend, tenant: int
) -> None:
    title = 'O\'Brien "Quotes" Ltd; DROP TABLE x; -- (NOT) a:b *'
    await backend.upsert([doc(tenant, 1, title, "body with 'quotes' and \\ backslash")])
    for query in ("brien", "quotes", "drop table", "backslash"):
        (result,) = await backend.search(tenant, query, ALL_TYPES, None, 10)
        assert result.title == title, query


async def test_rollback_leaves_no_hit(backend: SearchBackend, tenant: int) -> None:
    if not backend.transactional:
        pytest.skip("backend writes after commit, outside the database transaction")

    class Rollback(Exception):
        pass

    await backend.upsert([doc(tenant, 1, "Committed Cyberdyne")])
    with pytest.raises(Rollback):
        async with in_transaction():
            await backend.upsert(
                [doc(tenant, 2, "Phantom Cyberdyne"), doc(tenant, 1, "Renamed Skynet")]
            )
            await backend.remove(tenant, "customer", [1])
            # Inside the transaction its own writes are visible...
            assert await hits(backend, tenant, "phantom") == [("customer", 2)]
            raise Rollback
    # ...and after the rollback every one of them is gone.
    assert await hits(backend, tenant, "phantom") == []
    assert await hits(backend, tenant, "skynet") == []
    assert await hits(backend, tenant, "cyberdyne") == [("customer", 1)]


async def test_commit_keeps_writes(backend: SearchBackend, tenant: int) -> None:
    if not backend.transactional:
        pytest.skip("backend writes after commit, outside the database transaction")
    async with in_transaction():
        await backend.upsert([doc(tenant, 1, "Tyrell Corporation")])
    assert await hits(backend, tenant, "tyrell") == [("customer", 1)]


async def test_clear(backend: SearchBackend, tenant: int, other_tenant: int) -> None:
    await backend.upsert([doc(tenant, 1, "Soylent Green"), doc(other_tenant, 1, "Soylent Red")])
    await backend.clear()
    assert await hits(backend, tenant, "soylent") == []
    assert await hits(backend, other_tenant, "soylent") == []
    # The backend still works after a clear.
    await backend.upsert([doc(tenant, 2, "Soylent Blue")])
    assert await hits(backend, tenant, "soylent") == [("customer", 2)]
