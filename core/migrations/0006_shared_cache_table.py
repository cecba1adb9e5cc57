"""The database table that holds what every worker process must share when there is no
Redis (settings SHARED_DATABASE_CACHE): rate-limit counters, the search cache's
generation."""

from django.core.management import call_command
from django.db import migrations

TABLE = "raabta_shared_cache"


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_job")]

    operations = [migrations.RunPython(create, drop)]
