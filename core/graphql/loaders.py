"""DataLoaders core offers every plugin: users by id (owners, assignees, authors)."""

from __future__ import annotations

from strawberry.types import Info

from core.api.types import User
from core.models import Membership


async def load_user(info: Info, user_id: int | None) -> User | None:
    """The tenant member with this id, batched across the request."""
    if user_id is None:
        return None

    async def batch(ids: list[int]) -> list[User | None]:
        rows = await Membership.filter(user_id__in=ids).select_related("user")
        by_id = {m.user_id: await User.build(info, m.user, m) for m in rows}
        return [by_id.get(i) for i in ids]

    return await info.context.loader("core.user", batch).load(user_id)
