"""The Jinja2 environment documents render in: sandboxed, autoescaping, strict and bounded.

Tenant admins write templates that run inside a server every tenant shares, so:
- ImmutableSandboxedEnvironment: no private attributes (`''.__class__`), no unsafe
  callables, no mutating the lists and dicts a plugin passes in;
- autoescape: data is text, a `<script>` in a customer's name prints as text;
- StrictUndefined: a misspelt variable (`{{ quote.totl }}`) fails when the override is saved
  (it is test-rendered with the plugin's sample) instead of leaving a blank on a customer's
  document; it also makes a refused attribute an error rather than an empty string.
  Templates test optional keys with `is defined` or `|default(...)`;
- limits: a template that loops too long, writes too much or builds huge values stops with
  an error, so it cannot hold the render thread that all tenants' documents queue for.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from core.documents.filters import DOCUMENT_FILTERS

MAX_SECONDS = 5.0
MAX_HTML_CHARS = 1_000_000  # about 20,000 table rows, which WeasyPrint lays out in a minute
MAX_REPEAT = 100_000  # longest string or list a template may build with `*`
MAX_DIGITS = 1_000  # longest integer a template may compute with `*` or `**`


class LimitExceeded(Exception):
    """A template went past one of the limits above."""


class _Sources(BaseLoader):
    """Templates by name. The name is also the file name Jinja compiles under, so tracebacks,
    and from them error messages, point at the template and line at fault."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.sources:
            raise TemplateNotFound(template)
        return self.sources[template], template, lambda: True


class DocumentSandbox(ImmutableSandboxedEnvironment):
    """One render's environment; `sources` are the only templates it can load."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, sources: Mapping[str, str]) -> None:
        super().__init__(loader=_Sources(sources), autoescape=True, undefined=StrictUndefined)
        self.filters.update(DOCUMENT_FILTERS)
        self.sources = sources

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        # Python computes a huge repetition or power in one C call, which no time limit
        # interrupts: refuse those before they start.
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(times, int)
                    and len(sequence) * times > MAX_REPEAT
                ):
                    raise LimitExceeded(
                        f"'*' would build more than {MAX_REPEAT:,} characters or items"
                    )
        if _integers(left, right) and _digits(operator, left, right) > MAX_DIGITS:
            raise LimitExceeded(
                f"'{operator}' would make a number of more than {MAX_DIGITS:,} digits"
            )
        return super().call_binop(context, operator, left, right)

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render template `name`; Jinja and limit errors propagate to the caller."""
        template = self.get_template(name)
        parts: list[str] = []
        size = 0
        with _time_limit(MAX_SECONDS, self.sources.keys()):
            for part in template.generate(context):
                size += len(part)
                if size > MAX_HTML_CHARS:
                    raise LimitExceeded(
                        f"the template wrote more than {MAX_HTML_CHARS:,} characters of HTML"
                    )
                parts.append(part)
        return "".join(parts)


def _integers(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _digits(operator: str, left: int, right: int) -> float:
    """About how many decimal digits `left <operator> right` has."""
    left_digits = math.log10(max(abs(left), 2))
    if operator == "*":
        return left_digits + math.log10(max(abs(right), 2))
    return left_digits * abs(right)


@contextmanager
def _time_limit(seconds: float, template_files: Any) -> Iterator[None]:
    """Stop template code that runs past `seconds`.

    The sandbox has no hook on loop iterations, and two nested loops over a 100,000-item
    list never call out, so a clock checked in calls would not see them. A line tracer
    installed in template frames only (compiled templates carry their template name as
    file name) sees every iteration; an exception raised by a tracer propagates into the
    traced frame. It costs nothing outside template code and little inside.
    """
    deadline = time.monotonic() + seconds
    files = frozenset(template_files)

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise LimitExceeded(f"the template ran for more than {seconds:g} seconds")
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        return on_line if frame.f_code.co_filename in files else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
