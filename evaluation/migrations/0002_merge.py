from django.db import migrations


class Migration(migrations.Migration):
    """Joins the parts' independent migration chains."""

    dependencies = [
        ("evaluation", "0001_feedback"),
        ("evaluation", "0001_loop"),
        ("evaluation", "0001_plans"),
    ]

    operations: list = []
