"""Risk stratification timings: `python -m bench.risk [PEOPLE]` prints seconds and peak
memory per step (build features, train, score, tiers, segment x tier matrix)."""

import contextlib
import os
import sys
import time
from pathlib import Path

import django
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
django.setup()

from needs_assessment.analysis import (
    assign_risk_tiers,
    build_features,
    score,
    segment_tier_matrix,
    train_risk_models,
)
from tests.needs_assessment.test_risk import SEED, synthetic_periods


def run(n: int = 1_000_000) -> None:
    """Prints seconds and peak resident memory for each step; asserts nothing about them.

    Peak memory is the process's high-water mark (VmHWM), reset before each step."""
    earlier, later = synthetic_periods(n, SEED)
    print(f"\n{n:,} people; {len(earlier):,} + {len(later):,} rows; start {_rss_mb():.0f} MB")
    features = _timed("build_features (one period)", lambda: build_features(earlier))
    print(f"  features take {features.memory_usage(deep=True).sum() / 2**20:.0f} MB")
    del features
    result = _timed("train_risk_models", lambda: train_risk_models(earlier, later, seed=SEED))
    print(
        f"  fit {result.fit_seconds:.1f} s on {result.training_people_used:,} people; "
        f"AUC {result.emergency.auc.value:.3f}; cost R² {result.cost.r_squared:.3f}"
    )
    scores = _timed("score", lambda: score(result, later))
    tiered = _timed("assign_risk_tiers", lambda: assign_risk_tiers(scores, by="cost"))
    people = later.assign(segment=np.where(later["frailty"] > 0, "frail", "other"))
    people["tier"] = tiered["tier"]
    _timed("segment_tier_matrix", lambda: segment_tier_matrix(people))


def _timed(step: str, run):
    _reset_peak()
    before = _rss_mb()
    started = time.perf_counter()
    value = run()
    seconds = time.perf_counter() - started
    print(f"  {step}: {seconds:.2f} s, peak {_peak_mb():.0f} MB (+{_peak_mb() - before:.0f})")
    return value


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # not Linux: the peak is then the process's
        Path("/proc/self/clear_refs").write_text("5")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    return _status_mb("VmRSS:")


def _peak_mb() -> float:
    return _status_mb("VmHWM:")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
