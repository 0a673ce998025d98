"""The audit log keeps no full document or phone number: those already logged are masked."""

from django.db import migrations


def mask_logged_numbers(apps, schema_editor):
    from fangkong.core.audit import SENSITIVE_FIELDS, mask_changes

    AuditEntry = apps.get_model("core", "AuditEntry")
    entries = AuditEntry.objects.using(schema_editor.connection.alias).filter(
        changes__has_any_keys=list(SENSITIVE_FIELDS)
    )
    batch = []
    for entry in entries.only("pk", "changes").iterator(chunk_size=2000):
        masked = mask_changes(entry.changes)
        if masked != entry.changes:
            entry.changes = masked
            batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_update(batch, ["changes"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["changes"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_actions_for_cases")]

    operations = [
        migrations.RunPython(mask_logged_numbers, migrations.RunPython.noop, elidable=False),
    ]
