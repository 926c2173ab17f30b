"""Load the shared segmentation models and the starting indicator library."""

from django.db import migrations


def load(apps, schema_editor):
    from commissioning.reference_data import INDICATORS, SEGMENTATION_MODELS

    SegmentationModel = apps.get_model("commissioning", "SegmentationModel")
    Segment = apps.get_model("commissioning", "Segment")
    Indicator = apps.get_model("commissioning", "Indicator")
    for spec in SEGMENTATION_MODELS:
        model, created = SegmentationModel.objects.get_or_create(
            icb=None,
            name=spec["name"],
            version=spec["version"],
            defaults={
                "description": spec["description"],
                "source": spec["source"],
                "is_published": True,
            },
        )
        if created:
            for priority, (code, name, description, rule, colour) in enumerate(
                spec["segments"], start=1
            ):
                Segment.objects.create(
                    model=model,
                    priority=priority,
                    code=code,
                    name=name,
                    description=description,
                    rule=rule,
                    colour=colour,
                )
    for code, name, definition, unit, polarity, source in INDICATORS:
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "definition": definition,
                "unit": unit,
                "polarity": polarity,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0002_person_record")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
