# The model TestItem is renamed ScheduledTest: pytest collected it as a test class wherever a test
# imported it. RenameModel renames the table (quarantine_testitem -> quarantine_scheduledtest) and
# repoints the foreign keys; the explicit index name stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('quarantine', '0005_alter_case_kind_alter_case_reason'),
    ]

    operations = [
        migrations.RenameModel(old_name='TestItem', new_name='ScheduledTest'),
    ]
