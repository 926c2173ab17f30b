from django.db import migrations


class Migration(migrations.Migration):
    """Joins the three parts' independent migration chains."""

    dependencies = [
        ("payor", "0001_finance"),
        ("payor", "0001_scenarios"),
        ("payor", "0001_selection"),
    ]

    operations: list = []
