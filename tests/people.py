"""Small person-level frames for tests, in the stored layout of commissioning.person_load."""

import numpy as np
import pandas as pd

from commissioning.models.population import ACTIVITY_COUNTS, LTC_FLAGS, OTHER_FLAGS


def make_people(n: int, *, lsoa_ids: list[int], practice_ids: list[int], seed: int = 1):
    """`n` people with random but valid attributes spread over the given LSOAs/practices."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "pseudo_id": [f"P{seed:03d}{i:07d}" for i in range(n)],
            "age": rng.integers(0, 100, n),
            "sex": rng.choice(["F", "M"], n),
            "ethnicity": rng.choice(["white", "asian", "black", "mixed", "other"], n),
            "lsoa_id": rng.choice(lsoa_ids, n),
            "practice_id": rng.choice(practice_ids, n),
            "frailty": rng.integers(0, 4, n),
            "cost": rng.gamma(1.5, 400, n).round(2),
        }
    )
    for flag in LTC_FLAGS + OTHER_FLAGS:
        frame[flag] = rng.random(n) < 0.1
    for count in ACTIVITY_COUNTS:
        frame[count] = rng.poisson(0.5, n)
    return frame
