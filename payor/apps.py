from django.apps import AppConfig


class PayorConfig(AppConfig):
    name = "payor"
    verbose_name = "Delivering through resource allocation"
