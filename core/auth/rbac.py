"""Casbin RBAC with domains: a domain is a tenant, policy lives in the database.

Each worker keeps one enforcer per tenant, loaded with only that tenant's rules, and reloads
it when the tenant's `acl_version` (read with every request) moves: a grant changed on one
worker is seen by all of them on their next request.
"""

from __future__ import annotations

from collections.abc import Iterable

import casbin
from casbin.model import Model as CasbinModel
from casbin_tortoise_adapter import TortoiseAdapter
from casbin_tortoise_adapter.filter import RuleFilter
from casbin_tortoise_adapter.model import CasbinRule
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.models import Tenant

MODEL_TEXT = """
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
"""


def domain(tenant_id: int) -> str:
    return f"t{tenant_id}"


def subject(user_id: int) -> str:
    return f"user:{user_id}"


def _split(permission: str) -> tuple[str, str]:
    resource, action = permission.rsplit(".", 1)
    return resource, action


class Rbac:
    def __init__(self) -> None:
        self._adapter = TortoiseAdapter()
        self._enforcers: dict[int, tuple[int, casbin.AsyncEnforcer]] = {}

    async def enforcer(self, tenant_id: int, acl_version: int) -> casbin.AsyncEnforcer:
        cached = self._enforcers.get(tenant_id)
        if cached and cached[0] == acl_version:
            return cached[1]
        model = CasbinModel()
        model.load_model_from_text(MODEL_TEXT)
        enforcer = casbin.AsyncEnforcer(model, self._adapter)
        dom = domain(tenant_id)
        await enforcer.load_filtered_policy(RuleFilter(ptype=["p"], v1=[dom]))
        await enforcer.load_increment_filtered_policy(RuleFilter(ptype=["g"], v2=[dom]))
        self._enforcers[tenant_id] = (acl_version, enforcer)
        return enforcer

    def forget(self, tenant_id: int) -> None:
        self._enforcers.pop(tenant_id, None)

    @staticmethod
    def allowed(enforcer: casbin.AsyncEnforcer, tenant_id: int, user_id: int, perm: str) -> bool:
        return enforcer.enforce(subject(user_id), domain(tenant_id), *_split(perm))

    @staticmethod
    async def roles_of(enforcer: casbin.AsyncEnforcer, tenant_id: int, user_id: int) -> list[str]:
        return await enforcer.get_roles_for_user_in_domain(subject(user_id), domain(tenant_id))

    # -- writes: rows of the adapter's table, in the caller's transaction, bumping acl_version --

    async def grant(self, tenant_id: int, grants: dict[str, Iterable[str]]) -> None:
        rules = [
            [role, domain(tenant_id), *_split(perm)]
            for role, perms in grants.items()
            for perm in perms
        ]
        async with in_transaction():
            if rules:
                # Remove first so that granting twice never duplicates a row.
                await self._adapter.remove_policies("p", "p", rules)
                await _insert("p", rules)
            await self._bump(tenant_id)

    async def set_roles(self, tenant_id: int, user_id: int, roles: Iterable[str]) -> None:
        async with in_transaction():
            await CasbinRule.filter(ptype="g", v0=subject(user_id), v2=domain(tenant_id)).delete()
            rules = [[subject(user_id), role, domain(tenant_id)] for role in roles]
            await _insert("g", rules)
            await self._bump(tenant_id)

    async def _bump(self, tenant_id: int) -> None:
        await Tenant.filter(id=tenant_id).update(acl_version=F("acl_version") + 1)
        self.forget(tenant_id)


async def _insert(ptype: str, rules: list[list[str]]) -> None:
    # The adapter's add_policies breaks on Tortoise 1.x (bulk_create returns None), so rows
    # are written here, in the adapter's own table and format.
    if rules:
        await CasbinRule.bulk_create(
            [CasbinRule(ptype=ptype, **{f"v{i}": v for i, v in enumerate(rule)}) for rule in rules]
        )
