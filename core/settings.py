"""Runtime configuration, read once from environment variables (see README, "Configuration")."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://tessera.sqlite3"
    # A development secret is generated per process when none is configured, so tokens
    # never outlive a restart by accident; production sets TESSERA_SECRET_KEY.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token_ttl_seconds: int = 8 * 3600
    blocked_plugins: tuple[str, ...] = ()
    allowed_plugins: tuple[str, ...] = ()
    extra_plugins: tuple[str, ...] = ()
    trace_hooks: bool = False
    meilisearch_url: str | None = None
    meilisearch_key: str | None = None
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    scheduler_interval_seconds: int = 30

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("TESSERA_DATABASE_URL", cls.database_url),
            "token_ttl_seconds": _int("TESSERA_TOKEN_TTL", cls.token_ttl_seconds),
            "blocked_plugins": _csv(env.get("TESSERA_BLOCK_PLUGINS")),
            "allowed_plugins": _csv(env.get("TESSERA_PLUGINS")),
            "extra_plugins": _csv(env.get("TESSERA_EXTRA_PLUGINS")),
            "trace_hooks": env.get("TESSERA_TRACE_HOOKS", "") not in ("", "0", "false"),
            "meilisearch_url": env.get("TESSERA_MEILISEARCH_URL") or None,
            "meilisearch_key": env.get("TESSERA_MEILISEARCH_KEY") or None,
            "max_query_depth": _int("TESSERA_MAX_QUERY_DEPTH", cls.max_query_depth),
            "max_aliases": _int("TESSERA_MAX_ALIASES", cls.max_aliases),
            "max_tokens": _int("TESSERA_MAX_TOKENS", cls.max_tokens),
            "scheduler_interval_seconds": _int(
                "TESSERA_SCHEDULER_INTERVAL", cls.scheduler_interval_seconds
            ),
        }
        if env.get("TESSERA_SECRET_KEY"):
            values["secret_key"] = env["TESSERA_SECRET_KEY"]
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))
