"""The Django project and the shared core of the commissioning platform."""

from .celery import app as celery_app

__all__ = ["celery_app"]
