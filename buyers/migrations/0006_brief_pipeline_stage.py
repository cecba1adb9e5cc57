# A brief keeps its place in the pipeline (open / introduced / won) itself, written by
# matchmaking's pipeline, so the demand index no longer reads matchmaking's
# introductions (issue 32). Existing briefs get theirs from their introductions.

from django.db import migrations, models

TALKING = ("introduced", "meeting", "proposal")


def stages_from_introductions(apps, schema_editor):
    Brief = apps.get_model("buyers", "Brief")
    Introduction = apps.get_model("matchmaking", "Introduction")
    alias = schema_editor.connection.alias
    rows = Introduction.objects.using(alias).values_list("match__brief_id", "stage")
    won = {brief for brief, stage in rows if stage == "won"}
    talking = {brief for brief, stage in rows if stage in TALKING} - won
    for stage, briefs in (("won", won), ("introduced", talking)):
        ids = sorted(briefs)
        for start in range(0, len(ids), 1000):
            Brief._base_manager.using(alias).filter(pk__in=ids[start : start + 1000]).update(
                pipeline_stage=stage
            )


class Migration(migrations.Migration):

    dependencies = [
        ('buyers', '0005_demand_index'),
        ('matchmaking', '0013_review_is_curation'),
    ]

    operations = [
        migrations.AddField(
            model_name='brief',
            name='pipeline_stage',
            field=models.CharField(choices=[('open', 'Open'), ('introduced', 'Introduced'), ('won', 'Won')], default='open', max_length=12),
        ),
        migrations.RunPython(stages_from_introductions, migrations.RunPython.noop),
    ]
