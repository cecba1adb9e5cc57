"""Outgoing e-mail, sent at most once, after commit, from the background queue.

``email_queue`` is called inside the transaction that decided the message; after commit
the queue runs ``send_pending_emails``. Each message is claimed (``sending``, committed)
before it is handed to Django's e-mail backend, so two workers, or a job retried after
it already sent, never send it again. A send that raises goes back to ``pending`` and
the job raises so the queue retries it; ``manage.py send_emails`` is the safety net for
messages whose job was lost.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.metrics import EMAIL_FAILURES
from core.models import Email
from core.tasks import enqueue

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def one_line_of(text: str) -> str:
    """``text`` with every run of spacing, line breaks and controls made one space: a
    header or a calendar line never breaks, whatever a stored name holds (names are
    refused with line breaks since ``core.fields.one_line``; older rows may have them)."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def email_queue(*, key: str, to: list[str], subject: str, body: str) -> Email | None:
    """Queue one message (no-op without recipients, or if ``key`` was queued before).
    The subject is made one line, so no message can be stuck on "Header values can't
    contain newlines"."""
    subject = one_line_of(subject)
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    email, created = Email.objects.get_or_create(
        key=key, defaults={"to": recipients, "subject": subject, "body": body}
    )
    if created:
        transaction.on_commit(lambda: enqueue("core.mail.send_pending_emails"))
    return email


def _claim(email_id: int) -> bool:
    """Mark the message ``sending`` unless someone else has; True if we own it now."""
    with transaction.atomic():
        claimed = Email.objects.filter(
            pk=email_id, status=Email.Status.PENDING, attempts__lt=MAX_ATTEMPTS
        ).update(status=Email.Status.SENDING, attempts=F("attempts") + 1)
    return claimed == 1


def send_email(email_id: int) -> bool:
    """Send one queued message if it is still pending; True if this call sent it."""
    if not _claim(email_id):
        return False
    email = Email.objects.get(pk=email_id)
    try:
        send_mail(email.subject, email.body, None, email.to, fail_silently=False)
    except Exception as error:
        EMAIL_FAILURES.inc()
        status = Email.Status.FAILED if email.attempts >= MAX_ATTEMPTS else Email.Status.PENDING
        Email.objects.filter(pk=email_id).update(status=status, last_error=str(error)[:2000])
        raise
    Email.objects.filter(pk=email_id).update(status=Email.Status.SENT, sent_at=timezone.now())
    return True


@dataclass
class MailReport:
    sent: int = 0
    failed: list[int] = field(default_factory=list)


def send_pending() -> MailReport:
    """Send every pending message; a failure is logged and the others still go."""
    report = MailReport()
    for email_id in Email.objects.filter(status=Email.Status.PENDING).values_list("id", flat=True):
        try:
            report.sent += send_email(email_id)
        except Exception as error:
            log.warning("e-mail %s not sent: %s", email_id, error)
            report.failed.append(email_id)
    return report


def send_pending_emails() -> int:
    """The background task: raises if any message failed, so the queue retries."""
    report = send_pending()
    if report.failed:
        raise RuntimeError(f"{len(report.failed)} e-mail(s) not sent yet: {report.failed}")
    return report.sent
