"""Run the benchmarks and print a table.

    python -m bench [--customers 5000] [--rounds 200] [--database-url URL]

Default database: a fresh SQLite file in a temporary directory. Pass a PostgreSQL URL
(its database is dropped and recreated) to measure there.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import tempfile

from bench.customers_page import recreate_database
from bench.customers_page import run as run_customers_page
from bench.startup import measure_startup


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--contacts-per-customer", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite://{tmp}/bench.sqlite3"
        asyncio.run(recreate_database(url))
        rows = asyncio.run(
            run_customers_page(url, args.customers, args.contacts_per_customer, args.rounds)
        )
        rows = measure_startup(url) + rows
    print(
        f"\nTessera benchmarks on {url.split('://')[0]}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, "
        f"{args.customers} customers x {args.contacts_per_customer} contacts\n"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>12}  note")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>12}  {note}")


if __name__ == "__main__":
    main()
