from django.apps import AppConfig


class NeedsAssessmentConfig(AppConfig):
    name = "needs_assessment"
    verbose_name = "Understanding the context"
