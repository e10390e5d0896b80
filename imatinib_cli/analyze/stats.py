"""Confidence intervals and random-effects pooling of response rates (responders / N).

Why this module: a rate of 0 of 24 or 19 of 27 says little without its uncertainty, and a reader
weighing imatinib outside GIST needs the pooled picture the way R's ``meta::metaprop`` shows it. The
formulas follow metaprop (inverse-variance, DerSimonian-Laird tau², logit or Freeman-Tukey), so a
number printed by imx can be reproduced there; docs/statistics.md gives the equivalent R call.

The distribution quantiles come from scipy.special (beta, normal, chi-square). scipy is imported
inside the functions, never at module import, so ``imx summarize`` and ``imx --help`` do not pay
for it; the arithmetic of the pooling itself is a few sums and is written out here.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

CI_METHODS = ("exact", "wilson")
TRANSFORMS = ("logit", "freeman-tukey")
# Added to events and non-events of a study with 0 or n events before the logit (metaprop's incr).
CONTINUITY_CORRECTION = 0.5
NOTE_K1 = "k = 1: no pooling, the study's own estimate"
NOTE_FEW = "k < 3: heterogeneity estimates are unreliable"
SUBGROUP_TEST_METHOD = (
    "test for subgroup differences: Cochran's Q between the random-effects subgroup estimates "
    "(tau² estimated within each subgroup), chi-square with groups - 1 df"
)


@dataclass(frozen=True, slots=True)
class PoolResult:
    """A random-effects pooled proportion. estimate/low/high are proportions in [0, 1].

    te and se are the pooled estimate and its standard error on the transformed scale; the
    subgroup test needs them, and they let a reader check the back-transformation.
    tau2, i2, q and q_p are None when k = 1 (nothing to be heterogeneous); i2 is in percent.
    """

    k: int
    events: int
    n: int
    estimate: float
    low: float
    high: float
    tau2: float | None
    i2: float | None
    q: float | None
    df: int
    q_p: float | None
    method: str
    note: str | None
    transform: str
    te: float
    se: float
    level: float


def _count(value: object, name: str) -> int:
    """A count as an int; whole-number floats pass, anything else is an error (no silent rounding)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        pass
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"{name} must be a whole number, got {value!r}")


def _check_counts(events: object, n: object) -> tuple[int, int]:
    x, m = _count(events, "events"), _count(n, "n")
    if m <= 0:
        raise ValueError(f"n must be positive, got {m}")
    if not 0 <= x <= m:
        raise ValueError(f"events must be between 0 and n ({m}), got {x}")
    return x, m


def _check_level(level: float) -> float:
    if not (isinstance(level, (int, float)) and 0.0 < level < 1.0):
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    return float(level)


def _z(level: float) -> float:
    """The two-sided normal quantile for the level (1.959964 for 0.95)."""
    from scipy.special import ndtri

    return float(ndtri(1.0 - (1.0 - level) / 2.0))


def _chi2_sf(q: float, df: int) -> float:
    from scipy.special import chdtrc

    return float(chdtrc(df, q))


def proportion_ci(events: int, n: int, *, method: str = "exact", level: float = 0.95) -> tuple[float, float]:
    """Two-sided confidence interval for events / n, as proportions in [0, 1].

    "exact" is Clopper-Pearson (beta quantiles): it never undercovers, which matters for the small
    single-arm trials here. "wilson" is the Wilson score interval, shorter and near nominal.
    0/n gives a lower bound of exactly 0 and n/n an upper bound of exactly 1.
    """
    x, m = _check_counts(events, n)
    alpha = 1.0 - _check_level(level)
    if method == "exact":
        from scipy.special import betaincinv

        low = 0.0 if x == 0 else float(betaincinv(x, m - x + 1, alpha / 2.0))
        high = 1.0 if x == m else float(betaincinv(x + 1, m - x, 1.0 - alpha / 2.0))
        return low, high
    if method == "wilson":
        z = _z(1.0 - alpha)
        p = x / m
        denom = 1.0 + z * z / m
        center = (p + z * z / (2.0 * m)) / denom
        half = z / denom * math.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m))
        low = 0.0 if x == 0 else max(0.0, center - half)
        high = 1.0 if x == m else min(1.0, center + half)
        return low, high
    raise ValueError(f"unknown CI method {method!r}; expected one of {', '.join(CI_METHODS)}")


def _logit(x: int, m: int) -> tuple[float, float]:
    """Logit and its variance; 0.5 is added to both cells of a 0/n or n/n study (as metaprop)."""
    if x == 0 or x == m:
        a, b = x + CONTINUITY_CORRECTION, m - x + CONTINUITY_CORRECTION
    else:
        a, b = float(x), float(m - x)
    return math.log(a / b), 1.0 / a + 1.0 / b


def _freeman_tukey(x: int, m: int) -> tuple[float, float]:
    """Freeman-Tukey double arcsine (half-sum scale, as metaprop/metafor) and its variance."""
    t = 0.5 * (math.asin(math.sqrt(x / (m + 1))) + math.asin(math.sqrt((x + 1) / (m + 1))))
    return t, 1.0 / (4.0 * m + 2.0)


def _inverse_logit(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t))


