from commissioning.stages import STAGES


def navigation(request) -> dict:
    """The four stages for the header, and which one the current page belongs to."""
    match = getattr(request, "resolver_match", None)
    return {"stages": STAGES, "current_app": match.app_name if match else ""}
