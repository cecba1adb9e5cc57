# Takes over matchmaking's Notification (issue 32): matchmaking 0012 renamed its table to
# notifications_notification, so here the model enters the state only, and its content
# type (with its permissions) changes app.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(app_label):
    def move(apps, schema_editor):
        types = apps.get_model('contenttypes', 'ContentType').objects.using(
            schema_editor.connection.alias
        )
        other = 'matchmaking' if app_label == 'notifications' else 'notifications'
        # post_migrate may already have made the target's row (after going back and
        # forth); then the old one is stale and remove_stale_contenttypes clears it.
        if not types.filter(app_label=app_label, model='notification').exists():
            types.filter(app_label=other, model='notification').update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        ('matchmaking', '0012_notification_moves_to_notifications'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('requested', 'Introduction requested'), ('invited', 'Introduction offered'), ('answered', 'Introduction answered'), ('moved', 'Stage moved'), ('message', 'New message'), ('matches', 'New matches'), ('reviewed', 'Review'), ('event', 'Trade event')], max_length=12)),
                        ('key', models.CharField(max_length=120)),
                        ('text', models.CharField(max_length=300)),
                        ('url', models.CharField(blank=True, max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-id'],
                        'indexes': [models.Index(fields=['user', 'read_at'], name='notification_unread')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='one_notification_per_event')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_to('notifications'), content_type_to('matchmaking')),
    ]
