"""PDF documents (core.documents): real WeasyPrint, real database, the HTTP API.

What a tenant gets: Chinese and English that read back from the PDF in the bundled fonts, its
logo, its own template versions and no other tenant's. What a template cannot do: fetch from
the network or the file system, inject markup through data, escape the sandbox, or run
unbounded. What a broken template gives: a message naming the template and the line, and,
when an admin tries to save it, a userError with nothing written.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from core.documents import DocumentError, render_document, render_html, render_pdf, sandbox
from core.documents.assets import ASSETS_DIR, read_asset
from core.documents.catalog import DocumentCatalog
from core.manifest import DocumentTemplate
from core.plugins import PluginLoadError
from core.runtime import Runtime
from core.tenancy import tenant_scope
from tests.plugins.insights import SUMMARY
from tests.support import Api, World, error_codes, make_world, pdf_text
from tests.test_plugin_loading import load, plugin

NAME = SUMMARY.name  # "insights.summary", contributed by the test plugin
TENANT = {"name": "北京科技有限公司 Beijing Tech Co., Ltd.", "logo": None}

TEMPLATES = "{ documentTemplates { name isOverridden source defaultSource updatedById } }"
SET = """mutation($i: SetDocumentTemplateInput!) { setDocumentTemplate(input: $i) {
  documentTemplate { name isOverridden source } userErrors { field message code } } }"""
RESET = """mutation($i: ResetDocumentTemplateInput!) { resetDocumentTemplate(input: $i) {
  documentTemplate { name isOverridden source } userErrors { field message code } } }"""
SET_LOGO = """mutation($i: SetDocumentLogoInput!) { setDocumentLogo(input: $i) {
  logo userErrors { field message code } } }"""


def page(body: str) -> str:
    """A template of the test plugin's document with `body` as its content."""
    return '{% extends "base.html" %}{% block content %}' + body + "{% endblock %}"


def pdf_of(body: str, context: dict[str, Any] | None = None) -> bytes:
    return render_pdf(render_html(NAME, page(body), {"tenant": TENANT, **(context or {})}))


def images_in(pdf: bytes) -> int:
    count = 0
    for p in PdfReader(io.BytesIO(pdf)).pages:
        objects = p["/Resources"].get("/XObject", {})
        count += sum(1 for ref in objects.values() if ref.get_object()["/Subtype"] == "/Image")
    return count


def fonts_in(pdf: bytes) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for p in PdfReader(io.BytesIO(pdf)).pages
        for font in p["/Resources"]["/Font"].values()
    }


def png_data_uri(width: int = 120, height: int = 40) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#0b5fff").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# -- text and fonts --------------------------------------------------------------------------


def test_chinese_and_english_read_back_from_the_pdf_in_the_bundled_fonts() -> None:
    pdf = pdf_of(
        "<h2>报价单 北京科技有限公司 Quote</h2>"
        # 堃, 喆 and 玥 are outside GB2312: they come from the extended face, in bold too.
        "<p>客户 王堃、李喆、张玥 <b>合计 Total 堃</b> ¥12,345.60 №7 ℃</p>"
    )
    text = pdf_text(pdf)
    assert "报价单 北京科技有限公司 Quote" in text
    assert "客户 王堃、李喆、张玥 合计 Total 堃 ¥12,345.60 №7 ℃" in text
    assert TENANT["name"] in text  # the letterhead of base.html
    # Every glyph came from the bundled fonts: none fell back to a system font.
    # Bold rare characters are the extended face, which Pango describes as its bold.
    fonts = fonts_in(pdf)
    assert {"Tessera-Sans", "Tessera-Sans-Bold", "Tessera-Sans-Extended"} <= fonts
    assert fonts <= {
        "Tessera-Sans",
        "Tessera-Sans-Bold",
        "Tessera-Sans-Extended",
        "Tessera-Sans-Extended-Bold",
    }


