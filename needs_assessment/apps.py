from django.apps import AppConfig


class NeedsAssessmentConfig(AppConfig):
    name = "needs_assessment"
    verbose_name = "Understanding the context"

    def ready(self) -> None:
        # Register scope functions and background-run handlers.
        from needs_assessment import access  # noqa: F401
        from needs_assessment.ingest import handlers as ingest_handlers  # noqa: F401
        from needs_assessment.profile import handlers as profile_handlers  # noqa: F401
        from needs_assessment.segmentation import handlers as segmentation_handlers  # noqa: F401
