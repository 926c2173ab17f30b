"""Load the shared segmentation models and the starting indicator library."""

from django.db import migrations


def load(apps, schema_editor):
    from commissioning import reference_data

    reference_data.install(
        apps.get_model("commissioning", "SegmentationModel"),
        apps.get_model("commissioning", "Segment"),
        apps.get_model("commissioning", "Indicator"),
    )


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0002_person_record")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
