# Written for the oversight body's plan changes: each plan version keeps what it said.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vault', '0007_respond_and_oversee'),
    ]

    operations = [
        migrations.AddField(
            model_name='planversion',
            name='snapshot',
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
