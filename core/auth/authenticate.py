"""Turn an Authorization header into a Principal (user, tenant, roles, policy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.auth.principal import Principal
from core.auth.tokens import API_KEY_PREFIX, InvalidToken, api_key_hash, read_session_token
from core.models import ApiKey, Membership, User
from core.tenancy import ALL_TENANTS, enter_tenant_scope, tenant_scope

if TYPE_CHECKING:
    from core.runtime import Runtime


async def authenticate(runtime: Runtime, authorization: str | None) -> Principal:
    """Anonymous without a header; InvalidToken for a bad, expired or revoked credential.

    On success the current task is scoped to the principal's tenant.
    """
    if not authorization:
        return Principal()
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credential:
        raise InvalidToken("use the Bearer scheme")
    credential = credential.strip()
    via_key = credential.startswith(API_KEY_PREFIX)
    if via_key:
        with tenant_scope(ALL_TENANTS):
            key = await ApiKey.get_or_none(key_hash=api_key_hash(credential), revoked_at=None)
        if key is None:
            raise InvalidToken("unknown or revoked API key")
        user_id, tenant_id = key.user_id, key.tenant_id
    else:
        claims = read_session_token(runtime.settings.secret_key, credential)
        user_id, tenant_id = claims.user_id, claims.tenant_id

    if tenant_id is None:
        user = await User.get_or_none(id=user_id, is_active=True)
        if user is None or not user.is_platform_admin:
            raise InvalidToken("unknown user")
        return Principal(user=user)

    enter_tenant_scope(tenant_id)
    membership = await Membership.get_or_none(
        user_id=user_id, is_active=True, user__is_active=True
    ).select_related("user", "tenant")
    if membership is None:
        raise InvalidToken("no active membership in this tenant")
    tenant = membership.tenant
    enforcer = await runtime.rbac.enforcer(tenant.id, tenant.acl_version)
    roles = await runtime.rbac.roles_of(enforcer, tenant.id, user_id)
    return Principal(
        user=membership.user,
        tenant=tenant,
        membership=membership,
        roles=roles,
        enforcer=enforcer,
        via_api_key=via_key,
    )
