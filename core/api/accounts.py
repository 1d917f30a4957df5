"""Sign-in, the current user, the tenant's users and API keys."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info
from tortoise.transactions import in_transaction

from core.api.types import ApiKey, User
from core.auth.passwords import hash_password, verify_password
from core.auth.tokens import api_key_hash, issue_session_token, new_api_key
from core.graphql.context import run_mutation
from core.graphql.payloads import UserError, UserInputError, fail, user_error
from core.graphql.permissions import PUBLIC, SIGNED_IN, requires
from core.graphql.relay import Connection, maybe_pk, paginate
from core.models import ApiKey as ApiKeyRow
from core.models import Membership
from core.models import User as UserRow
from core.tenancy import ALL_TENANTS, tenant_scope
from core.tenants import MAX_EMAIL, check_new_user


@strawberry.input
class LoginInput:
    email: str
    password: str
    tenant: str | None = None


@strawberry.type
class LoginPayload:
    token: str | None = None
    expires_at: dt.datetime | None = None
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateUserInput:
    email: str
    name: str
    password: str | None = None
    roles: list[str] = strawberry.field(default_factory=lambda: ["sales"])
    manager_id: strawberry.ID | None = None
    team: str | None = None


@strawberry.type
class CreateUserPayload:
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SetUserRolesInput:
    user_id: strawberry.ID
    roles: list[str]


@strawberry.input
class CreateApiKeyInput:
    name: str


@strawberry.type
class CreateApiKeyPayload:
    api_key: ApiKey | None = None
    secret: str | None = strawberry.field(
        default=None, description="The key itself; shown once, only its hash is stored."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RevokeApiKeyInput:
    id: strawberry.ID


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _membership_for_login(user: UserRow, slug: str | None) -> Membership | None:
    """The membership a login signs into; a UserInputError when it is ambiguous or missing."""
    memberships = await Membership.filter(user_id=user.id, is_active=True).select_related("tenant")
    if slug:
        for m in memberships:
            if m.tenant.slug == slug:
                return m
        raise fail("tenant", "You have no access to this tenant.", "INVALID_CREDENTIALS")
    if len(memberships) == 1:
        return memberships[0]
    if not memberships and user.is_platform_admin:
        return None
    if not memberships:
        raise fail("input", "This account belongs to no tenant.", "INVALID_CREDENTIALS")
    raise fail("tenant", "You belong to several tenants: say which one.", "TENANT_REQUIRED")


@strawberry.type
class AccountQueries:
    @strawberry.field(permission_classes=SIGNED_IN, description="The signed-in user.")
    async def me(self, info: Info) -> User:
        principal = info.context.principal
        return await User.build(info, principal.user, principal.membership)

    @strawberry.field(permission_classes=requires("user.read"))
    async def users(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User]:
        page = await paginate(
            Membership.filter(is_active=True).select_related("user"),
            [("user_id", False)],
            lambda m: m,
            first,
            after,
            last,
            before,
        )
        for edge in page.edges:
            edge.node = await User.build(info, edge.node.user, edge.node)
        return page  # type: ignore[return-value]

    @strawberry.field(permission_classes=requires("apikey.manage"))
    async def api_keys(self, info: Info) -> list[ApiKey]:
        return [ApiKey.of(k) for k in await ApiKeyRow.all().order_by("id")]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        permission_classes=PUBLIC, description="Sign in; pass tenant when you belong to several."
    )
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        async def body() -> LoginPayload:
            email = (input.email or "").lower()
            user = (
                await UserRow.get_or_none(email=email, is_active=True)
                if len(email) <= MAX_EMAIL
                else None
            )
            if user is None or not verify_password(user.password_hash, input.password):
                raise fail("input", "Email or password is wrong.", "INVALID_CREDENTIALS")
            with tenant_scope(ALL_TENANTS):
                membership = await _membership_for_login(user, input.tenant)
            settings = info.context.runtime.settings
            tenant_id = membership.tenant_id if membership else None
            token = issue_session_token(
                settings.secret_key, user.id, tenant_id, settings.token_ttl_seconds
            )
            expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.token_ttl_seconds)
            # Only this read runs in the chosen tenant: the rest of the document keeps the
            # caller's own scope.
            with tenant_scope(tenant_id):
                signed_in = await User.build(info, user, membership)
            return LoginPayload(token=token, expires_at=expires, user=signed_in)

        return await run_mutation(LoginPayload, body)

    @strawberry.mutation(permission_classes=requires("user.manage"))
    async def create_user(self, info: Info, input: CreateUserInput) -> CreateUserPayload:
        async def body() -> CreateUserPayload:
            ctx = info.context
            tenant_id = ctx.principal.tenant_id
            email = (input.email or "").strip().lower()
            errors = check_new_user(email, input.name, input.password, input.roles)
            if input.team and len(input.team) > 100:
                errors.append(user_error("team", "Use at most 100 characters.", "TOO_LONG"))
            manager_pk = None
            if input.manager_id:
                manager_pk = maybe_pk(input.manager_id, "User")
                if manager_pk is None or not await Membership.exists(user_id=manager_pk):
                    errors.append(
                        user_error("managerId", "No such user in this tenant.", "NOT_FOUND")
                    )
            existing = (
                await UserRow.get_or_none(email=email)
                if email and len(email) <= MAX_EMAIL
                else None
            )
            if existing is not None and await Membership.exists(user_id=existing.id):
                errors.append(user_error("email", "This user is already in the tenant.", "TAKEN"))
            elif existing is None and not input.password:
                errors.append(user_error("password", "A new user needs a password.", "REQUIRED"))
            elif existing is not None and input.password:
                errors.append(
                    user_error(
                        "password", "This user exists; they keep their password.", "NOT_ALLOWED"
                    )
                )
            if errors:
                raise UserInputError(errors)
            async with in_transaction():
                user = existing or await UserRow.create(
                    email=email,
                    name=input.name.strip(),
                    password_hash=hash_password(input.password),
                )
                membership = await Membership.create(
                    user=user, team=input.team or None, manager_id=manager_pk
                )
                await ctx.runtime.rbac.set_roles(tenant_id, user.id, input.roles)
            await ctx.refresh_enforcer()
            return CreateUserPayload(user=await User.build(info, user, membership))

        return await run_mutation(CreateUserPayload, body)

    @strawberry.mutation(permission_classes=requires("user.manage"))
    async def set_user_roles(self, info: Info, input: SetUserRolesInput) -> CreateUserPayload:
        async def body() -> CreateUserPayload:
            ctx = info.context
            pk = maybe_pk(input.user_id, "User")
            membership = (
                await Membership.get_or_none(user_id=pk).select_related("user") if pk else None
            )
            if membership is None:
                raise fail("userId", "No such user in this tenant.", "NOT_FOUND")
            errors = check_new_user(membership.user.email, membership.user.name, None, input.roles)
            if errors:
                raise UserInputError(errors)
            await ctx.runtime.rbac.set_roles(ctx.principal.tenant_id, pk, input.roles)
            await ctx.refresh_enforcer()
            return CreateUserPayload(user=await User.build(info, membership.user, membership))

        return await run_mutation(CreateUserPayload, body)

    @strawberry.mutation(permission_classes=requires("apikey.manage"))
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        async def body() -> CreateApiKeyPayload:
            if not (input.name or "").strip():
                raise fail("name", "Name the key after the integration using it.", "REQUIRED")
            if len(input.name.strip()) > 100:
                raise fail("name", "Use at most 100 characters.", "TOO_LONG")
            secret = new_api_key()
            row = await ApiKeyRow.create(
                user_id=info.context.principal.user_id,
                name=input.name.strip(),
                key_hash=api_key_hash(secret),
                prefix=secret[:12],
            )
            return CreateApiKeyPayload(api_key=ApiKey.of(row), secret=secret)

        return await run_mutation(CreateApiKeyPayload, body)

    @strawberry.mutation(permission_classes=requires("apikey.manage"))
    async def revoke_api_key(self, info: Info, input: RevokeApiKeyInput) -> ApiKeyPayload:
        async def body() -> ApiKeyPayload:
            pk = maybe_pk(input.id, "ApiKey")
            row = await ApiKeyRow.get_or_none(id=pk) if pk else None
            if row is None:
                raise fail("id", "No such API key.", "NOT_FOUND")
            if row.revoked_at is None:
                row.revoked_at = dt.datetime.now(dt.UTC)
                await row.save(update_fields=["revoked_at"])
            return ApiKeyPayload(api_key=ApiKey.of(row))

        return await run_mutation(ApiKeyPayload, body)
