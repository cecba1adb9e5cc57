"""Log records carry the id of the request they were written in (django-guid keeps it
per request, from ``X-Request-ID`` or new); "-" outside requests (commands, jobs)."""

from __future__ import annotations

import logging

from django_guid import get_guid


class RequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_guid() or "-"
        return True
