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
