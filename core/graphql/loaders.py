"""DataLoader helpers for every plugin: users by id (owners, assignees, authors), grouping."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.types import Info

from core.api.types import User
from core.models import Membership


def grouped_by(rows: list[Any], key: str, ids: list[Any]) -> list[list[Any]]:
    """A DataLoader batch's answer for one-to-many: the rows whose `key` is each id, in order."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return [groups.get(i, []) for i in ids]


async def load_user(info: Info, user_id: int | None) -> User | None:
    """The tenant member with this id, batched across the request."""
    if user_id is None:
        return None

    async def batch(ids: list[int]) -> list[User | None]:
        rows = await Membership.filter(user_id__in=ids).select_related("user")
        by_id = {m.user_id: await User.build(info, m.user, m) for m in rows}
        return [by_id.get(i) for i in ids]

    return await info.context.loader("core.user", batch).load(user_id)
