"""Core's own GraphQL fields: accounts, tenants and plugins, nodes and search, documents."""

from core.api.accounts import AccountMutations, AccountQueries
from core.api.documents import DocumentMutations, DocumentQueries
from core.api.nodes import NodeQueries
from core.api.platform import PlatformMutations, PlatformQueries
from core.api.types import ApiKey, Tenant, User

CORE_QUERIES = [AccountQueries, PlatformQueries, NodeQueries, DocumentQueries]
CORE_MUTATIONS = [AccountMutations, PlatformMutations, DocumentMutations]
CORE_TYPES = [User, Tenant, ApiKey]
