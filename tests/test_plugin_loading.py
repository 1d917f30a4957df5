"""Startup refuses a broken plugin set with a message naming the plugin; integrators can
replace a built-in plugin."""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import strawberry

from core.graphql.permissions import requires
from core.graphql.schema_registry import SchemaRegistry, owned_by
from core.hookspecs import hookimpl
from core.manifest import PluginManifest
from core.plugins import PluginHost, PluginLoadError
from core.settings import Settings


def plugin(
    name: str,
    version: str = "1.0.0",
    requires_: dict[str, str] | None = None,
    core: str = ">=1.0,<2",
    integrates: dict[str, str] | None = None,
    **hooks: Callable[..., Any],
) -> types.ModuleType:
    module = types.ModuleType(f"testplugin_{name}_{uuid.uuid4().hex[:6]}")
    module.MANIFEST = PluginManifest(
        name=name,
        version=version,
        title=name.title(),
        description="test",
        requires=requires_ or {},
        integrates=integrates or {},
        core=core,
    )
    for hook, fn in hooks.items():
        setattr(module, hook, hookimpl(fn))
    return module


def load(*modules: types.ModuleType, **settings: Any) -> PluginHost:
    return PluginHost(Settings(**settings)).load(modules=list(modules))


def test_missing_dependency_names_the_plugin() -> None:
    with pytest.raises(PluginLoadError, match="plugin 'quotes' requires plugin 'products'"):
        load(plugin("quotes", requires_={"products": ""}))


def test_dependency_version_out_of_range() -> None:
    with pytest.raises(
        PluginLoadError, match="'quotes' requires 'products' >=2.*installed is 1.0.0"
    ):
        load(plugin("products"), plugin("quotes", requires_={"products": ">=2"}))


def test_dependency_cycle_is_refused() -> None:
    with pytest.raises(PluginLoadError, match="dependency cycle: (a -> b -> a|b -> a -> b)"):
        load(plugin("a", requires_={"b": ""}), plugin("b", requires_={"a": ""}))


def test_incompatible_core_version() -> None:
    with pytest.raises(PluginLoadError, match="plugin 'legacy' 1.0.0 needs core <1.0"):
        load(plugin("legacy", core="<1.0"))


def test_hookimpl_matching_no_spec() -> None:
    with pytest.raises(PluginLoadError, match="plugin 'typo'.*register_querys"):
        load(plugin("typo", register_querys=lambda: []))


def test_dependencies_load_first() -> None:
    host = load(plugin("c", requires_={"b": ""}), plugin("b", requires_={"a": ""}), plugin("a"))
    assert host.order == ["a", "b", "c"]
    assert host.closure(["c"]) == ["a", "b", "c"]


def _queries(field_name: str) -> type:
    def resolver() -> int:
        return 1

    return strawberry.type(
        type(
            f"Q{uuid.uuid4().hex[:6]}",
            (),
            {
                field_name: strawberry.field(
                    resolver=resolver, permission_classes=requires("x.read")
                ),
            },
        )
    )


def test_duplicate_query_field_names_both_plugins() -> None:
    host = load(
        plugin("one", register_queries=lambda: [_queries("widgets")]),
        plugin("two", register_queries=lambda: [_queries("widgets")]),
    )
    with pytest.raises(
        PluginLoadError, match="plugin 'two' adds Query.widgets, already added by 'one'"
    ):
        SchemaRegistry(host, host.settings)


def _one() -> int:
    return 1


def test_root_field_without_permission_is_refused() -> None:
    open_field = strawberry.type(type("Open", (), {"leak": strawberry.field(resolver=_one)}))
    host = load(plugin("leaky", register_queries=lambda: [open_field]))
    with pytest.raises(PluginLoadError, match="'leaky': Query.leak declares no permission"):
        SchemaRegistry(host, host.settings)


def test_duplicate_graphql_type_names_the_plugins() -> None:
    first = strawberry.type(type("Widget", (), {"__annotations__": {"a": int}}))
    second = strawberry.type(type("Widget", (), {"__annotations__": {"b": str}}))
    # Strawberry records the defining module; make each class belong to its plugin.
    one, two = plugin("one"), plugin("two")
    first.__module__, second.__module__ = one.__name__, two.__name__
    one.register_graphql_types = hookimpl(lambda: [first])
    two.register_graphql_types = hookimpl(lambda: [second])
    host = load(one, two)
    with pytest.raises(
        PluginLoadError,
        match="plugin '(one|two)' defines a GraphQL type already defined by '(one|two)'",
    ):
        SchemaRegistry(host, host.settings).full()


