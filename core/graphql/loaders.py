"""DataLoader helpers for every plugin: users by id (owners, assignees, authors), grouping,
and `BatchLoad`, a kind of record loaded in batches per request that a page can prefetch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class BatchLoad:
    """Records of one kind, loaded by id in one query per request however many fields ask.

    `fetch(info, ids)` returns the answers in the order of `ids` (None for one the caller may
    not see). A resolver returns `field(info, id)`: the value itself when the request holds it
    already, else an awaitable of it. A connection that `prefetch`es the ids of its page lets
    every such field of every node resolve synchronously, which spares graphql-core a task
    per field (the bulk of a page's cost once the SQL is batched).
    """

    key: str
    fetch: Callable[[Info, list[Any]], Awaitable[list[Any]]]

    def _loader(self, info: Info) -> Any:
        return info.context.loader(self.key, lambda ids: self.fetch(info, ids))

    def field(self, info: Info, item: Any) -> Any:
        if item is None:
            return None
        loader = self._loader(info)
        known = loader.cache_map.get(item)
        if known is not None and known.done() and known.exception() is None:
            return known.result()
        return loader.load(item)

    async def one(self, info: Info, item: Any) -> Any:
        """The value, for code that awaits (mutations, other loaders)."""
        if item is None:
            return None
        return await self._loader(info).load(item)

    async def prefetch(self, info: Info, items: Iterable[Any]) -> None:
        """Load the ids not yet held, in one call, and keep the answers for `field`."""
        loader = self._loader(info)
        wanted = [
            i for i in dict.fromkeys(items) if i is not None and loader.cache_map.get(i) is None
        ]
        if wanted:
            loader.prime_many(dict(zip(wanted, await self.fetch(info, wanted), strict=True)))


async def _fetch_users(info: Info, ids: list[int]) -> list[User | None]:
    rows = await Membership.filter(user_id__in=ids).select_related("user")
    by_id = {m.user_id: await User.build(info, m.user, m) for m in rows}
    return [by_id.get(i) for i in ids]


USERS = BatchLoad("core.user", _fetch_users)


async def load_user(info: Info, user_id: int | None) -> User | None:
    """The tenant member with this id, batched across the request."""
    return await USERS.one(info, user_id)
