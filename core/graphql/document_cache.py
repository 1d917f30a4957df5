"""Parsing and validating a query once per schema, not once per request.

Clients send the same few documents over and over; parsing and validating one costs about as
much as executing a 50-row page. Validation depends only on the schema and the document, and
a TenantSchema is one per plugin set, so each schema keeps the documents it has seen with
their validation errors (none, for the usual case), bounded by least recent use.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MAX_DOCUMENTS = 256


class Documents:
    """One schema's parsed documents and their validation errors, by query text."""

    def __init__(self, size: int = MAX_DOCUMENTS) -> None:
        self.size = size
        self._parsed: OrderedDict[str, Any] = OrderedDict()
        self._errors: dict[int, list[Any]] = {}

    def parsed(self, query: str, **options: Any) -> Any:
        document = self._parsed.get(query)
        if document is None:
            document = parse(query, **options)
            self._parsed[query] = document
            if len(self._parsed) > self.size:
                _, dropped = self._parsed.popitem(last=False)
                self._errors.pop(id(dropped), None)
        else:
            self._parsed.move_to_end(query)
        return document

    def errors(self, schema: Any, document: Any, rules: tuple[Any, ...]) -> list[Any]:
        # Keyed by the document object, which lives as long as its entry in _parsed.
        key = id(document)
        if key not in self._errors:
            self._errors[key] = list(validate_document(schema, document, rules))
        return self._errors[key]


class DocumentCache(SchemaExtension):
    def __init__(self, documents: Documents) -> None:
        super().__init__()
        self.documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            context.graphql_document = self.documents.parsed(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            context.pre_execution_errors = self.documents.errors(
                context.schema._schema, context.graphql_document, tuple(context.validation_rules)
            )
        yield
