from django.db import migrations, models
from django.db.models import Count, Min


def keep_the_first(apps, schema_editor):
    """Existing data may hold two check-ins of one person for the same day and check (through
    two cases): the first one entered is kept, the later ones are removed so the constraint
    can be made. Alerts keep their other readings; a removed reading only leaves its alert."""
    CheckIn = apps.get_model("health", "CheckIn")
    repeated = (
        CheckIn.objects.values("resident_id", "date", "slot")
        .annotate(n=Count("id"), first=Min("id"))
        .filter(n__gt=1)
    )
    for group in repeated.iterator():
        CheckIn.objects.filter(
            resident_id=group["resident_id"], date=group["date"], slot=group["slot"]
        ).exclude(pk=group["first"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0003_checkins_alerts_links"),
    ]

    operations = [
        migrations.RunPython(keep_the_first, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="checkin",
            constraint=models.UniqueConstraint(
                fields=("resident", "date", "slot"), name="checkin_one_per_person_slot"
            ),
        ),
    ]
