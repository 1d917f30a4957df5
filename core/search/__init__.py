"""Full-text search for core: pick the backend the deployment is configured for.

Meilisearch when a server is configured, else the database's own full-text search
(PostgreSQL or SQLite FTS5), so a deployment searches without running anything extra.
"""

from __future__ import annotations

from core.search.base import SearchBackend, SearchResult
from core.settings import Settings

__all__ = ["SearchBackend", "SearchResult", "make_backend"]


def make_backend(settings: Settings) -> SearchBackend:
    """The search backend for `settings`; nothing is connected or created until used."""
    # Imported here so a deployment only loads the backend it uses.
    if settings.meilisearch_url:
        from core.search.meili import MeilisearchBackend

        return MeilisearchBackend(settings.meilisearch_url, settings.meilisearch_key)
    if settings.is_postgres:
        from core.search.postgres_fts import PostgresFtsBackend

        return PostgresFtsBackend()
    from core.search.sqlite_fts import SqliteFtsBackend

    return SqliteFtsBackend()
