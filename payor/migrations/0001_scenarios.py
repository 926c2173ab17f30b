from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0003_reference_data"), ("strategy", "0001_initial")]

    operations: list = []
