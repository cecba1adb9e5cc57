"""Validating request bodies with the interchange schemas."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from pydantic import BaseModel
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser

from core.money import RateTable
from core.schema import validate_record

M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M], data: Any) -> M:
    """Validate a JSON body; a bad one becomes a 400 naming each field."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["expected a JSON object"]})
    return validate_record(model, data, rates=RateTable.load())


def check_length(parser_context: Any, limit: int) -> None:
    """Refuse a body whose declared length is over ``limit`` bytes before reading it.
    DRF reads bodies from the raw stream, past Django's own
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` check, so every parser states its limit here."""
    request = (parser_context or {}).get("request")
    length = request.META.get("CONTENT_LENGTH") if request is not None else None
    try:
        declared = int(length or 0)
    except ValueError:
        raise ParseError("Content-Length is not a number") from None
    if declared > limit:
        raise RequestDataTooBig(f"the body is {declared:,} bytes; the limit is {limit:,}")


class BoundedJSONParser(JSONParser):
    """JSON bodies up to ``DATA_UPLOAD_MAX_MEMORY_SIZE``; nesting too deep for the
    decoder is a 400, not a server error."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        check_length(parser_context, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None


class LimitedLines:
    """The lines of a stream, refusing to read past ``limit`` bytes (a body sent without
    a length, chunked, is counted as it is read)."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream, self.limit, self.read = stream, limit, 0

    def __iter__(self) -> Any:
        for line in iter(self.stream.readline, b""):
            self.read += len(line)
            if self.read > self.limit:
                raise RequestDataTooBig(f"the body is over the limit of {self.limit:,} bytes")
            yield line


class JsonLinesParser(BaseParser):
    """``application/x-ndjson`` bodies are handed on as a lazy iterator of lines, so an
    import streams instead of loading the upload into memory; at most
    ``RAABTA_IMPORT_MAX_BYTES``."""

    media_type = "application/x-ndjson"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.RAABTA_IMPORT_MAX_BYTES
        check_length(parser_context, limit)
        return iter(LimitedLines(stream, limit)) if stream is not None else iter(())


class ImportUploadParser(MultiPartParser):
    """A ``file`` upload of JSON Lines, at most ``RAABTA_IMPORT_MAX_BYTES``."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        check_length(parser_context, settings.RAABTA_IMPORT_MAX_BYTES)
        return super().parse(stream, media_type, parser_context)
