"""DocumentError, and how a failure inside a template becomes a message a tenant admin can act on.

Tenant admins edit templates, so every failure names the template and the line at fault:
"template 'quotes.quote' line 12: unexpected '}'".
"""

from __future__ import annotations

import traceback
from collections.abc import Collection

from jinja2 import TemplateNotFound, TemplateSyntaxError


class DocumentError(Exception):
    """A document could not be made: a template failed to compile or render (syntax error,
    undefined variable, sandbox violation, limit reached), or its PDF could not be laid out.

    `str(error)` is written for a tenant admin: which template, which line, what went wrong.
    """


def from_template_failure(
    exc: BaseException, name: str, templates: Collection[str]
) -> DocumentError:
    """The DocumentError for `exc`, raised while compiling or rendering template `name`.

    `templates` are the names the environment could load: a frame of the traceback whose
    file is one of them is a line of that template (Jinja rewrites tracebacks that way).
    """
    if isinstance(exc, TemplateSyntaxError):
        where = exc.name or name
        return DocumentError(f"template '{where}' line {exc.lineno}: {exc.message}")
    if isinstance(exc, TemplateNotFound):
        message = f"there is no template named '{exc.name}' to extend or include"
    else:
        # Jinja's own messages are already plain ("'quote' is undefined", "access to
        # attribute '__class__' of 'str' object is unsafe."), and so are Python's.
        message = str(exc) or type(exc).__name__
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in templates]
    if frames:
        return DocumentError(
            f"template '{frames[-1].filename}' line {frames[-1].lineno}: {message}"
        )
    return DocumentError(f"template '{name}': {message}")
