"""What the OpenAPI schema says beyond what drf-spectacular infers (tested by
schemathesis against the live app: tests/security/test_openapi_fuzz.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

ERROR = {
    "type": "object",
    "description": (
        'One shape for every refusal: `{"field.path": ["reason", …]}` naming each field, '
        'or `{"detail": "…"}` (a 409 adds `"current"`, the object as it now is).'
    ),
    "additionalProperties": True,
}
# Statuses any operation may answer: bad input (a field, the path or query), not signed
# in, not allowed, not found (or not visible: rows are 404, never 403), rate limited.
EVERY_OPERATION = {
    "400": "Bad input; each field named",
    "401": "Not signed in (or the token expired or was revoked)",
    "403": "Signed in, but not allowed",
    "404": "No such object, or not visible to the caller",
    "414": "The address is longer than the server accepts (answered by the server)",
    "429": "Too many requests (rate limit or sign-in lockout); retry later",
}
# The WSGI server refuses an over-long address itself, with its own HTML page.
SERVER_PAGE = {"text/html": {"schema": {"type": "string"}}}
# And those that send a body: a conflict (taken id, lost race), a body too large.
WITH_BODY = {
    "409": "Conflict: the id is taken, or someone changed the object first",
    "413": "The body is larger than the limit",
}


class RaabtaAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        """Reads open to anyone (a permission with ``public_read``) say that signing
        in is optional, as drf-spectacular does for ``AllowAny``."""
        auths: list[dict[str, Any]] = super().get_auth()
        public = any(getattr(p, "public_read", False) for p in self.view.get_permissions())
        if public and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


def document_refusals(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: every operation documents the refusals it can answer, with
    the one error shape, and a nullable "any JSON" field is written as ``{}``."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR
    for name, component in components.items():
        if name.startswith("Patched"):  # a PATCH merges: no field is required
            component.pop("required", None)
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            statuses = EVERY_OPERATION | (WITH_BODY if "requestBody" in operation else {})
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                content = SERVER_PAGE if status == "414" else reference
                responses.setdefault(status, {"description": description, "content": content})
    return _any_json(result)


EMPTY_OBJECT = {"type": "object", "maxProperties": 0}


def _any_json(node: Any) -> Any:
    """drf-spectacular writes a nullable JSONField as ``oneOf: [{}, {"type": "null"}]``,
    which null matches twice (so no value is valid under ``oneOf``): it is ``{}``. And an
    optional nested record (``anyOf: [{"$ref": …}, {"type": "null"}]``) also takes
    ``{}``, which the interchange format reads as "not given"."""
    if isinstance(node, dict):
        if node.get("oneOf") == [{}, {"type": "null"}]:
            return {key: value for key, value in node.items() if key != "oneOf"}
        choices = node.get("anyOf")
        if (
            isinstance(choices, list)
            and {"type": "null"} in choices
            and any("$ref" in choice for choice in choices)
            and EMPTY_OBJECT not in choices
        ):
            node = {**node, "anyOf": [*choices, EMPTY_OBJECT]}
        return {key: _any_json(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_any_json(item) for item in node]
    return node