def test_the_bundled_fonts_cover_every_common_ideograph() -> None:
    """No box for any character of the basic CJK block (all of GBK, traditional forms
    included) nor for the punctuation and symbols documents use."""
    covered: set[int] = set()
    for name in ("TesseraSans-Regular", "TesseraSansExtended-Regular"):
        content, _ = read_asset(f"tessera-asset:fonts/{name}.woff2")
        covered |= set(TTFont(io.BytesIO(content)).getBestCmap())
    ideographs = set(range(0x4E00, 0x9FA6))  # U+4E00 to U+9FA5, the basic block of GBK
    text = "，。、；：？！“”‘’（）《》【】—…·¥€№℃％＠ ABCabc0123456789.,;:!?()[]{}<>@#%&*+-=/"
    assert ideographs | {ord(c) for c in text} <= covered
    # Bold covers the everyday ideographs (GB2312) and the same punctuation.
    content, _ = read_asset("tessera-asset:fonts/TesseraSans-Bold.woff2")
    bold = set(TTFont(io.BytesIO(content)).getBestCmap())
    assert {ord(c) for c in text + "报价单北京科技有限公司合计金额"} <= bold


def test_filters_format_money_and_dates() -> None:
    html = render_html(
        NAME,
        "{{ a|money }} {{ a|money('JPY') }} {{ d|date }} {{ d|date('%Y年%m月%d日') }}",
        {"a": Decimal("12345.605"), "d": dt.date(2026, 12, 31)},
    )
    assert html == "12,345.61 12,346 2026-12-31 2026年12月31日"


# -- nothing is fetched ----------------------------------------------------------------------


@dataclass
class Listener:
    """A web server on this machine that counts what reaches it."""

    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener(url="")
    png = base64.b64decode(png_data_uri().split(",", 1)[1])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found.url = f"http://127.0.0.1:{server.server_port}"
    yield found
    server.shutdown()
    server.server_close()


