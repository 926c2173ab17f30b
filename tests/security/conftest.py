import json
import logging

import pytest


@pytest.fixture
def security_log(caplog):
    """The security events written during a test, as dicts. The "security" logger does
    not propagate to the root (it has its own JSON handler), so caplog is attached to it."""
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="security")

    def events(name=None):
        found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "security"]
        return [e for e in found if name is None or e["event"] == name]

    events.text = lambda: "\n".join(r.getMessage() for r in caplog.records if r.name == "security")
    yield events
    logger.removeHandler(caplog.handler)