def test_extension_of_a_type_needs_the_dependency_declared() -> None:
    from core.manifest import TypeExtension

    extra = strawberry.type(type("Extra", (), {"x": strawberry.field(resolver=_one)}))
    import plugins.customers

    sneaky = plugin("sneaky", register_type_extensions=lambda: [TypeExtension("Customer", extra)])
    host = load(plugins.customers, sneaky)
    with pytest.raises(
        PluginLoadError, match="'sneaky' extends 'Customer' of plugin 'customers' without"
    ):
        SchemaRegistry(host, host.settings)


def test_integrator_replaces_a_builtin_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    # Plugins building on customers' types would need the variant to provide them too.
    monkeypatch.setenv("TESSERA_PLUGINS", "customers")
    monkeypatch.setenv("TESSERA_BLOCK_PLUGINS", "customers")
    monkeypatch.setenv("TESSERA_EXTRA_PLUGINS", "tests.plugins.customers_variant")
    settings = Settings.from_env()
    host = PluginHost(settings).load()
    assert host.plugins["customers"].manifest.title == "Customers (partner edition)"
    sdl = SchemaRegistry(host, settings).full().as_str()
    assert "partnerAccounts: [PartnerAccount!]!" in sdl
    assert "mergeCustomers" not in sdl and "createCustomer" not in sdl


def test_blocking_a_required_plugin_stops_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSERA_BLOCK_PLUGINS", "customers")
    monkeypatch.setenv("TESSERA_EXTRA_PLUGINS", "tests.plugins.insights")
    with pytest.raises(PluginLoadError, match=r"plugin '\w+' requires plugin 'customers'"):
        PluginHost(Settings.from_env()).load()


def test_hooks_receive_only_the_arguments_they_ask_for() -> None:
    calls: list[str] = []
    host = load(
        plugin("quiet", startup=lambda: calls.append("no args")),
        plugin("chatty", startup=lambda runtime: calls.append(f"got {runtime}")),
    )
    list(host.collect("startup", runtime="rt"))
    assert sorted(calls) == ["got rt", "no args"]


def test_trace_reports_every_hook_call(caplog: pytest.LogCaptureFixture) -> None:
    host = load(plugin("traced", register_queries=lambda: []), trace_hooks=True)
    with caplog.at_level("INFO", logger="tessera.hooks"):
        list(host.collect("register_queries"))
    assert "hook register_queries -> traced" in caplog.text


def test_optional_integration_loads_without_its_partner_but_checks_its_version() -> None:
    assert "partner" not in load(plugin("leadsish", integrates={"partner": ">=2"})).plugins
    with pytest.raises(
        PluginLoadError, match="'leadsish' integrates with 'partner' >=2, installed is 1.0.0"
    ):
        load(plugin("partner"), plugin("leadsish", integrates={"partner": ">=2"}))


@strawberry.input
class ConvertThing:
    name: str
    with_extra: bool = strawberry.field(default=False, metadata=owned_by("beta"))


def convert(input: ConvertThing) -> bool:
    return input.with_extra


def test_fields_owned_by_an_optional_plugin_show_only_with_it() -> None:
    alpha = plugin("alpha", integrates={"beta": ""})
    mutations = strawberry.type(
        type(
            "AlphaMutations",
            (),
            {
                "convert_thing": strawberry.field(
                    resolver=convert, permission_classes=requires("x.write")
                ),
            },
        )
    )
    ConvertThing.__module__ = mutations.__module__ = alpha.__name__
    alpha.register_mutations = hookimpl(lambda: [mutations])
    host = load(alpha, plugin("beta"))
    registry = SchemaRegistry(host, host.settings)
    assert "withExtra" not in registry.for_plugins(frozenset({"alpha"})).as_str()
    assert "withExtra" in registry.for_plugins(frozenset({"alpha", "beta"})).as_str()


def test_a_plugin_can_define_hooks_for_others() -> None:
    specs = types.SimpleNamespace()
    from core.hookspecs import hookspec

    def score_lead(lead: str) -> int:
        """Points for a lead."""

    specs.score_lead = hookspec(score_lead)
    owner = plugin("scorer")
    owner.HOOKSPECS = specs
    host = load(owner, plugin("referrals", score_lead=lambda lead: len(lead)))
    assert list(host.collect("score_lead", lead="abc")) == [("referrals", 3)]
    # Implementing the hook of a plugin that is not installed needs optionalhook=True.
    lone = plugin("lonely")
    lone.score_lead = hookimpl(optionalhook=True)(lambda lead: 1)
    assert "lonely" in load(lone).plugins
