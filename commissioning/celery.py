"""The Celery app.

Workers: `celery -A commissioning worker`; beat: `celery -A commissioning beat`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")

app = Celery("commissioning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
