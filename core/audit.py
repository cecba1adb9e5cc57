"""Recording decisions in the audit log (``core.AuditEntry``).

Services call ``audit_record`` inside the transaction that makes the change, so the log
holds exactly the decisions that were committed. Nothing updates or deletes entries."""

from __future__ import annotations

from typing import Any

from django_filters import rest_framework as filters

from core.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    brief: str = "",
) -> AuditEntry:
    """``subject`` is a model instance; ``before``/``after`` its relevant state as JSON."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject_type=subject._meta.model_name,
        subject_id=str(subject.pk),
        brief=brief,
        before=before,
        after=after,
    )


class AuditFilter(filters.FilterSet):
    """The API's and the console page's filters (one definition for both)."""

    brief = filters.CharFilter(label="Brief (id)")
    action = filters.CharFilter(
        lookup_expr="startswith", label="Action", help_text="e.g. match or match.reject"
    )
    actor = filters.CharFilter(field_name="actor__username", label="Who (username)")
    subject_type = filters.CharFilter(label="Subject type")
    subject_id = filters.CharFilter(label="Subject id")
    since = filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label="On or after", help_text="YYYY-MM-DD"
    )
    until = filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label="On or before", help_text="YYYY-MM-DD"
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []


def audit_changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """What the entry changed: ``(field, before, after)`` for each field that differs
    (empty and missing count as the same: a new object's blank fields are not changes)."""
    before, after = entry.before or {}, entry.after or {}

    def value(state: dict[str, Any], name: str) -> Any:
        found = state.get(name)
        return None if found == "" else found

    return [
        (name, value(before, name), value(after, name))
        for name in sorted(before.keys() | after.keys())
        if value(before, name) != value(after, name)
    ]
