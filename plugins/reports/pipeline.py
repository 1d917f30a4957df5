"""pipelineByStage: open deals per open stage, in pipeline order, empty stages included."""

from __future__ import annotations

from core.graphql.relay import to_global_id
from plugins.reports.figures import money
from plugins.reports.sql import ReportScope, Statement
from plugins.reports.types import PipelineReport, StageFigures


async def pipeline_by_stage(scope: ReportScope) -> PipelineReport:
    s = Statement(scope)
    currency = s.currency()
    rows = await s.rows(
        f"""
        SELECT st.id, st.name, st.probability,
          COUNT(o.id) AS count,
          SUM(CASE WHEN o.currency = {currency} THEN o.amount ELSE 0 END) AS amount,
          SUM(CASE WHEN o.currency = {currency} THEN o.weighted_amount ELSE 0 END) AS weighted
        FROM opportunities_stage st
        LEFT JOIN opportunities_opportunity o
          ON o.stage_id = st.id AND o.status = 'OPEN' AND {s.scope("o")}
        WHERE {s.tenant("st")} AND st.kind = 'OPEN'
        GROUP BY st.id, st.name, st.probability, st.position
        ORDER BY st.position
        """
    )
    c = scope.currency
    return PipelineReport(
        currency=c,
        stages=[
            StageFigures(
                stage_id=strawberry_id(r["id"]),
                name=r["name"],
                probability=r["probability"],
                count=r["count"],
                amount=money(r["amount"], c),
                weighted_amount=money(r["weighted"], c),
            )
            for r in rows
        ],
        count=sum(r["count"] for r in rows),
        amount=money(sum(r["amount"] or 0 for r in rows), c),
        weighted_amount=money(sum(r["weighted"] or 0 for r in rows), c),
    )


def strawberry_id(pk: int) -> str:
    return to_global_id("PipelineStage", pk)