# Audit hooks cannot be removed, so this one records only inside `watching_io`.
_watched: list[tuple[str, Any]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watched is not None and event in ("open", "urllib.Request", "socket.connect"):
        _watched.append((event, args[0] if event != "socket.connect" else args[1]))


sys.addaudithook(_audit)


@contextmanager
def watching_io() -> Iterator[list[tuple[str, Any]]]:
    """Every file Python opens, URL urllib requests and socket connected, on any thread."""
    global _watched
    _watched = []
    try:
        yield _watched
    finally:
        _watched = None


def hostile_template(listener: Listener) -> str:
    """Every way we know for a document to ask for a file or a URL."""
    web = listener.url
    svg = svg_data_uri(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="10" height="10"><image xlink:href="{web}/from-svg.png" width="10" height="10"/>'
        '<image href="file:///etc/hostname" width="10" height="10"/></svg>'
    )
    return page(
        f"""<link rel="stylesheet" href="{web}/style.css">
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="attachment" href="file:///etc/hostname">
<a rel="attachment" href="{web}/attachment.txt">attached</a>
<style>
  @import url({web}/import.css);
  @font-face {{ font-family: Spy; src: url({web}/font.woff2), local("DejaVu Sans"); }}
  body {{ background: url({web}/background.png); }}
  h2 {{ background: url(/etc/hostname); font-family: Spy; }}
  p {{ background: url(file:///etc/hostname); }}
</style>
<h2>Nothing fetched 无外部资源</h2>
<p>text</p>
<img src="{web}/image.png">
<img src="https://example.invalid/x.png">
<img src="ftp://127.0.0.1/x.png">
<img src="../../../etc/passwd">
<img src="file:///etc/hostname">
<img src="tessera-asset:../../../../../etc/hostname">
<img src="tessera-asset:/etc/hostname">
<img src="tessera-asset:fonts/../../errors.py">
<object data="{web}/object.png"></object>
<embed src="{web}/embed.png">
<img src="{svg}">"""
    )


def assert_nothing_fetched(pdf: bytes, events: list[tuple[str, Any]], listener: Listener) -> None:
    assert listener.requests == []
    assert [e for e in events if e[0] == "urllib.Request"] == []
    port = int(listener.url.rsplit(":", 1)[1])
    assert [e for e in events if e[0] == "socket.connect" and port in e[1]] == []
    opened = [str(e[1]) for e in events if e[0] == "open" and isinstance(e[1], str | Path)]
    assert [p for p in opened if p.startswith("/etc")] == []
    text = pdf_text(pdf)
    assert "Nothing fetched 无外部资源" in text
    hostname = Path("/etc/hostname")
    secrets = ["root:x:0:0", hostname.read_text().strip() if hostname.exists() else ""]
    assert [s for s in secrets if s and s in text] == []
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    # No bitmap got in (the SVG, a data: URI, is drawn as vector paths without its images).
    assert images_in(pdf) == 0


def test_a_template_fetches_nothing_from_the_network_or_the_file_system(
    listener: Listener,
) -> None:
    html = render_html(NAME, hostile_template(listener), {"tenant": TENANT})
    render_pdf(html)  # once first, so that lazy imports do not show as opened files
    with watching_io() as events:
        pdf = render_pdf(html)
    assert_nothing_fetched(pdf, events, listener)


def test_a_base_element_gives_relative_urls_nowhere_to_go(listener: Listener) -> None:
    for base in ("file:///etc/", f"{listener.url}/"):
        html = render_html(
            NAME,
            f'<html><head><base href="{base}"><link rel="stylesheet" href="passwd"></head>'
            '<body><h2>Nothing fetched 无外部资源</h2><img src="hostname"></body></html>',
            {},
        )
        with watching_io() as events:
            pdf = render_pdf(html)
        assert_nothing_fetched(pdf, events, listener)


async def test_a_tenants_hostile_override_saves_and_renders_without_fetching(
    runtime: Runtime, api: Api, world: World, listener: Listener
) -> None:
    source = hostile_template(listener)
    saved = await api.data(SET, {"i": {"name": NAME, "source": source}}, world.token("admin"))
    # A refused resource is skipped, never an error: the override saves.
    assert saved["setDocumentTemplate"]["userErrors"] == []
    with tenant_scope(world.tenant.id), watching_io() as events:
        pdf = await render_document(runtime, NAME, SUMMARY.sample)
    assert_nothing_fetched(pdf, events, listener)


def test_bundled_assets_are_served_and_nothing_beside_them() -> None:
    assert read_asset("tessera-asset:document.css")[1] == "text/css"
    assert read_asset("TESSERA-ASSET:fonts/TesseraSans-Regular.woff2")[1] == "font/ttf"
    for url in (
        "tessera-asset:../html.py",
        "tessera-asset:fonts/../../sandbox.py",
        "tessera-asset:/etc/passwd",
        "tessera-asset:" + str(ASSETS_DIR.parent / "errors.py"),
        "tessera-asset:fonts/OFL.txt",  # inside, but no kind of file documents use
        "tessera-asset:fonts/missing.woff2",
        "tessera-asset:",
        "file://" + str(ASSETS_DIR / "document.css"),
        "http://127.0.0.1/document.css",
    ):
        assert read_asset(url) is None, url


# -- data is text ----------------------------------------------------------------------------


def test_markup_in_data_prints_as_text() -> None:
    context = {"tenant": TENANT, "name": '<script>alert("x")</script><b>bold</b>'}
    html = render_html(NAME, page("<p>{{ name }}</p>"), context)
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert '<script>alert("x")</script><b>bold</b>' in pdf_text(render_pdf(html))


# -- broken templates ------------------------------------------------------------------------

# source, what the message says (with the template and line at fault)
BROKEN = {
    "syntax error": (
        page("\n<p>{{ period }</p>\n"),
        "template 'insights.summary' line 2: unexpected '}'",
    ),
    "unclosed tag": (
        page("{% if rows %}"),
        "template 'insights.summary' line 1: Encountered unknown tag 'endblock'",
    ),
    "undefined variable": (
        page("\n\n<p>{{ perod }}</p>"),
        "template 'insights.summary' line 3: 'perod' is undefined",
    ),
    "misspelt attribute": (
        page("{% for row in rows %}\n{{ row.evnt }}{% endfor %}"),
        "template 'insights.summary' line 2: 'dict object' has no attribute 'evnt'",
    ),
    "sandbox escape": (
        page("{{ ''.__class__.__mro__ }}"),
        "template 'insights.summary' line 1: access to attribute '__class__' of 'str' object "
        "is unsafe.",
    ),
    "changing the data": (
        page("{% set _ = rows.append(1) %}"),
        "access to attribute 'append' of 'list' object is unsafe.",
    ),
    "file as template": (
        '{% extends "/etc/passwd" %}',
        "there is no template named '/etc/passwd' to extend or include",
    ),
    "huge string": (
        page("{{ 'x' * 100000000 }}"),
        "'*' would build more than 100,000 characters or items",
    ),
    "huge number": (page("{{ 10 ** 100000 }}"), "more than 1,000 digits"),
    "failing expression": (page("\n{{ 1 / 0 }}"), "line 2: division by zero"),
    "too much HTML": (
        page("{% for i in range(100000) %}0123456789 {% endfor %}"),
        "template 'insights.summary': the template wrote more than 1,000,000 characters of HTML",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_template_is_a_clear_document_error(case: str) -> None:
    source, message = BROKEN[case]
    with pytest.raises(DocumentError) as caught:
        render_html(NAME, source, {"tenant": TENANT, **SUMMARY.sample})
    assert message in str(caught.value)


def test_a_template_running_too_long_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.3)
    # 10^10 iterations without a single call: only the line tracer sees them.
    source = page(
        "{% set n = range(100000)|list %}{% for a in n %}{% for b in n %}{% endfor %}{% endfor %}"
    )
    with pytest.raises(DocumentError, match="line 1: the template ran for more than 0.3 seconds"):
        render_html(NAME, source, {"tenant": TENANT})


async def test_saving_a_broken_template_is_a_user_error_and_writes_nothing(
    api: Api, world: World
) -> None:
    token = world.token("admin")
    for case, (source, message) in BROKEN.items():
        body = await api.data(SET, {"i": {"name": NAME, "source": source}}, token)
        payload = body["setDocumentTemplate"]
        assert payload["documentTemplate"] is None, case
        [error] = payload["userErrors"]
        assert error["field"] == ["source"] and error["code"] == "INVALID_TEMPLATE", case
        assert message in error["message"], case
    listed = await api.data(TEMPLATES, token=token)
    [summary] = [t for t in listed["documentTemplates"] if t["name"] == NAME]
    assert summary["isOverridden"] is False and summary["source"] == SUMMARY.source


async def test_templates_are_named_and_sized_before_anything_renders(
    api: Api, world: World
) -> None:
    token = world.token("admin")
    cases = [
        ({"name": "insights.nothing", "source": "x"}, ["name"], "NOT_FOUND"),
        ({"name": "base.html", "source": "x"}, ["name"], "NOT_FOUND"),
        ({"name": NAME, "source": "  "}, ["source"], "REQUIRED"),
        ({"name": NAME, "source": "x" * 200_001}, ["source"], "TOO_LONG"),
    ]
    for given, path, code in cases:
        body = await api.data(SET, {"i": given}, token)
        assert [(e["field"], e["code"]) for e in body["setDocumentTemplate"]["userErrors"]] == [
            (path, code)
        ]


# -- overrides -------------------------------------------------------------------------------

OVERRIDE = page(
    "<h2>Our own summary 我们的摘要</h2>{% for row in rows %}{{ row.event }}{% endfor %}"
)


async def test_an_override_is_used_until_it_is_reset(
    runtime: Runtime, api: Api, world: World
) -> None:
    token = world.token("admin")
    context = {"period": "2026-12", "rows": [{"event": "quote.accepted", "count": 2}]}
    saved = await api.data(SET, {"i": {"name": NAME, "source": OVERRIDE}}, token)
    assert saved["setDocumentTemplate"] == {
        "documentTemplate": {"name": NAME, "isOverridden": True, "source": OVERRIDE},
        "userErrors": [],
    }
    [listed] = [
        t
        for t in (await api.data(TEMPLATES, token=token))["documentTemplates"]
        if t["name"] == NAME
    ]
    assert listed["defaultSource"] == SUMMARY.source
    assert listed["updatedById"] is not None
    with tenant_scope(world.tenant.id):
        text = pdf_text(await render_document(runtime, NAME, context))
    assert "Our own summary 我们的摘要" in text and "quote.accepted" in text

    reset = await api.data(RESET, {"i": {"name": NAME}}, token)
    assert reset["resetDocumentTemplate"]["documentTemplate"] == {
        "name": NAME,
        "isOverridden": False,
        "source": SUMMARY.source,
    }
    with tenant_scope(world.tenant.id):
        text = pdf_text(await render_document(runtime, NAME, context))
    assert "Our own summary" not in text and "洞察摘要 Insights summary" in text


async def test_one_tenants_override_is_never_another_tenants(
    runtime: Runtime, api: Api, world: World
) -> None:
    other = await make_world(runtime, api)
    await api.data(SET, {"i": {"name": NAME, "source": OVERRIDE}}, world.token("admin"))
    listed = await api.data(TEMPLATES, token=other.token("admin"))
    [summary] = [t for t in listed["documentTemplates"] if t["name"] == NAME]
    assert summary["isOverridden"] is False and summary["source"] == SUMMARY.source
    with tenant_scope(other.tenant.id):
        text = pdf_text(await render_document(runtime, NAME, SUMMARY.sample))
    assert "Our own summary" not in text and other.tenant.name in text
    # Resetting in the other tenant leaves the first tenant's override alone.
    await api.data(RESET, {"i": {"name": NAME}}, other.token("admin"))
    with tenant_scope(world.tenant.id):
        assert "Our own summary" in pdf_text(await render_document(runtime, NAME, SUMMARY.sample))


async def test_only_enabled_plugins_templates_are_listed_settable_and_rendered(
    runtime: Runtime, api: Api, world: World
) -> None:
    token = world.token("admin")
    await api.data(
        'mutation { disablePlugin(input: {name: "insights"}) { userErrors { code } } }', token=token
    )
    listed = await api.data(TEMPLATES, token=token)
    assert NAME not in [t["name"] for t in listed["documentTemplates"]]
    body = await api.data(SET, {"i": {"name": NAME, "source": OVERRIDE}}, token)
    assert [e["code"] for e in body["setDocumentTemplate"]["userErrors"]] == ["NOT_FOUND"]
    with (
        tenant_scope(world.tenant.id),
        pytest.raises(DocumentError, match="'insights' is not enabled"),
    ):
        await render_document(runtime, NAME, SUMMARY.sample)


async def test_only_tenant_admins_manage_documents(api: Api, world: World) -> None:
    for who in ("manager", "sales", "viewer", "nobody"):
        assert error_codes(await api.gql(TEMPLATES, token=world.token(who))) == ["FORBIDDEN"]
        body = await api.gql(SET, {"i": {"name": NAME, "source": OVERRIDE}}, world.token(who))
        assert error_codes(body) == ["FORBIDDEN"]


async def test_render_document_does_not_block_the_event_loop(
    runtime: Runtime, world: World
) -> None:
    ticks = 0
    with tenant_scope(world.tenant.id):
        rendering = asyncio.ensure_future(render_document(runtime, NAME, SUMMARY.sample))
        while not rendering.done():
            ticks += 1
            await asyncio.sleep(0.001)
        assert (await rendering).startswith(b"%PDF")
    assert ticks > 1


# -- the logo --------------------------------------------------------------------------------


async def test_the_logo_is_printed_on_the_letterhead_until_removed(
    runtime: Runtime, api: Api, world: World
) -> None:
    token = world.token("admin")
    logo = png_data_uri()
    assert (await api.data(SET_LOGO, {"i": {"dataUri": logo}}, token))["setDocumentLogo"] == {
        "logo": logo,
        "userErrors": [],
    }
    assert (await api.data("{ documentLogo }", token=token)) == {"documentLogo": logo}
    with tenant_scope(world.tenant.id):
        assert images_in(await render_document(runtime, NAME, SUMMARY.sample)) == 1

    cleared = await api.data(SET_LOGO, {"i": {"dataUri": None}}, token)
    assert cleared["setDocumentLogo"] == {"logo": None, "userErrors": []}
    with tenant_scope(world.tenant.id):
        assert images_in(await render_document(runtime, NAME, SUMMARY.sample)) == 0


async def test_an_svg_logo_renders(runtime: Runtime, api: Api, world: World) -> None:
    logo = svg_data_uri(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        '<rect width="120" height="40" fill="#0b5fff"/></svg>'
    )
    body = await api.data(SET_LOGO, {"i": {"dataUri": logo}}, world.token("admin"))
    assert body["setDocumentLogo"]["userErrors"] == []
    with tenant_scope(world.tenant.id):
        pdf = await render_document(runtime, NAME, SUMMARY.sample)
    # WeasyPrint draws an SVG as vector paths in the page: the logo's blue fills a rectangle.
    drawing = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert b"0.043137 0.372549 1 rg" in drawing


def _png_of(size: tuple[int, int], kind: str = "PNG") -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, kind)
    return base64.b64encode(buffer.getvalue()).decode()


BAD_LOGOS = {
    "not a data URI": "https://example.com/logo.png",
    "a GIF": "data:image/gif;base64," + base64.b64encode(b"GIF89a").decode(),
    "damaged base64": "data:image/png;base64,@@@",
    "not a PNG": "data:image/png;base64," + base64.b64encode(b"hello").decode(),
    "JPEG called PNG": "data:image/png;base64," + _png_of((10, 10), "JPEG"),
    "too many pixels": "data:image/png;base64," + _png_of((5000, 10)),
    "too large": "data:image/png;base64," + base64.b64encode(b"\0" * 400_000).decode(),
    "SVG with a web image": svg_data_uri(
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x.png"/></svg>'
    ),
    "SVG with a file in CSS": svg_data_uri(
        '<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(/etc/x) }</style></svg>'
    ),
    "SVG with entities": svg_data_uri(
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ),
    "SVG with a script": svg_data_uri(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    ),
    "HTML called SVG": svg_data_uri("<html><body>hello</body></html>"),
}


async def test_a_bad_logo_is_a_user_error_and_writes_nothing(api: Api, world: World) -> None:
    token = world.token("admin")
    logo = png_data_uri()
    await api.data(SET_LOGO, {"i": {"dataUri": logo}}, token)
    for case, data_uri in BAD_LOGOS.items():
        body = await api.data(SET_LOGO, {"i": {"dataUri": data_uri}}, token)
        [error] = body["setDocumentLogo"]["userErrors"]
        assert (error["field"], error["code"]) == (["dataUri"], "INVALID_LOGO"), case
    assert (await api.data("{ documentLogo }", token=token)) == {"documentLogo": logo}


# -- startup checks --------------------------------------------------------------------------


def contributing(name: str, *templates: DocumentTemplate) -> types.ModuleType:
    """A plugin called `name` that contributes `templates`."""
    return plugin(name, register_document_templates=lambda: list(templates))


def test_a_plugins_templates_are_collected_at_startup() -> None:
    good = DocumentTemplate("acme.quote", "Quote", page("{{ n }}"), {"n": 1})
    catalog = DocumentCatalog(load(contributing("acme", good)))
    assert catalog.get("acme.quote") is good and catalog.owner["acme.quote"] == "acme"
    assert catalog.of_plugins(["acme"]) == [good] and catalog.of_plugins([]) == []


# plugins, what the startup error says
STARTUP_ERRORS: dict[str, tuple[Callable[[], list[types.ModuleType]], str]] = {
    "name taken by another plugin": (
        lambda: [
            contributing("acme", DocumentTemplate("acme.sales.quote", "Quote", "x")),
            contributing("acme.sales", DocumentTemplate("acme.sales.quote", "Quote", "x")),
        ],
        "plugin 'acme.sales' declares document template 'acme.sales.quote', already "
        "declared by 'acme'",
    ),
    "name outside the plugin": (
        lambda: [contributing("acme", DocumentTemplate("quotes.quote", "Quote", "x"))],
        "plugin 'acme': document template 'quotes.quote' must be named 'acme.<document>'",
    ),
    "default fails its sample": (
        lambda: [contributing("acme", DocumentTemplate("acme.quote", "Q", "{{ m }}", {"n": 1}))],
        "plugin 'acme': default document template fails: template 'acme.quote' line 1: "
        "'m' is undefined",
    ),
    "default does not compile": (
        lambda: [contributing("acme", DocumentTemplate("acme.quote", "Q", "{{ n }"))],
        "plugin 'acme': default document template fails: template 'acme.quote' line 1: "
        "unexpected '}'",
    ),
    "sample sets tenant": (
        lambda: [contributing("acme", DocumentTemplate("acme.quote", "Q", "x", {"tenant": {}}))],
        "plugin 'acme': the sample of 'acme.quote' sets 'tenant', which core sets",
    ),
}


@pytest.mark.parametrize("case", STARTUP_ERRORS)
def test_a_broken_contribution_stops_startup_naming_the_plugin(case: str) -> None:
    plugins, message = STARTUP_ERRORS[case]
    with pytest.raises(PluginLoadError) as caught:
        DocumentCatalog(load(*plugins()))
    assert message in str(caught.value)
