"""The single plugin manager: loads plugins, validates them, and collects their contributions.

Built-in plugins register through the same `tessera.plugins` entry-point group as third-party
packages. An integrator blocks a plugin by name (TESSERA_BLOCK_PLUGINS) and registers a
replacement module (TESSERA_EXTRA_PLUGINS) that may reuse the blocked plugin's name.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from core import CORE_VERSION, hookspecs
from core.manifest import PluginManifest
from core.settings import Settings

ENTRY_POINT_GROUP = "tessera.plugins"
log = logging.getLogger("tessera.hooks")


class PluginLoadError(RuntimeError):
    """Startup refused: the message names the plugin at fault and what to do."""


@dataclass(frozen=True)
class LoadedPlugin:
    manifest: PluginManifest
    module: ModuleType

    @property
    def name(self) -> str:
        return self.manifest.name


def _manifest_of(module: ModuleType, registered_as: str) -> PluginManifest:
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginLoadError(
            f"plugin '{registered_as}' ({module.__name__}) has no MANIFEST = PluginManifest(...)"
        )
    return manifest


def _specifier(plugin: str, text: str, what: str) -> SpecifierSet:
    try:
        return SpecifierSet(text)
    except InvalidSpecifier as exc:
        raise PluginLoadError(f"plugin '{plugin}' declares an invalid {what} '{text}'") from exc


class PluginHost:
    """Owns the pluggy manager; built once per process."""

    def __init__(self, settings: Settings, core_version: str = CORE_VERSION) -> None:
        self.settings = settings
        self.core_version = core_version
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        self.order: list[str] = []
        if settings.trace_hooks and not log.handlers:
            log.addHandler(logging.StreamHandler())
            log.setLevel(logging.INFO)

    # -- loading -------------------------------------------------------------------------------

    def load(self, modules: Iterable[ModuleType] | None = None) -> PluginHost:
        """Load entry-point plugins (or exactly `modules`, for tests) and validate the set."""
        for name in self.settings.blocked_plugins:
            self.pm.set_blocked(name)
        if modules is None:
            self._load_entry_points()
        else:
            for module in modules:
                self._register(module, _manifest_of(module, module.__name__).name)
        for name in self.settings.blocked_plugins:
            self.pm.unblock(name)
        for dotted in self.settings.extra_plugins:
            module = importlib.import_module(dotted)
            self._register(module, _manifest_of(module, dotted).name)
        self._validate()
        return self

    def _load_entry_points(self) -> None:
        from importlib.metadata import entry_points

        allowed = set(self.settings.allowed_plugins)
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if allowed and ep.name not in allowed:
                continue
            if self.pm.is_blocked(ep.name):
                continue
            module = ep.load()
            manifest = _manifest_of(module, ep.name)
            if manifest.name != ep.name:
                raise PluginLoadError(
                    f"plugin '{ep.name}': entry point name differs from its manifest name "
                    f"'{manifest.name}'"
                )
            self._register(module, ep.name)

    def _register(self, module: ModuleType, name: str) -> None:
        if self.pm.is_blocked(name):
            return
        manifest = _manifest_of(module, name)
        if name in self.plugins:
            raise PluginLoadError(
                f"plugin '{name}' is registered twice ({self.plugins[name].module.__name__} and "
                f"{module.__name__}); block one with TESSERA_BLOCK_PLUGINS"
            )
        specs = getattr(module, "HOOKSPECS", None)
        if specs is not None:
            # A plugin may define hooks of its own for others to implement.
            self.pm.add_hookspecs(specs)
        try:
            self.pm.register(module, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginLoadError(f"plugin '{name}': {exc}") from exc
        self.plugins[name] = LoadedPlugin(manifest, module)

    def _validate(self) -> None:
        core = Version(self.core_version)
        for plugin in self.plugins.values():
            if core not in _specifier(plugin.name, plugin.manifest.core, "core range"):
                raise PluginLoadError(
                    f"plugin '{plugin.name}' {plugin.manifest.version} needs core "
                    f"{plugin.manifest.core}, this is core {self.core_version}"
                )
            for dep, rng in plugin.manifest.requires.items():
                if dep not in self.plugins:
                    raise PluginLoadError(
                        f"plugin '{plugin.name}' requires plugin '{dep}', which is not installed "
                        "or is blocked"
                    )
                self._check_version(plugin.name, "requires", dep, rng)
            for dep, rng in plugin.manifest.integrates.items():
                if dep in self.plugins:
                    self._check_version(plugin.name, "integrates with", dep, rng)
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.pm.get_name(exc.plugin) if exc.plugin else "?"
            raise PluginLoadError(f"plugin '{name}': {exc}") from exc
        self.order = self._dependency_order()

    def _check_version(self, plugin: str, relation: str, dep: str, rng: str) -> None:
        have = Version(self.plugins[dep].manifest.version)
        if rng and have not in _specifier(plugin, rng, f"range for '{dep}'"):
            raise PluginLoadError(
                f"plugin '{plugin}' {relation} '{dep}' {rng}, installed is {have}"
            )

    def _dependency_order(self) -> list[str]:
        """Plugins sorted so that each comes after what it requires; a cycle is an error."""
        order: list[str] = []
        state: dict[str, str] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == "done":
                return
            if state.get(name) == "visiting":
                cycle = " -> ".join([*path[path.index(name) :], name])
                raise PluginLoadError(f"plugin '{name}' is in a dependency cycle: {cycle}")
            state[name] = "visiting"
            for dep in sorted(self.after(name)):
                visit(dep, [*path, name])
            state[name] = "done"
            order.append(name)

        for name in sorted(self.plugins):
            visit(name, [])
        return order

    # -- dependencies between enabled plugins -------------------------------------------------

    def after(self, name: str) -> set[str]:
        """Installed plugins that must load before `name`: required and integrated ones."""
        manifest = self.plugins[name].manifest
        return {p for p in (*manifest.requires, *manifest.integrates) if p in self.plugins}

    def requirements_of(self, name: str) -> set[str]:
        return set(self.plugins[name].manifest.requires)

    def dependents_of(self, name: str) -> set[str]:
        return {p for p, lp in self.plugins.items() if name in lp.manifest.requires}

    def closure(self, names: Iterable[str]) -> list[str]:
        """`names` plus everything they require, in dependency order."""
        wanted: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in wanted or name not in self.plugins:
                continue
            wanted.add(name)
            stack.extend(self.requirements_of(name))
        return [n for n in self.order if n in wanted]

    # -- collecting contributions ---------------------------------------------------------------

    def collect(
        self, hook: str, only: Iterable[str] | None = None, **kwargs: Any
    ) -> Iterator[tuple[str, Any]]:
        """Call `hook` on each plugin separately (in dependency order) and yield (plugin, result).

        Results that are None are skipped; `only` restricts the call to those plugins.
        """
        wanted = set(only) if only is not None else None
        impls = {self.pm.get_name(i.plugin): i for i in getattr(self.pm.hook, hook).get_hookimpls()}
        for name in self.order:
            if name not in impls or (wanted is not None and name not in wanted):
                continue
            impl = impls[name]
            if self.settings.trace_hooks:
                log.info("hook %s -> %s", hook, name)
            # Like pluggy, pass only the arguments the implementation asks for.
            result = impl.function(*(kwargs[arg] for arg in impl.argnames))
            if result is not None:
                yield name, result

    def collect_list(
        self, hook: str, only: Iterable[str] | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Like `collect` for hooks returning lists: one (plugin, item) per item."""
        return [
            (name, item) for name, items in self.collect(hook, only, **kwargs) for item in items
        ]

    async def gather(
        self, hook: str, only: Iterable[str] | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Like `collect`, awaiting implementations that are coroutines."""
        results = []
        for name, result in self.collect(hook, only, **kwargs):
            if inspect.isawaitable(result):
                result = await result
            if result is not None:
                results.append((name, result))
        return results

    async def first_result(
        self, hook: str, only: Iterable[str] | None = None, **kwargs: Any
    ) -> Any | None:
        """The first non-None answer in dependency order (a query hook: "who knows X?")."""
        for _, result in self.collect(hook, only, **kwargs):
            if inspect.isawaitable(result):
                result = await result
            if result is not None:
                return result
        return None

    async def call_async(self, hook: str, only: Iterable[str] | None = None, **kwargs: Any) -> None:
        """Call a notification hook; implementations may be plain functions or coroutines."""
        for _, result in self.collect(hook, only, **kwargs):
            if inspect.isawaitable(result):
                await result
