"""The plan's symptoms as a new general policy version (issue 12 item 4).

The plan names 发热、咳嗽、腹泻 (三(五)4) but version 1 listed 干咳 and no 咳嗽. Version 1 stays as
it was (decisions taken under it keep it); a new general version, copied from the latest
active one with only the symptom list changed, takes effect on the day this migration runs.
"""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

# Frozen here on purpose: later changes to the code's defaults must not change this version.
SYMPTOMS = [
    "发热",
    "咳嗽",
    "腹泻",
    "乏力",
    "咽痛",
    "嗅觉味觉减退",
    "肌肉酸痛",
    "结膜炎",
    "鼻塞",
    "流涕",
]
NAME = "春节期间社区（街道）疫情防控工作方案（症状按方案：发热、咳嗽、腹泻等）"


def add_version(apps, schema_editor):
    Policy = apps.get_model("policy", "Policy")
    general = Policy.objects.filter(township__isnull=True)
    latest = (
        general.filter(status="active").order_by("-effective_from", "-version").first()
    )
    if latest is None or latest.rules.get("symptoms") == SYMPTOMS:
        return
    today = timezone.localdate()
    version = (general.aggregate(n=Max("version"))["n"] or 0) + 1
    Policy.objects.create(
        township=None,
        version=version,
        name=NAME,
        status="active",
        effective_from=max(today, latest.effective_from),
        source_title=latest.source_title,
        source_number=latest.source_number,
        source_date=latest.source_date,
        rules={**latest.rules, "symptoms": SYMPTOMS},
        based_on=latest,
        activated_at=timezone.now(),
    )


def remove_version(apps, schema_editor):
    apps.get_model("policy", "Policy").objects.filter(township__isnull=True, name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0004_riskarea_township_from_entry")]

    operations = [migrations.RunPython(add_version, remove_version)]
