from django.apps import AppConfig


class PayorConfig(AppConfig):
    name = "payor"
    verbose_name = "Delivering through resource allocation"

    def ready(self) -> None:
        # Register scope functions of each part.
        from payor import portal  # noqa: F401 - registers provider portal sections
        from payor.finance import access as finance_access  # noqa: F401
        from payor.scenarios import access as scenarios_access  # noqa: F401
        from payor.scenarios import handlers as scenarios_handlers  # noqa: F401
        from payor.selection import access as selection_access  # noqa: F401
