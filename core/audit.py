"""Recording decisions in the audit log (``core.AuditEntry``).

Services call ``audit_record`` inside the transaction that makes the change, so the log
holds exactly the decisions that were committed. Nothing updates or deletes entries."""

from __future__ import annotations

from typing import Any

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
