"""The plan's numbers as the first, general policy version (F20)."""

import datetime as dt

from django.db import migrations

# The plan's figures as they stood when this version was made (frozen here on purpose: later
# changes to the code's defaults must not change what version 1 said).
RULES = {'high': {'kind': 'centralised_quarantine', 'days': 14, 'test_days': [1, 7, 14]},
     'medium': {'kind': 'home_quarantine', 'days': 14, 'test_days': [1, 14]},
     'low': {'kind': 'certificate_check', 'days': 0, 'test_days': []},
     'certificate_valid_days': 7,
     'test_within_hours': 24,
     'lookback_days': 14,
     'county_rule': True,
     'county_rule_level': 'county',
     'close_contact': {'kind': 'centralised_quarantine', 'days': 14, 'test_days': [1, 7, 14]},
     'close_contact_first_test_at_once': True,
     'fever_threshold': '37.3',
     'temperature_min': '34.0',
     'temperature_max': '43.0',
     'checks_per_day': 2,
     'symptoms': ['发热', '干咳', '乏力', '咽痛', '嗅/味觉减退', '腹泻', '鼻塞', '流涕', '结膜炎', '肌痛'],
     'alert_escalation_minutes': 30,
     'release': {'period_served': True,
                 'no_fever_or_symptom': True,
                 'all_tests_negative': True,
                 'cadre_signoff': True,
                 'medic_signoff': True}}


def create_first_version(apps, schema_editor):
    Policy = apps.get_model("policy", "Policy")
    if Policy.objects.filter(township__isnull=True, version=1).exists():
        return
    Policy.objects.create(
        township=None,
        version=1,
        name="春节期间社区（街道）疫情防控工作方案",
        status="active",
        effective_from=dt.date(2024, 1, 1),
        source_title="春节期间社区（街道）疫情防控工作方案",
        source_number="",
        source_date=None,
        rules=RULES,
    )


def remove_first_version(apps, schema_editor):
    apps.get_model("policy", "Policy").objects.filter(township__isnull=True, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(create_first_version, remove_first_version)]
