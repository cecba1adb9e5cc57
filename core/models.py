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

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["topic", "id"])]

    def __str__(self) -> str:
        return f"{self.topic}:{self.key}@{self.version}{' (deleted)' if self.deleted else ''}"
