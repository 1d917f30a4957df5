"""Issue 4's figures: quote PDF render time (10 and 200 lines), quote creation throughput,
and the memory one render takes.

    python -m bench.quote_to_cash [--rounds 10] [--quotes 200] [--database-url URL]

Each figure stands beside its own limit: the PDF download through the API beside WeasyPrint
rendering the same HTML alone; createQuote beside the same rows inserted by the ORM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.customers_page import recreate_database
from bench.session import bench_session
from core.tenancy import tenant_scope

PRODUCTS = 200


async def _timed(fn: Any, rounds: int) -> float:
    """Median milliseconds of `fn` after two warm-up calls."""
    for _ in range(2):
        await fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


async def run(url: str, rounds: int, quotes: int) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    async with bench_session(url, "q2c", "星辰软件 Q2C") as bench:
        tenant, client, headers = bench.tenant, bench.client, bench.headers
        gql = bench.gql

        made = await gql(
            "mutation($i: [CreateProductInput!]!) { createProducts(input: $i) { "
            "products { id } userErrors { code } } }",
            {
                "i": [
                    {
                        "sku": f"SKU-{i:04d}",
                        "name": f"产品 Product {i}",
                        "listPrice": {"amount": f"{100 + i}.50", "currency": "CNY"},
                    }
                    for i in range(PRODUCTS)
                ]
            },
        )
        product_ids = [p["id"] for p in made["createProducts"]["products"]]
        customer = await gql(
            'mutation { createCustomer(input: {name: "北京星辰科技有限公司"}) { customer { id } } }'
        )
        customer_id = customer["createCustomer"]["customer"]["id"]
        create = (
            "mutation($i: CreateQuoteInput!) { createQuote(input: $i) { "
            "quote { id pdfUrl } userErrors { code message } } }"
        )

        def quote_input(lines: int) -> dict:
            return {
                "customerId": customer_id,
                "currency": "CNY",
                "lines": [
                    {
                        "productId": product_ids[i % PRODUCTS],
                        "quantity": str(1 + i % 7),
                        "discountPercent": "5",
                        "taxPercent": "6",
                    }
                    for i in range(lines)
                ],
            }

        # 1. PDF render time through the API, beside WeasyPrint alone on the same HTML.
        from core.documents import render_html, render_pdf
        from plugins.quotes import models as quote_models
        from plugins.quotes.document import NAME, TEMPLATE, quote_context

        for lines in (10, 200):
            quote = (await gql(create, {"i": quote_input(lines)}))["createQuote"]["quote"]

            async def download(url: str = quote["pdfUrl"]) -> None:
                response = await client.get(url, headers=headers)
                assert response.status_code == 200, response.text

            api_ms = await _timed(download, rounds)
            with tenant_scope(tenant.id):
                row = await quote_models.Quote.get(id=_pk(quote["id"]))
                context = {**await quote_context(row), "tenant": {"name": "x", "logo": None}}
            html = render_html(NAME, TEMPLATE.source, context)

            async def weasyprint_alone(html: str = html) -> None:
                render_pdf(html)

            raw_ms = await _timed(weasyprint_alone, rounds)
            rows += [
                (f"quote PDF, {lines} lines, GET pdfUrl (median)", f"{api_ms:,.0f} ms", ""),
                (
                    "  same HTML, WeasyPrint alone",
                    f"{raw_ms:,.0f} ms",
                    f"ratio {api_ms / raw_ms:.2f}",
                ),
            ]

        # 2. Quote creation throughput, 3 lines each, beside the ORM inserting the rows.
        started = time.perf_counter()
        for _ in range(quotes):
            await gql(create, {"i": quote_input(3)})
        sequential = quotes / (time.perf_counter() - started)
        started = time.perf_counter()
        for start in range(0, quotes, 8):
            await asyncio.gather(
                *(gql(create, {"i": quote_input(3)}) for _ in range(min(8, quotes - start)))
            )
        concurrent = quotes / (time.perf_counter() - started)
        raw = await _orm_quotes(tenant.id, quotes)
        rows += [
            (f"createQuote, 3 lines, one at a time ({quotes})", f"{sequential:,.0f} /s", ""),
            ("createQuote, 8 concurrent", f"{concurrent:,.0f} /s", ""),
            (
                "  ORM insert of quote + 3 lines",
                f"{raw:,.0f} /s",
                f"ratio {sequential / raw:.0%}",
            ),
        ]
    rows += _render_memory()
    return rows


def _pk(gid: str) -> int:
    from core.graphql.relay import from_global_id

    parsed = from_global_id(gid)
    assert parsed is not None
    return parsed[1]


async def _orm_quotes(tenant_id: int, count: int) -> float:
    """Quotes per second when the ORM alone writes a quote and its three lines."""
    import datetime as dt
    from decimal import Decimal

    from plugins.customers.models import Customer
    from plugins.quotes import models

    with tenant_scope(tenant_id):
        customer = await Customer.first()
        owner_id = (await models.Quote.first()).owner_id  # type: ignore[union-attr]
        started = time.perf_counter()
        for i in range(count):
            quote = await models.Quote.create(
                number=f"RAW-{i}",
                title="raw",
                customer_id=customer.id,  # type: ignore[union-attr]
                owner_id=owner_id,
                currency="CNY",
                valid_until=dt.date(2030, 1, 1),
            )
            await models.QuoteLine.bulk_create(
                [
                    models.QuoteLine(
                        quote_id=quote.id,
                        position=p,
                        product_id=1,
                        sku="S",
                        name="N",
                        unit="each",
                        quantity=Decimal(1),
                        unit_price=Decimal(1),
                        price_source="MANUAL",
                        gross=Decimal(1),
                        discount=Decimal(0),
                        net=Decimal(1),
                        tax=Decimal(0),
                        total=Decimal(1),
                    )
                    for p in range(1, 4)
                ]
            )
        return count / (time.perf_counter() - started)


_MEMORY_PROBE = """
import json, resource, tracemalloc, copy
from core.documents import render_html, render_pdf
from plugins.quotes.document import NAME, SAMPLE, TEMPLATE

def context(lines):
    ctx = copy.deepcopy(SAMPLE)
    ctx["lines"] = [dict(ctx["lines"][0], position=i + 1) for i in range(lines)]
    ctx["tenant"] = {"name": "Tessera", "logo": None}
    return ctx

def hwm_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

render_pdf(render_html(NAME, TEMPLATE.source, context(1)))  # fonts and caches loaded
before = hwm_kib()
tracemalloc.start()
render_pdf(render_html(NAME, TEMPLATE.source, context(200)))
_, python_peak = tracemalloc.get_traced_memory()
print(json.dumps({"hwm_delta_kib": hwm_kib() - before, "python_peak": python_peak}))
"""


def _render_memory() -> list[tuple[str, str, str]]:
    """Memory of one 200-line render, in a fresh process so nothing else inflates it."""
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE], capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        (
            "memory of one 200-line render: peak RSS growth",
            f"{found['hwm_delta_kib'] / 1024:,.1f} MiB",
            "after a warm-up render",
        ),
        (
            "  of which Python objects (tracemalloc peak)",
            f"{found['python_peak'] / 2**20:,.1f} MiB",
            "",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.quote_to_cash")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--quotes", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite://{tmp}/q2c.sqlite3"
        asyncio.run(recreate_database(url))
        rows = asyncio.run(run(url, args.rounds, args.quotes))
    width = max(len(r[0]) for r in rows)
    print(f"\nissue 4 figures on {url.split('://')[0]}\n")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>12}  {note}")


if __name__ == "__main__":
    main()
