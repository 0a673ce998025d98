# The model TestTask is renamed ArrivalTest: pytest collected it as a test class wherever a test
# imported it. RenameModel renames the table (screening_testtask -> screening_arrivaltest) and
# repoints the foreign keys; the explicit index name stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0003_seal_claimed_numbers'),
    ]

    operations = [
        migrations.RenameModel(old_name='TestTask', new_name='ArrivalTest'),
    ]
