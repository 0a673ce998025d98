"""Risk areas entered before the township was recorded belong to the township of the staff
member who entered them; an area whose author is unknown (deleted, or a superuser without a
township) stays without a township, and only a superuser may end it (`RiskArea.may_be_changed_by`).
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    RiskArea = apps.get_model("policy", "RiskArea")
    User = apps.get_model("core", "User")
    RiskArea.objects.filter(township__isnull=True, entered_by__township__isnull=False).update(
        township_id=Subquery(
            User.objects.filter(pk=OuterRef("entered_by_id")).values("township_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0003_policy_labels"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
