# The officers' queue entry of a brief was named Review beside DealReview (a buyer's
# review of a deal); it is a Curation (issue 32). The table is renamed with its rows,
# the content type follows (Django renames it with the model).

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ('buyers', '0001_initial'),
        ('matchmaking', '0012_notification_moves_to_notifications'),
    ]

    operations = [
        migrations.RenameModel(old_name='Review', new_name='Curation'),
        migrations.AlterField(
            model_name='curation',
            name='brief',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='curation', to='buyers.brief'),
        ),
    ]
