"""The result every evaluation method returns, and the shared regression arithmetic."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

Z_95 = 1.959963984540054  # two-sided 5%
Z_POWER_80 = 0.8416212335729143  # one-sided 20% (80% power)


def minimum_detectable_effect(standard_error: float) -> float:
    """The smallest true effect the design would detect with 80% power at a two-sided 5%
    significance level: (z_0.975 + z_0.80) x SE = (1.96 + 0.84) x SE = 2.80 x SE."""
    return (Z_95 + Z_POWER_80) * standard_error


@dataclass
class Estimate:
    """An effect with its 95% interval, p value and minimum detectable effect.

    `fitted` (when the method draws one) has columns date, value, fitted, counterfactual
    (and for DiD: comparison); `details` holds method-specific figures (JSON-ready)."""

    method: str
    effect: float
    standard_error: float
    lower: float
    upper: float
    p_value: float
    mde: float
    pre_points: int
    post_points: int
    details: dict = field(default_factory=dict)
    fitted: pd.DataFrame | None = None

    @property
    def interval_includes_zero(self) -> bool:
        return self.lower <= 0 <= self.upper


def newey_west_lag(n: int) -> int:
    """The Newey-West (1994) rule of thumb for the HAC lag: floor(4 x (n / 100)^(2/9))."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


@dataclass
class Fit:
    """An OLS fit: coefficients, the Newey-West covariance (no small-sample correction, as
    statsmodels' cov_type="HAC"), the classical OLS covariance, and residual df."""

    beta: np.ndarray
    cov_hac: np.ndarray
    cov_ols: np.ndarray
    n: int
    df: int

    def standard_error(self, index: int) -> float:
        """The larger of the HAC standard error scaled by sqrt(n / (n - k)) and the
        classical OLS one: with few points HAC errors are too small (leverage of the
        post-intervention points), so the interval never narrows below OLS's."""
        hac = self.cov_hac[index, index] * self.n / self.df
        return float(math.sqrt(max(hac, self.cov_ols[index, index], 0.0)))


def ols_hac(y: np.ndarray, x: np.ndarray, lag: int) -> Fit:
    """Least squares of y on x with Newey-West (Bartlett kernel, `lag` lags) covariance."""
    n, k = x.shape
    if n <= k:
        raise ValueError(f"{n} points cannot fit {k} parameters: give more periods.")
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    residuals = y - x @ beta
    scores = x * residuals[:, None]
    meat = scores.T @ scores
    for j in range(1, lag + 1):
        weight = 1 - j / (lag + 1)
        gamma = scores[j:].T @ scores[:-j]
        meat += weight * (gamma + gamma.T)
    sigma2 = float(residuals @ residuals) / (n - k)
    return Fit(beta, xtx_inv @ meat @ xtx_inv, sigma2 * xtx_inv, n, n - k)


def coefficient_estimate(
    method: str, fit: Fit, index: int, pre: int, post: int, **details
) -> Estimate:
    """An Estimate of coefficient `index`: t-distribution interval and p value on n - k df."""
    effect = float(fit.beta[index])
    se = fit.standard_error(index)
    df = fit.df
    critical = float(stats.t.ppf(0.975, df))
    p_value = float(2 * stats.t.sf(abs(effect / se), df)) if se > 0 else 0.0
    return Estimate(
        method=method,
        effect=effect,
        standard_error=se,
        lower=effect - critical * se,
        upper=effect + critical * se,
        p_value=p_value,
        mde=minimum_detectable_effect(se),
        pre_points=pre,
        post_points=post,
        details={"degrees_of_freedom": df, **details},
    )
