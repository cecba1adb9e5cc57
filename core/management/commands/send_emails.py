from typing import Any

from django.core.management.base import BaseCommand

from core.mail import send_pending
from core.models import Email


class Command(BaseCommand):
    help = (
        "Send every queued e-mail that is still pending (the safety net for lost jobs; "
        "each message is sent at most once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_pending()
        for email_id in report.failed:
            email = Email.objects.get(pk=email_id)
            self.stderr.write(f"e-mail {email_id} ({email.key}) not sent: {email.last_error}")
        stuck = Email.objects.filter(status=Email.Status.SENDING).count()
        self.stdout.write(
            f"Sent {report.sent:,} e-mail(s), {len(report.failed)} failed and kept for a retry; "
            f"{stuck} left mid-send by a dead worker (check those by hand)."
        )
