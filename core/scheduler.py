"""Runs plugins' scheduled jobs: once per job, tenant and due time, however many workers tick.

A job with `every_seconds = N` is due at each multiple of N seconds since the epoch. A worker
claims a run by inserting its JobRun row; the unique key makes every other worker's insert
fail, so the run happens once. The clock is injectable so tests can move time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from core.manifest import ScheduledJob
from core.models import JobRun, Tenant
from core.tenancy import tenant_scope

if TYPE_CHECKING:
    from core.runtime import Runtime

log = logging.getLogger("tessera.scheduler")
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def due_time(job: ScheduledJob, now: dt.datetime) -> dt.datetime:
    seconds = int(now.timestamp()) // job.every_seconds * job.every_seconds
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class Scheduler:
    def __init__(self, runtime: Runtime, clock: Clock = utc_now) -> None:
        self.runtime = runtime
        self.clock = clock
        self.jobs: list[tuple[str, ScheduledJob]] = runtime.host.collect_list("register_jobs")

    async def run_due(self) -> list[tuple[str, int]]:
        """Run every job that is due and not yet run; returns (job, tenant id) of those run."""
        now = self.clock()
        ran: list[tuple[str, int]] = []
        if not self.jobs:
            return ran
        tenants = await Tenant.all().only("id", "plugins")
        for plugin, job in self.jobs:
            due = due_time(job, now)
            for tenant in tenants:
                if plugin not in tenant.plugins:
                    continue
                try:
                    run = await JobRun.create(
                        job=f"{plugin}:{job.name}", tenant_id=tenant.id, due_at=due
                    )
                except IntegrityError:
                    continue  # another worker has it
                try:
                    with tenant_scope(tenant.id):
                        result = job.run(runtime=self.runtime, tenant_id=tenant.id, now=now)
                        if inspect.isawaitable(result):
                            await result
                except Exception as exc:  # one tenant's failure must not stop the others
                    log.exception("job %s failed for tenant %s", job.name, tenant.id)
                    run.error = f"{type(exc).__name__}: {exc}"
                run.finished_at = utc_now()
                await run.save(update_fields=["finished_at", "error"])
                ran.append((job.name, tenant.id))
        return ran

    async def loop(self, interval_seconds: float = 30.0) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:
                log.exception("scheduler tick failed")
            await asyncio.sleep(interval_seconds)
