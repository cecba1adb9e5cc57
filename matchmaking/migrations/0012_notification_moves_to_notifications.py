# The Notification model moves to the notifications app (issue 32): its table is renamed
# to notifications_notification, rows and all, and matchmaking stops owning it;
# notifications 0001 takes it over in the migration state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('matchmaking', '0011_firm_requested'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='notification', table='notifications_notification'),
            ],
            state_operations=[
                migrations.DeleteModel(name='Notification'),
            ],
        ),
    ]
