"""What ``OPTIONS`` answers on the API."""

from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request


class PlainMetadata(SimpleMetadata):
    """Name, description, media types — no ``actions``. DRF builds ``actions`` from a
    serializer, and record bodies are pydantic models (the OpenAPI schema at
    ``/api/v1/schema/`` describes them), so describing them here failed with a 500."""

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}
