from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Developing the long-term strategy"

    def ready(self) -> None:
        from strategy import (
            access,  # noqa: F401 - registers scope functions
            portal,  # noqa: F401 - registers provider portal sections
        )
