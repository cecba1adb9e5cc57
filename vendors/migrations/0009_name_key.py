"""Firms' look-alike name keys (``core.text.name_key``), filled in for existing rows in
batches so the officers' verification queue can show firms that look the same."""

from django.db import migrations, models

from core.text import name_key

BATCH = 2000


def fill(apps, schema_editor):
    Vendor = apps.get_model("vendors", "Vendor")
    last = 0
    while True:  # by primary key, not one open cursor: SQLite reads and writes one table
        rows = list(
            Vendor._base_manager.filter(pk__gt=last).order_by("pk").values_list("pk", "name")[
                :BATCH
            ]
        )
        if not rows:
            return
        batch = [Vendor(pk=pk, name_key=name_key(name)) for pk, name in rows]
        Vendor._base_manager.bulk_update(batch, ["name_key"])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("vendors", "0008_opportunity_digest")]

    operations = [
        migrations.AddField(
            model_name="vendor",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, default="", max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