def _inverse_freeman_tukey(t: float, n: float) -> float:
    """Miller's (1978) inversion of the double arcsine at sample size n, clamped to [0, 1]."""
    lowest = 0.5 * math.asin(math.sqrt(1.0 / (n + 1)))
    highest = 0.5 * (math.asin(math.sqrt(n / (n + 1))) + math.pi / 2.0)
    if t < lowest:
        return 0.0
    if t > highest:
        return 1.0
    s, c = math.sin(2.0 * t), math.cos(2.0 * t)
    sign = (c > 0) - (c < 0)
    inner = 1.0 - (s + (s - 1.0 / s) / n) ** 2
    return min(1.0, max(0.0, 0.5 * (1.0 - sign * math.sqrt(max(0.0, inner)))))


def _method_text(transform: str, level: float) -> str:
    pct = f"{100.0 * level:g}%"
    if transform == "logit":
        return (
            "random effects (inverse variance, DerSimonian-Laird tau²) on the logit scale, "
            f"0.5 added to studies with 0 or all events; {pct} Wald CI back-transformed"
        )
    return (
        "random effects (inverse variance, DerSimonian-Laird tau²) on the Freeman-Tukey double "
        f"arcsine scale; {pct} Wald CI back-transformed at the harmonic mean n (Miller 1978)"
    )


def pool_random_effects(
    events: Sequence[int], totals: Sequence[int], *, transform: str = "logit", level: float = 0.95
) -> PoolResult:
    """Random-effects pooled proportion over k studies, as metaprop(method = "Inverse", method.tau = "DL").

    Pooling happens on a variance-stabilizing scale (logit or Freeman-Tukey) because raw
    proportions near 0 or 1 have tiny, misleading variances. tau² is the DerSimonian-Laird moment
    estimate; Q is Cochran's heterogeneity statistic around the fixed-effect mean, I² = (Q - df) / Q
    floored at 0. With k < 3 tau² and I² rest on one or two degrees of freedom, hence the note.
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"unknown transform {transform!r}; expected one of {', '.join(TRANSFORMS)}")
    level = _check_level(level)
    if len(events) != len(totals):
        raise ValueError(f"events and totals differ in length ({len(events)} vs {len(totals)})")
    if not events:
        raise ValueError("nothing to pool: k = 0")
    pairs = [_check_counts(x, m) for x, m in zip(events, totals, strict=True)]
    k = len(pairs)
    to_scale = _logit if transform == "logit" else _freeman_tukey
    ys, vs = zip(*(to_scale(x, m) for x, m in pairs), strict=True)

    w = [1.0 / v for v in vs]
    sw = sum(w)
    fixed = sum(wi * yi for wi, yi in zip(w, ys, strict=True)) / sw
    df = k - 1
    tau2: float | None = None
    i2: float | None = None
    q: float | None = None
    q_p: float | None = None
    if k > 1:
        q = sum(wi * (yi - fixed) ** 2 for wi, yi in zip(w, ys, strict=True))
        c = sw - sum(wi * wi for wi in w) / sw
        tau2 = max(0.0, (q - df) / c)
        i2 = 100.0 * max(0.0, (q - df) / q) if q > 0 else 0.0
        q_p = _chi2_sf(q, df)
    wr = [1.0 / (v + (tau2 or 0.0)) for v in vs]
    te = sum(wi * yi for wi, yi in zip(wr, ys, strict=True)) / sum(wr)
    se = math.sqrt(1.0 / sum(wr))
    z = _z(level)

    if transform == "logit":
        back = _inverse_logit
    else:
        n_harmonic = k / sum(1.0 / m for _, m in pairs)

        def back(t: float) -> float:
            return _inverse_freeman_tukey(t, n_harmonic)

    note = NOTE_K1 if k == 1 else NOTE_FEW if k < 3 else None
    return PoolResult(
        k=k,
        events=sum(x for x, _ in pairs),
        n=sum(m for _, m in pairs),
        estimate=back(te),
        low=back(te - z * se),
        high=back(te + z * se),
        tau2=tau2,
        i2=i2,
        q=q,
        df=df,
        q_p=q_p,
        method=_method_text(transform, level),
        note=note,
        transform=transform,
        te=te,
        se=se,
        level=level,
    )


def subgroup_difference(results: Sequence[PoolResult]) -> tuple[float, int, float]:
    """Test whether pooled subgroups differ: (Q_between, df, p), as meta's random-effects subgroup test.

    Q_between is Cochran's Q of the subgroups' random-effects estimates (transformed scale, weights
    1 / se²) around their inverse-variance mean, compared with chi-square on groups - 1 df.
    """
    if len(results) < 2:
        raise ValueError(f"a subgroup test needs at least 2 pooled groups, got {len(results)}")
    transforms = {r.transform for r in results}
    if len(transforms) > 1:
        raise ValueError(f"subgroups pooled on different scales: {', '.join(sorted(transforms))}")
    w = [1.0 / (r.se * r.se) for r in results]
    mean = sum(wi * r.te for wi, r in zip(w, results, strict=True)) / sum(w)
    q = sum(wi * (r.te - mean) ** 2 for wi, r in zip(w, results, strict=True))
    df = len(results) - 1
    return q, df, _chi2_sf(q, df)
