"""Authentication (passwords, session tokens, API keys) and authorisation (Casbin RBAC)."""
