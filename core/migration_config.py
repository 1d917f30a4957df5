"""Tortoise CLI entry for writing migrations of installed plugins:

tortoise --config core.migration_config.TORTOISE_ORM makemigrations <plugin>
"""

from core.db import tortoise_config
from core.plugins import PluginHost
from core.settings import Settings

_settings = Settings.from_env()
TORTOISE_ORM = tortoise_config(_settings.database_url, PluginHost(_settings).load())
