"""Each tenant's quote settings: approval threshold, validity, default terms."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from core import validation as v
from core.graphql.payloads import UserError, UserInputError, user_error
from plugins.quotes import models

if TYPE_CHECKING:
    from core.graphql.context import RequestContext
    from plugins.quotes.inputs import UpdateQuoteSettingsInput


async def update_quote_settings(
    ctx: RequestContext, data: UpdateQuoteSettingsInput
) -> models.QuoteSettings:
    errors: list[UserError] = []
    threshold = data.approval_threshold_percent
    if threshold is not None and (
        not threshold.is_finite()
        or not 0 <= threshold <= 100
        or threshold != threshold.quantize(Decimal("0.01"))
    ):
        errors.append(
            user_error(
                "approvalThresholdPercent",
                "Use a percentage from 0 to 100, two decimals.",
                "INVALID",
            )
        )
    if data.validity_days is not None and not 1 <= data.validity_days <= 365:
        errors.append(user_error("validityDays", "Use 1 to 365 days.", "INVALID"))
    errors += v.text(data.default_terms, ["defaultTerms"], 5000)
    if errors:
        raise UserInputError(errors)
    async with ctx.write() as work:
        await work.lock("quotes.settings")
        row = await models.QuoteSettings.first() or models.QuoteSettings()
        if threshold is not None:
            row.approval_threshold_percent = threshold
        if data.validity_days is not None:
            row.validity_days = data.validity_days
        if data.default_terms is not None:
            row.default_terms = v.clean(data.default_terms)
        await row.save()
    return row
