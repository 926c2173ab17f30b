from django.apps import AppConfig

PARTS = ("tracking", "plans", "performance", "feedback", "loop")


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Evaluating impact"

    def ready(self) -> None:
        # Register scope functions and run handlers of each part.
        from importlib import import_module

        for part in PARTS:
            import_module(f"evaluation.{part}.access")
            import_module(f"evaluation.{part}.handlers")
        import_module("evaluation.portal")  # provider portal sections
