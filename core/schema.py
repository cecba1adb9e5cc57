"""Pydantic building blocks shared by the interchange schemas of every app.

A record model validates one JSON Lines object (or one API body). Unknown keys are
kept (``extra="allow"``) and stored in the row's ``extra`` field. Validation needs a
``RateTable`` in its context to turn foreign-currency amounts into US dollars; call
``validate_record`` rather than ``model_validate`` directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from types import UnionType
from typing import Annotated, Any, ClassVar, TypeVar, Union, get_args, get_origin

import orjson
from django.utils import timezone
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from core.fields import ExternalId, Whole
from core.money import RateTable

ANY_KIND = frozenset({str, list, dict})


def _blank(value: Any, kinds: frozenset[type]) -> bool:
    """An empty value of a kind the field takes (or ``null``). Runs for every key of
    every imported record: exact type checks first, the field's kinds only for the
    rare empty value."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip() and str in kinds
    return (kind is list or kind is dict) and not value and kind in kinds


def _kinds(annotation: Any) -> frozenset[type]:
    """Which JSON kinds (text, list, object) a field's annotation takes."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _kinds(args[0])
    if origin in (Union, UnionType):
        return frozenset().union(*(_kinds(arg) for arg in args))
    if origin in (list, tuple, set, frozenset):
        return frozenset({list})
    if origin is dict or annotation is dict:
        return frozenset({dict})
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return frozenset({dict})
    if isinstance(annotation, type) and issubclass(annotation, str):
        return frozenset({str})
    return frozenset()


def _document_blanks(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The JSON Schema says what validation does: an optional field also takes the
    empty values that mean "not given"."""
    kinds, required = _field_kinds(model), set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        if name in required:
            continue
        empty: list[dict[str, Any]] = [{"type": "null"}]
        kind = kinds.get(name, ANY_KIND)
        if str in kind:
            empty.append({"type": "string", "pattern": "^\\s*$"})
        if list in kind:
            empty.append({"type": "array", "maxItems": 0})
        if dict in kind:
            empty.append({"type": "object", "maxProperties": 0})
        meta = {key: prop.pop(key) for key in ("title", "description", "default") if key in prop}
        schema["properties"][name] = {**meta, "anyOf": [prop, *empty]}


