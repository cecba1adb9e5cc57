import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "data" / "currency_rates.json"


def seed(apps, schema_editor):
    CurrencyRate = apps.get_model("core", "CurrencyRate")
    data = json.loads(SEED.read_text())
    for valid_from, rates in data["rates"].items():
        for currency, rate in rates.items():
            CurrencyRate.objects.get_or_create(
                currency=currency,
                valid_from=valid_from,
                defaults={"usd_per_unit": Decimal(str(rate)), "source": data["source"]},
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
