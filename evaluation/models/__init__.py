"""Models of stage 4, evaluating impact. One module per part, each with its own
migration chain (0001_<part>) joined by 0002_merge."""

from evaluation.models.feedback import *  # noqa: F401,F403
from evaluation.models.loop import *  # noqa: F401,F403
from evaluation.models.plans import *  # noqa: F401,F403
