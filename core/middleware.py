"""Request checks that hold for every view, pages and API alike."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import SimpleTemplateResponse


class RejectNulMiddleware:
    """A NUL character in the path, the query or a form field is refused with 400
    before any view runs: PostgreSQL cannot store or compare it (it answered 500), and
    no legitimate input contains one. Bodies in JSON are checked by the record schemas
    (``core.schema.unsafe_text``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = f"{field}: the NUL character is not allowed"
        if request.path.startswith("/api/"):
            return JsonResponse({field: ["the NUL character is not allowed"]}, status=400)
        response = SimpleTemplateResponse("400.html", {"message": message}, status=400)
        return response.render()

    @staticmethod
    def _field_with_nul(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "path"
        fields = [request.GET]
        if request.content_type == "application/x-www-form-urlencoded" or (
            # The API's uploads are parsed (and size-checked) by their own parsers.
            request.content_type == "multipart/form-data" and not request.path.startswith("/api/")
        ):
            fields.append(request.POST)
        for data in fields:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "")
        return None
