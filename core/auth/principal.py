"""Who is calling: the user, their tenant, roles, and which records they may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q

from core.auth.rbac import Rbac
from core.auth.roles import Scope, scope_of
from core.models import Membership, Tenant, User


@dataclass
class Principal:
    user: User | None = None
    tenant: Tenant | None = None
    membership: Membership | None = None
    roles: list[str] = field(default_factory=list)
    enforcer: Any = None
    via_api_key: bool = False
    _answers: dict[str, bool] = field(default_factory=dict)
    _owner_ids: set[int] | None = None
    _owner_ids_loaded: bool = False

    @property
    def authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.user and self.user.is_platform_admin)

    @property
    def user_id(self) -> int:
        assert self.user is not None
        return self.user.id

    @property
    def tenant_id(self) -> int:
        assert self.tenant is not None
        return self.tenant.id

    @property
    def scope(self) -> Scope:
        return scope_of(self.roles)

    def can(self, permission: str) -> bool:
        if self.user is None or self.tenant is None or self.enforcer is None:
            return False
        # Casbin evaluates its matcher per call; a request asks the same few questions for
        # every row of a page, so answers are kept for the request's lifetime.
        if permission not in self._answers:
            self._answers[permission] = Rbac.allowed(
                self.enforcer, self.tenant.id, self.user.id, permission
            )
        return self._answers[permission]

    def forget_answers(self) -> None:
        """Drop what this request learnt about permissions and team (roles just changed)."""
        self._answers.clear()
        self._owner_ids, self._owner_ids_loaded = None, False

    async def owner_ids(self) -> set[int] | None:
        """Owners whose records this caller sees; None means every record of the tenant.

        Sales see their own; managers their team's (same team, or reporting to them);
        tenant-wide roles see all. Loaded once per request.
        """
        if self._owner_ids_loaded:
            return self._owner_ids
        scope = self.scope
        if scope is Scope.TENANT:
            ids = None
        elif scope is Scope.TEAM and self.membership is not None:
            ids = {self.user_id, *await _team_user_ids(self.user_id, self.membership.team)}
        else:
            ids = {self.user_id}
        self._owner_ids, self._owner_ids_loaded = ids, True
        return ids


async def _team_user_ids(manager_id: int, team: str | None) -> list[int]:
    condition = Q(manager_id=manager_id)
    if team:
        condition = condition | Q(team=team)
    return await Membership.filter(condition).values_list("user_id", flat=True)
