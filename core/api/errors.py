"""One error shape for the whole API: ``{"field.path": ["reason", …]}`` with a 4xx."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from pydantic import ValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, Refused
from core.schema import field_errors
from core.upsert import AlreadyExists


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": f"Request body too large: {exc}"}, status=413)
    if isinstance(exc, AlreadyExists):
        message = f"'{exc.external_id}' is taken; choose another id"
        return Response({"external_id": [message]}, status=409)
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message, "current": exc.current}, status=409)
    if isinstance(exc, Refused):
        exc = exceptions.ValidationError({exc.field: [exc.message]})
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    return drf_exception_handler(exc, context)
