from typing import Any

from django.db import models


class CurrencyRate(models.Model):
    """How many US dollars one unit of ``currency`` was worth from ``valid_from`` on.

    The table is dated so that a budget is converted at the rate of its own date, and
    configurable: officers edit it in the admin; a migration seeds it.
    """

    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. EUR")
    valid_from = models.DateField()
    usd_per_unit = models.DecimalField(max_digits=18, decimal_places=8)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["currency", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="unique_rate_per_day"),
            models.CheckConstraint(condition=models.Q(usd_per_unit__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.usd_per_unit} USD from {self.valid_from}"


class OutboxEvent(models.Model):
    """A change that other parts of the system must act on, written in the same
    transaction as the change itself (the transactional outbox).

    ``topic`` names what changed (``vendor``), ``key`` which row (its external id) and
    ``version`` to which version. Consumers (the search index) process events
    idempotently and delete them when done; an event that fails stays, with its
    attempt count and error, and is retried.
    """

    topic = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=0)
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # A worker that claimed the event holds it until then (core.outbox.outbox_claim).
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["topic", "id"])]

    def __str__(self) -> str:
        return f"{self.topic}:{self.key}@{self.version}{' (deleted)' if self.deleted else ''}"


class CurrentManager(models.Manager[Any]):
    """Rows not archived. The default manager of archivable records (vendors, buyers,
    briefs): every read of the product sees only current rows, while foreign keys (won
    deals, ranker labels) still reach archived ones through the base manager."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(archived_at__isnull=True)


class KeyedRecord(models.Model):
    """What the records of the interchange format have in common (vendors, buyers,
    briefs): the id their owners give them, a version every change counts (the search
    index uses it to ignore stale updates; writes check it, ``core.versions``), the
    hash of what they were built from (a re-import that changes nothing writes
    nothing), and archiving instead of deleting."""

    external_id = models.CharField(max_length=64, unique=True)
    # Set instead of deleting: won deals, pipeline history and ranker labels refer to
    # the row (see docs/security.md); archived rows are out of every list and search.
    # Not indexed: almost every row has none, so an index never narrows a query, and
    # SQLite's planner (no statistics) chose it over the external id's for "these 20
    # firms, not archived" — a scan of every row (58 ms per search page at 100,000).
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    record_hash = models.CharField(max_length=40, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CurrentManager()
    all_objects = models.Manager()  # noqa: DJ012 — a manager: archived rows too

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One recorded decision: who did what to which object, when, and the object's state
    before and after. Written by services in the same transaction as the change; the API
    only lists entries (the admin shows them read-only)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True, help_text="e.g. match.approve")
    subject_type = models.CharField(max_length=64, help_text="e.g. match, introduction")
    subject_id = models.CharField(max_length=64)
    brief = models.CharField(max_length=64, blank=True, db_index=True, help_text="external id")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        subject = f"{self.subject_type}:{self.subject_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {subject}"


class Email(models.Model):
    """An e-mail to send, queued in the transaction that decided it (so a rolled-back
    decision sends nothing) and sent by the background queue after commit.

    ``key`` names the message's reason (``introduction-7-invited``): queuing the same key
    twice keeps one row. Sending claims the row first (status ``sending``, committed), so
    a retried or duplicated job never sends it again; a failure returns it to ``pending``
    with its error, and a worker that died mid-send leaves it ``sending`` for an operator."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    key = models.CharField(max_length=128, unique=True)
    to = models.JSONField(help_text="list of addresses")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"{self.key} → {', '.join(self.to)} ({self.status})"


class Job(models.Model):
    """A long operation started from the console (import, index rebuild, training),
    run in the background and reporting its progress here for the page to show."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0–1")
    message = models.TextField(blank=True)
    started_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status}, {self.progress:.0%})"


class ThrottleBucket(models.Model):
    """A client's rate-limit bucket when there is no Redis (``core.api.throttles``): the
    moment it will be full again, as seconds since the epoch. Taken from in one atomic
    statement, so two processes never both spend the same room."""

    key = models.CharField(max_length=200, primary_key=True)
    full_at = models.FloatField()

    def __str__(self) -> str:
        return f"{self.key} full at {self.full_at}"
