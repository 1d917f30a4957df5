"""What every workload of the suite reports: a figure beside its physical limit, as a ratio."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    workload: str  # "W1" ... "W7"
    name: str  # what was measured: "opportunities(first: 50), median"
    value: float
    unit: str  # "ms", "req/s", "rows/s", "MiB", "schemas", "queries"
    limit: float | None = None  # the same figure for the physical limit, measured in this run
    limit_name: str = ""  # what the limit is: "one raw SQL query + json"
    target: str = ""  # the target in words: "<= 3x", ">= 40%"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / limit: a latency 3x its limit is 3.0, a rate at 40% of its limit is 0.4."""
        if self.limit in (None, 0):
            return None
        return self.value / self.limit
