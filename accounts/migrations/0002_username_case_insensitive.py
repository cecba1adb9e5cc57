"""Usernames unique whatever their case. Accounts that already differ only in case
keep the oldest as it is; each later one gets ``-<id>`` appended, and the migration
prints what it renamed so the operator can tell those users."""

import django.db.models.functions.text
from django.db import migrations, models


def rename_case_duplicates(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    seen: dict[str, int] = {}
    renamed = []
    for pk, username in User.objects.order_by("id").values_list("id", "username"):
        # Python's casefold, not the database's lower(): SQLite folds ASCII only.
        key = username.casefold()
        if key in seen:
            new = f"{username}-{pk}"[-150:]
            User.objects.filter(pk=pk).update(username=new)
            renamed.append((username, pk, new))
        else:
            seen[key] = pk
    if renamed:
        print(f"\n  accounts: {len(renamed)} username(s) differed only in case from an older one:")
        for old, pk, new in renamed:
            print(f"    user {pk}: {old!r} -> {new!r} (they sign in with the new name)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(rename_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="accounts_user_username_ci_unique",
            ),
        ),
    ]