class Record(BaseModel):
    """Base of every interchange record: strips strings, keeps unknown keys.

    An empty value (``null``, or ``""``/``[]``/``{}`` where the field takes text, a list
    or an object) means the same as a missing key, so it is dropped before validation;
    that keeps the canonical form unique. An empty value of another kind (``{}`` for a
    name) is an error, as the OpenAPI schema says.
    """

    model_config = ConfigDict(
        extra="allow",
        str_strip_whitespace=True,
        frozen=True,
        json_schema_extra=_document_blanks,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_blank(cls, data: Any) -> Any:
        if isinstance(data, dict):
            kinds = _field_kinds(cls)
            kept = {}
            for key, value in data.items():
                if value is None:
                    continue
                maybe_empty = not value or (type(value) is str and not value.strip())
                if maybe_empty and _blank(value, kinds.get(key, ANY_KIND)):
                    continue
                kept[key] = value
            return kept
        return data

    def extra_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


@cache
def _field_kinds(model: type[BaseModel]) -> dict[str, frozenset[type]]:
    return {name: _kinds(field.annotation) for name, field in model.model_fields.items()}


class KeyedRecord(Record):
    """A record with its own identity: vendors, buyers and briefs."""

    # Fields only trade officers may set (on every path: API, forms, imports): for
    # anyone else they keep their stored value, and a request that changes one is a 400.
    officer_fields: ClassVar[frozenset[str]] = frozenset()

    external_id: ExternalId

    def unknown_labels(self) -> dict[str, list[str]]:
        """Labels the taxonomy does not know, by kind (kept as free tags)."""
        return {}


class RangeOrder(ValueError):
    """A range whose ``min`` is above its ``max``: both ends are at fault, so
    ``field_errors`` names both (a form shows the message at both inputs)."""

    def __init__(self, low: Any, high: Any) -> None:
        super().__init__(f"min ({low}) is greater than max ({high})")


class Band(BaseModel):
    """A ``{"min": a, "max": b}`` range of non-negative whole numbers, min ≤ max."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: Whole | None = Field(default=None, ge=0)
    max: Whole | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise RangeOrder(self.min, self.max)
        return self


M = TypeVar("M", bound=BaseModel)


def validate_record(model: type[M], data: Any, *, rates: RateTable, today: date | None = None) -> M:
    """Validate one record; raises ``pydantic.ValidationError``. Text anywhere in it,
    unknown keys included, is checked first (``unsafe_text``)."""
    problems = list(unsafe_text(data)) if _may_be_unsafe(model, data) else []
    problems += _unknown_keys_bounded(model, data)
    if problems:
        raise ValidationError.from_exception_data(
            model.__name__,
            [
                InitErrorDetails(
                    type=PydanticCustomError("unsafe_text", reason), loc=loc, input=None
                )
                for loc, reason in problems
            ],
        )
    context = {"rates": rates, "today": today or timezone.localdate()}
    return model.model_validate(data, context=context)


# C0 controls other than tab and line breaks (NUL included: PostgreSQL cannot store it),
# DEL, and the bidirectional overrides and isolates that make text display in another
# order than it is stored (a firm could pose as another in a list).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
MAX_DEPTH = 8
# The same characters as orjson writes them: C0 controls escaped (backspace and form
# feed as \b and \f, which an escaped backslash before "b" also matches: that only
# costs a walk), DEL and the bidi controls as UTF-8.
_UNSAFE_JSON = re.compile(
    rb"\\u00(?:0[0-8bcef]|1[0-9a-f])|\\[bf]|\x7f|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


def _may_be_unsafe(model: type[BaseModel], data: Any) -> bool:
    """A fast pre-check (imports validate thousands of records a second): one regex over
    the record as orjson writes it, and a look for nested values under unknown keys (the
    only place deep nesting can hide; known fields have fixed shapes). Only when it
    finds something does ``unsafe_text`` walk the record to name the fields."""
    if not isinstance(data, dict):
        return False
    try:
        if _UNSAFE_JSON.search(orjson.dumps(data)):
            return True
    except (TypeError, orjson.JSONEncodeError):  # not plain JSON: walk it
        return True
    known = model.model_fields
    return any(isinstance(v, dict | list) for k, v in data.items() if k not in known)


# Unknown keys are kept (the interchange format says so) but bounded: every page and
# list that shows a record to its owner or an officer carries them.
MAX_UNKNOWN_KEYS = 50
MAX_UNKNOWN_BYTES = 16_384


def _unknown_keys_bounded(
    model: type[BaseModel], data: Any
) -> list[tuple[tuple[int | str, ...], str]]:
    if not isinstance(data, dict):
        return []
    unknown = {k: v for k, v in data.items() if k not in model.model_fields}
    # Floats at the top are not walked by ``unsafe_text`` (nothing else calls for a walk).
    huge: list[tuple[tuple[int | str, ...], str]] = [
        ((key,), "a whole number beyond 64 bits, which cannot be stored")
        for key, value in unknown.items()
        if isinstance(value, float) and _beyond_64_bits(value)
    ]
    if huge:
        return huge
    if len(unknown) > MAX_UNKNOWN_KEYS:
        return [((), f"at most {MAX_UNKNOWN_KEYS} unknown keys (this record has {len(unknown)})")]
    try:
        size = len(orjson.dumps(unknown))
    except (TypeError, orjson.JSONEncodeError):
        return []  # unsafe_text names the value that cannot be stored
    if size > MAX_UNKNOWN_BYTES:
        return [((), f"unknown keys take at most {MAX_UNKNOWN_BYTES:,} bytes as JSON ({size:,})")]
    return []


def _beyond_64_bits(value: Any) -> bool:
    """A whole number (or a float holding one, as JSON readers give 1e26) that does not
    fit 64 bits: PostgreSQL's JSON gives it back as such an integer, which no later
    write could then carry."""
    if isinstance(value, float):
        return value == value and abs(value) >= 2**63  # NaN compares unequal to itself
    return isinstance(value, int) and not -(2**63) <= value < 2**64


def unsafe_text(
    value: Any, loc: tuple[int | str, ...] = ()
) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """``(location, reason)`` for each string (key or value) holding control or
    bidi-override characters, each whole number beyond 64 bits, and for nesting deeper
    than ``MAX_DEPTH``."""
    if len(loc) > MAX_DEPTH:
        yield loc, f"nested deeper than {MAX_DEPTH} levels"
    elif isinstance(value, str):
        if _UNSAFE.search(value):
            yield loc, "contains control or text-direction characters"
    elif _beyond_64_bits(value):
        yield loc, "a whole number beyond 64 bits, which cannot be stored"
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _UNSAFE.search(key):
                yield (*loc, repr(key)), "key contains control or text-direction characters"
            else:
                yield from unsafe_text(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unsafe_text(item, (*loc, index))


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """Flatten pydantic errors to ``{"services[0].share": ["…"]}``."""
    errors: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        path = field_path(item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if isinstance(item.get("ctx", {}).get("error"), RangeOrder):
            paths = [f"{path}.min", f"{path}.max"] if path else ["min", "max"]
        else:
            paths = [path or "non_field_errors"]
        for where in paths:
            errors.setdefault(where, []).append(message)
    return errors


def field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _is_union_tag(part):
            path += f".{part}" if path else str(part)
    return path


def _is_union_tag(part: str) -> bool:
    # pydantic names the union member it tried ("list[...]", "function-after[...]").
    return "[" in part or part in {"int", "str", "float", "dict", "list"}


def dump_canonical(record: BaseModel) -> dict[str, Any]:
    """A validated record as stored and exported: defaults and empty values left out
    (records drop blank input, so only all-default nested objects remain to skip)."""
    data = record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return {key: value for key, value in data.items() if value != {}}


def compact(value: Any) -> Any:
    """Drop ``None``, empty strings, lists and dicts, recursively; keeps 0 and False."""
    if isinstance(value, list):
        return [compact(item) if isinstance(item, dict | list) else item for item in value]
    if not isinstance(value, dict):
        return value
    kept = {}
    for key, item in value.items():
        if isinstance(item, dict | list):
            item = compact(item)
        if item is None or item == "" or item == [] or item == {}:
            continue
        kept[key] = item
    return kept
