from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Commissioning core"

    def ready(self) -> None:
        # Register scope functions and run handlers.
        from commissioning import access, population_summary, signals  # noqa: F401
