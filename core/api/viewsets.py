"""One viewset shape for every interchange resource (vendors, buyers, briefs).

The body of every read and write *is* the interchange record of docs/data-format.md,
so the API, the import files and the export files agree by construction. Concrete
viewsets set the record model and the service/selector hooks; permissions and the
queryset say who may do what.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import QueryDict, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from pydantic import BaseModel, create_model
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.api.body import BoundedJSONParser, ImportUploadParser, JsonLinesParser, parse_body
from core.api.permissions import IsOfficer, is_officer
from core.errors import Conflict
from core.interchange import JsonLinesImporter
from core.schema import KeyedRecord
from core.upsert import check_version, fresh_external_id, lock_rows


class RecordViewSet(GenericViewSet[Any]):
    # Records are JSON (the interchange format); form encodings cannot carry them.
    parser_classes = [BoundedJSONParser]
    lookup_field = "external_id"
    lookup_value_regex = r"[^/]+"
    record_model: type[KeyedRecord]
    model: type[Model]
    # Keys ``to_record`` adds that are facts about the record, not part of it (a
    # firm's verified facts): dropped from incoming bodies, so a GET sent back as a PUT
    # neither fails nor stores them among the unknown keys.
    output_only: frozenset[str] = frozenset()
    # The prefix of the random ids the server gives records that members create.
    member_id_prefix: str

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model._default_manager.none()
        return self.visible(self.request.user)

    # Hooks ---------------------------------------------------------------------
    def visible(self, user: Any) -> QuerySet[Any]:
        """The rows ``user`` may see; others are 404, never 403, so ids do not leak."""
        raise NotImplementedError

    def to_record(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def save_record(self, record: Any, *, creating: bool) -> Model:
        raise NotImplementedError

    def delete_object(self, obj: Any) -> None:
        raise NotImplementedError

    def prepare(self, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        """Adjust an incoming body before validation (e.g. pin a brief's buyer)."""
        return data

    def stored_record(self, obj: Any) -> dict[str, Any]:
        """The whole stored record (writes merge into it), whoever asks."""
        return self.to_record(obj)

    def member_id(self, data: dict[str, Any]) -> dict[str, Any]:
        """Members' new records get a random id from the server (``fresh_external_id``):
        a chosen id could squat one an officer will import (and then control the
        imported, verified record), and one that came back "taken" would confirm that
        another organisation's private record exists. Officers, who see every record,
        choose ids (imports keep theirs), or leave them to the server too."""
        given = data.get("external_id")
        # Blank text means "not given", as everywhere in a record; any other value
        # (``{}``, a number) is given, and validated as an id.
        if given is None or (isinstance(given, str) and not given.strip()):
            return {**data, "external_id": fresh_external_id(self.member_id_prefix)}
        if is_officer(self.request.user):
            return data
        raise ValidationError(
            {"external_id": ["assigned by the server for records you create; leave it out"]}
        )

    def officer_fields_kept(self, data: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
        """For anyone but an officer, the record's ``officer_fields`` keep their stored
        values; a body that would change one is refused, naming it."""
        if is_officer(self.request.user):
            return data
        fields = self.record_model.officer_fields
        changed = [name for name in fields if name in data and data[name] != stored.get(name)]
        if changed:
            raise ValidationError({name: ["only trade officers may set this"] for name in changed})
        kept = {name: stored[name] for name in fields if name in stored}
        return {key: value for key, value in data.items() if key not in fields} | kept

    # Actions -------------------------------------------------------------------
    def represent(self, obj: Any) -> dict[str, Any]:
        """The record as the API shows it: with its ``version``, which a write may send
        back (or as ``If-Match``) to be refused with a 409 if the record moved on."""
        return {**self.to_record(obj), "version": obj.version}

    def answer(self, obj: Any, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(
            self.represent(obj), status=status_code, headers={"ETag": f'"{obj.version}"'}
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([self.represent(obj) for obj in page or []])

    def retrieve(self, request: Request, external_id: str) -> Response:
        return self.answer(self.get_object())

    def _incoming(self, request: Request) -> dict[str, Any]:
        return {k: v for k, v in _body(request).items() if k not in self.output_only}

    def create(self, request: Request) -> Response:
        data = self._incoming(request)
        data.pop("version", None)  # a new record starts at 1 whatever is sent
        data = self.member_id(self.officer_fields_kept(data, {}))
        record = parse_body(self.record_model, self.prepare(data, creating=True))
        # INSERT only: a taken id (even one taken a moment ago by a concurrent request)
        # is a 409 (core.upsert.AlreadyExists), never a merge into that row.
        obj = self.save_record(record, creating=True)
        return self.answer(obj, status.HTTP_201_CREATED)

    def update(self, request: Request, external_id: str, partial: bool = False) -> Response:
        data = self._incoming(request)
        seen = version_seen(request, data)
        # Read, merge and write in one transaction holding the row's lock, so that
        # overlapping PATCHes of different fields both land (SQLite: the IMMEDIATE
        # transaction is the lock).
        with transaction.atomic():
            lock_rows(self.model, [external_id])
            obj = self.get_object()  # who may write it is settled before its version
            if not partial and "external_id" not in data:
                raise ValidationError({"external_id": ["required: a PUT sends the whole record"]})
            try:
                check_version(self.model, external_id, seen)
            except Conflict as stale:
                raise Conflict(stale.message, current=self.represent(obj)) from None
            if data.get("external_id", obj.external_id) != obj.external_id:
                raise ValidationError({"external_id": ["cannot be changed"]})
            stored = self.stored_record(obj)
            data = self.officer_fields_kept(data, stored)
            data = (stored | data) if partial else {**data, "external_id": obj.external_id}
            record = parse_body(self.record_model, self.prepare(data, creating=False))
            obj = self.save_record(record, creating=False)
        return self.answer(obj)

    def partial_update(self, request: Request, external_id: str) -> Response:
        return self.update(request, external_id, partial=True)

    def destroy(self, request: Request, external_id: str) -> Response:
        self.delete_object(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def version_seen(request: Request, data: dict[str, Any]) -> int | None:
    """The version a write was based on: ``version`` in the body (taken out of it) or the
    ``If-Match`` header (``"3"``, ``W/"3"``; ``*`` is any); ``None`` when neither is sent."""
    given = data.pop("version", None)
    field = "version"
    if given is None:
        header = request.headers.get("If-Match", "").strip()
        if header in ("", "*"):
            return None
        given, field = header.removeprefix("W/").strip('"'), "If-Match"
        given = int(given) if given.isascii() and given.isdigit() and len(given) < 10 else 0
    if type(given) is not int or not 1 <= given < 2**31:
        raise ValidationError({field: ["the record's version: a whole number from 1 (see ETag)"]})
    return given


def _body(request: Request) -> dict[str, Any]:
    # DRF answers a request without a body with empty data rather than an error.
    no_body = not int(request.META.get("CONTENT_LENGTH") or 0)
    if no_body or not isinstance(request.data, dict) or isinstance(request.data, QueryDict):
        raise ValidationError({"non_field_errors": ["send the record as a JSON object"]})
    return dict(request.data)


class InterchangeActions:
    """``POST …/import`` and ``GET …/export`` in JSON Lines, for officers only."""

    def importer(self) -> JsonLinesImporter[Any]:
        raise NotImplementedError

    def export_records(self) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    @extend_schema(
        request={
            "application/x-ndjson": {"type": "string"},
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
        },
        responses={200: OpenApiResponse(description="Import report: counts and per-line errors")},
        description=(
            "Officers only. Import JSON Lines (the body or a `file` upload); "
            "bad lines are reported, good ones stored."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        permission_classes=[IsOfficer],
        parser_classes=[JsonLinesParser, ImportUploadParser],
    )
    def import_lines(self, request: Request) -> Response:
        upload = request.data.get("file") if hasattr(request.data, "get") else request.data
        if upload is None:
            raise ValidationError({"file": ["send JSON Lines as the body or as a 'file' upload"]})
        report = self.importer().run(upload)
        return Response(report.as_dict())

    @extend_schema(
        responses={200: OpenApiResponse(description="JSON Lines, one record a line")},
        description="Officers only. Every record in the interchange format, streamed.",
    )
    @action(detail=False, methods=["get"], url_path="export", permission_classes=[IsOfficer])
    def export_lines(self, request: Request) -> StreamingHttpResponse:
        return StreamingHttpResponse(
            _json_lines(self.export_records()), content_type="application/x-ndjson"
        )


def _json_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


VERSIONED = (
    " Every record is shown with its `version` (and an `ETag`); a write that sends the "
    "version it was based on (`version` in the body, or `If-Match`) is refused with 409 "
    "and the current record if it moved on. Without one, a PATCH merges into the current "
    "record inside the row's lock, so simultaneous edits of different fields all land."
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag of the version the write is based on, e.g. "3"',
)


CREATED_IDS = " Members leave `external_id` out (the server assigns one); officers may choose it."


def _without_required_id(record_model: type[BaseModel]) -> type[BaseModel]:
    """The record for a create: the same fields, ``external_id`` optional."""
    field = record_model.model_fields["external_id"]
    return create_model(
        f"{record_model.__name__}Create",
        __base__=record_model,
        external_id=(field.annotation | None, None),  # type: ignore[operator,arg-type]
    )


def record_schema(record_model: type[BaseModel], *, tag: str, read: str, write: str) -> Any:
    """OpenAPI for a RecordViewSet: bodies are the pydantic record model."""
    page = {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": "string", "nullable": True},
            "previous": {"type": "string", "nullable": True},
            "results": {
                "type": "array",
                "items": {"$ref": f"#/components/schemas/{record_model.__name__}"},
            },
        },
    }
    schemas = {
        "list": extend_schema(tags=[tag], description=read, responses={200: page}),
        "retrieve": extend_schema(tags=[tag], description=read, responses={200: record_model}),
        "create": extend_schema(
            tags=[tag],
            description=write + CREATED_IDS,
            request=_without_required_id(record_model),
            responses={201: record_model},
        ),
        "update": extend_schema(
            tags=[tag],
            description=write + VERSIONED,
            request=record_model,
            parameters=[IF_MATCH],
            responses={200: record_model},
        ),
        "partial_update": extend_schema(
            tags=[tag],
            description=write + VERSIONED,
            request=record_model,
            parameters=[IF_MATCH],
            responses={200: record_model},
        ),
        "destroy": extend_schema(
            tags=[tag], description=write, request=None, responses={204: None}
        ),
        "import_lines": extend_schema(tags=[tag]),
        "export_lines": extend_schema(tags=[tag], request=None),
    }

    def decorate(view: type[RecordViewSet]) -> type[RecordViewSet]:
        return extend_schema_view(
            **{name: s for name, s in schemas.items() if hasattr(view, name)}
        )(view)

    return decorate
