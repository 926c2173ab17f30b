"""TEST ONLY: the Celery app of the fault tests' workers (`celery -A tests.faults.worker_app`).

It is the project's app (`commissioning.celery`) with the test-only handler loaded, and,
when FAULTS_VISIBILITY_TIMEOUT is set, a short Redis visibility timeout, so that a
message whose worker was killed outright is handed to the next worker within seconds
rather than the production hour.
"""

import os

from commissioning.celery import app

app.conf.imports = [*app.conf.imports, "tests.faults.handlers"]

if os.environ.get("FAULTS_VISIBILITY_TIMEOUT"):
    # The unacknowledged-message bookkeeping gets keys of its own, so that the short
    # timeout never hands back another worker's messages (other test sessions, `make run`).
    keys = os.environ["FAULTS_UNACKED_KEY"]
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": int(os.environ["FAULTS_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
        "unacked_key": keys,
        "unacked_index_key": f"{keys}_index",
        "unacked_mutex_key": f"{keys}_mutex",
    }

__all__ = ["app"]
