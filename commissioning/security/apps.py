from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "commissioning.security"
    label = "commissioning_security"
    verbose_name = "Security"

    def ready(self) -> None:
        # Connect the security log's signal receivers.
        from commissioning.security import receivers  # noqa: F401
