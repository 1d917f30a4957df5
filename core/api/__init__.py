"""Core's own GraphQL fields: accounts, tenants and plugins, nodes and search."""

from core.api.accounts import AccountMutations, AccountQueries
from core.api.nodes import NodeQueries
from core.api.platform import PlatformMutations, PlatformQueries
from core.api.types import ApiKey, Tenant, User

CORE_QUERIES = [AccountQueries, PlatformQueries, NodeQueries]
CORE_MUTATIONS = [AccountMutations, PlatformMutations]
CORE_TYPES = [User, Tenant, ApiKey]
