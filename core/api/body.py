"""Validating request bodies with the interchange schemas."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser

from core.money import RateTable
from core.schema import validate_record

M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M], data: Any) -> M:
    """Validate a JSON body; a bad one becomes a 400 naming each field."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["expected a JSON object"]})
    return validate_record(model, data, rates=RateTable.load())


class JsonLinesParser(BaseParser):
    """``application/x-ndjson`` bodies are handed on as a lazy iterator of lines, so an
    import streams instead of loading the upload into memory."""

    media_type = "application/x-ndjson"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return iter(stream.readline, b"") if stream is not None else iter(())
