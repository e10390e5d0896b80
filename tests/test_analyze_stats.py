"""Confidence intervals and random-effects pooling, checked against values computed independently.

Sources of the expected numbers, written here so each can be re-derived:
- "R" marks values printed by R 4.2.2 with metafor 3.8-1 (Debian r-cran-metafor), an implementation
  independent of imx: binom.test() (Clopper-Pearson), prop.test(correct = FALSE) (Wilson),
  rma(measure = "PLO" | "PFT", xi, ni, method = "DL") with predict(transf = transf.ilogit |
  transf.ipft.hm), and for the subgroup test rma(yi, sei, method = "FE")$QE over the subgroup
  estimates. The R script is in docs/statistics.md.
- Hand calculations in this file: Clopper-Pearson by bisection on the binomial CDF (math.comb), the
  Wilson closed form, and DerSimonian-Laird logit pooling worked step by step; chi-square tails for
  1 and 2 df by their closed forms (erfc(sqrt(q/2)) and exp(-q/2)). None of these touch scipy.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from imatinib_cli.analyze.stats import (
    NOTE_FEW,
    NOTE_K1,
    PoolResult,
    pool_random_effects,
    proportion_ci,
    subgroup_difference,
)

Z95 = 1.959963984540054  # standard normal 0.975 quantile
Z90 = 1.6448536269514722  # standard normal 0.95 quantile

# The seed data: GIST studies and non-GIST studies (responders, N).
GIST_EVENTS, GIST_N = [19, 79], [27, 147]
NON_GIST_EVENTS, NON_GIST_N = [13, 11, 0], [146, 40, 24]


# --- independent helpers (pure Python) -------------------------------------------------------


def binom_cdf(x: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(x + 1))


def bisect(f, lo: float = 0.0, hi: float = 1.0) -> float:
    """Root of a decreasing f on [lo, hi] with f(lo) > 0 > f(hi)."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def clopper_pearson_by_bisection(x: int, n: int, level: float) -> tuple[float, float]:
    """Upper: P(X <= x | p) = alpha/2. Lower: P(X >= x | p) = alpha/2, i.e. 1 - F(x-1) = alpha/2."""
    a = (1 - level) / 2
    low = 0.0 if x == 0 else bisect(lambda p: binom_cdf(x - 1, n, p) - (1 - a))
    high = 1.0 if x == n else bisect(lambda p: binom_cdf(x, n, p) - a)
    return low, high


def wilson_closed_form(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    center = (x + z * z / 2) / (n + z * z)
    half = z * math.sqrt(n) / (n + z * z) * math.sqrt(p * (1 - p) + z * z / (4 * n))
    return center - half, center + half


def dl_logit_by_hand(events: list[int], totals: list[int], z: float) -> dict[str, float]:
    """DerSimonian-Laird on the logit scale, each step as in a textbook."""
    y, v = [], []
    for x, n in zip(events, totals, strict=True):
        a, b = (x + 0.5, n - x + 0.5) if x in (0, n) else (x, n - x)
        y.append(math.log(a / b))
        v.append(1 / a + 1 / b)
    w = [1 / vi for vi in v]
    fixed = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    q = sum(wi * (yi - fixed) ** 2 for wi, yi in zip(w, y, strict=True))
    df = len(y) - 1
    c = sum(w) - sum(wi**2 for wi in w) / sum(w)
    tau2 = max(0.0, (q - df) / c)
    ws = [1 / (vi + tau2) for vi in v]
    mu = sum(wi * yi for wi, yi in zip(ws, y, strict=True)) / sum(ws)
    se = math.sqrt(1 / sum(ws))

    def expit(t: float) -> float:
        return 1 / (1 + math.exp(-t))

    return {
        "q": q,
        "tau2": tau2,
        "i2": 100 * max(0.0, (q - df) / q),
        "te": mu,
        "se": se,
        "estimate": expit(mu),
        "low": expit(mu - z * se),
        "high": expit(mu + z * se),
    }


def approx(value: float, rel: float = 1e-9, abs: float = 1e-12):  # noqa: A002
    return pytest.approx(value, rel=rel, abs=abs)


def r10(value: float):
    """A value R printed with 10 decimals: equal to within half a unit of the last digit."""
    return pytest.approx(value, rel=0, abs=6e-11)


# --- proportion_ci ---------------------------------------------------------------------------


def test_zero_of_24_exact_upper_bound_is_about_14_percent() -> None:
    low, high = proportion_ci(0, 24)
    assert low == 0.0
    # R: binom.test(0, 24)$conf.int -> 0, 0.1424735977; closed form 1 - 0.025^(1/24).
    assert high == r10(0.1424735977)
    assert high == approx(1 - 0.025 ** (1 / 24))


def test_79_of_147_exact_interval() -> None:
    low, high = proportion_ci(79, 147)
    # R: binom.test(79, 147)$conf.int -> 0.4533678979 0.6199236693
    assert (low, high) == (r10(0.4533678979), r10(0.6199236693))
    assert (round(100 * low, 1), round(100 * high, 1)) == (45.3, 62.0)


@pytest.mark.parametrize(
    ("x", "n", "level", "expected"),
    [
        # R: binom.test(x, n, conf.level = level)$conf.int
        (0, 24, 0.95, (0.0, 0.1424735977)),
        (0, 24, 0.90, (0.0, 0.1173461562)),
        (79, 147, 0.90, (0.4662704944, 0.6074124263)),
        (24, 24, 0.95, (0.8575264023, 1.0)),
        (24, 24, 0.90, (0.8826538438, 1.0)),
        (19, 27, 0.95, (0.4981863336, 0.8624734461)),
        (19, 27, 0.90, (0.5286084845, 0.8431809779)),
        (13, 146, 0.95, (0.0482652754, 0.1474497287)),
    ],
)
def test_exact_matches_r_and_binomial_bisection(x, n, level, expected) -> None:
    got = proportion_ci(x, n, level=level)
    assert got == (r10(expected[0]), r10(expected[1]))
    by_hand = clopper_pearson_by_bisection(x, n, level)
    assert got == (approx(by_hand[0], rel=1e-9), approx(by_hand[1], rel=1e-9))


@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [
        # R: prop.test(x, n, correct = FALSE)$conf.int
        (0, 24, (0.0, 0.1379762047)),
        (79, 147, (0.4568884275, 0.6160358208)),
        (24, 24, (0.8620237953, 1.0)),
        (19, 27, (0.5151931704, 0.8414695953)),
        (13, 146, (0.0527742715, 0.1463792809)),
    ],
)
def test_wilson_matches_r_and_closed_form(x, n, expected) -> None:
    got = proportion_ci(x, n, method="wilson")
    assert got == (r10(expected[0]), r10(expected[1]))
    hand = wilson_closed_form(x, n, Z95)
    assert got == (approx(hand[0], abs=1e-12), approx(hand[1], abs=1e-12))


def test_wilson_at_level_090_uses_the_090_quantile() -> None:
    hand = wilson_closed_form(79, 147, Z90)
    assert proportion_ci(79, 147, method="wilson", level=0.90) == (approx(hand[0]), approx(hand[1]))


def test_lower_level_gives_a_narrower_interval_inside_the_wider_one() -> None:
    for method in ("exact", "wilson"):
        lo95, hi95 = proportion_ci(19, 27, method=method)
        lo90, hi90 = proportion_ci(19, 27, method=method, level=0.90)
        assert lo95 < lo90 < 19 / 27 < hi90 < hi95


def test_full_counts_pin_the_bound_at_one_and_zero_counts_at_zero() -> None:
    for method in ("exact", "wilson"):
        assert proportion_ci(5, 5, method=method)[1] == 1.0
        assert proportion_ci(0, 5, method=method)[0] == 0.0
        assert 0.0 <= proportion_ci(1, 1, method=method)[0] < 1.0


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((1, 0), {}),
        ((0, 0), {}),
        ((5, 4), {}),
        ((-1, 4), {}),
        ((1, -4), {}),
        ((1.5, 4), {}),
        ((True, 4), {}),
        (("1", 4), {}),
        ((1, 4), {"method": "wald"}),
        ((1, 4), {"level": 95}),
        ((1, 4), {"level": 0.0}),
        ((1, 4), {"level": 1.0}),
    ],
)
def test_invalid_proportion_input_is_an_error(args, kwargs) -> None:
    with pytest.raises(ValueError):
        proportion_ci(*args, **kwargs)


def test_whole_number_floats_are_accepted_as_counts() -> None:
    assert proportion_ci(19.0, 27.0) == proportion_ci(19, 27)


# --- pool_random_effects: logit ----------------------------------------------------------------


def test_logit_gist_pair_matches_hand_calculation_and_r() -> None:
    res = pool_random_effects(GIST_EVENTS, GIST_N)
    hand = dl_logit_by_hand(GIST_EVENTS, GIST_N, Z95)
    # Worked by hand: y = log(19/8) = 0.864997, log(79/68) = 0.149940; v = 1/19 + 1/8 = 0.177632,
    # 1/79 + 1/68 = 0.027364; w = 1/v = 5.62963, 36.54422; fixed mean = 0.245390;
    # Q = sum w (y - 0.245390)^2 = 2.494233; C = sum w - sum w^2 / sum w = 9.756303;
    # tau2 = (Q - 1) / C = 0.153156; I2 = (Q - 1) / Q = 59.91%.
    assert hand["q"] == approx(2.494233, rel=1e-6)
    assert hand["tau2"] == approx(0.153156, rel=1e-5)
    assert hand["i2"] == approx(59.9075, rel=1e-5)
    for key in ("q", "tau2", "i2", "te", "se", "estimate", "low", "high"):
        assert getattr(res, key) == approx(hand[key]), key
    # R: rma(measure = "PLO", xi = c(19, 79), ni = c(27, 147), method = "DL")
    assert res.te == r10(0.4023950656)
    assert res.se == r10(0.3417400240)
    assert res.tau2 == r10(0.1531556196)
    assert res.i2 == r10(59.9075080314)
    assert res.q == r10(2.4942325879)
    assert res.q_p == r10(0.1142640611)
    assert res.q_p == approx(math.erfc(math.sqrt(res.q / 2)))  # chi-square, 1 df
    assert (res.estimate, res.low, res.high) == (
        r10(0.5992629641),
        r10(0.4335447474),
        r10(0.7450137789),
    )
    assert (res.k, res.events, res.n, res.df) == (2, 98, 174, 1)
    assert res.note == NOTE_FEW


def test_logit_non_gist_with_a_zero_study_uses_the_continuity_correction() -> None:
    res = pool_random_effects(NON_GIST_EVENTS, NON_GIST_N)
    hand = dl_logit_by_hand(NON_GIST_EVENTS, NON_GIST_N, Z95)
    for key in ("q", "tau2", "i2", "te", "se", "estimate", "low", "high"):
        assert getattr(res, key) == approx(hand[key]), key
    # R: rma(measure = "PLO", xi = c(13, 11, 0), ni = c(146, 40, 24), method = "DL")
    # (escalc adds 1/2 to both cells of the 0/24 study, as metaprop's incr = 0.5 does)
    assert res.te == r10(-1.9809404578)
    assert res.tau2 == r10(0.8672443020)
    assert res.i2 == r10(81.6445653120)
    assert res.q == r10(10.8959555249)
    assert res.q_p == r10(0.0043050016)
    assert res.q_p == approx(math.exp(-res.q / 2))  # chi-square, 2 df
    assert (res.estimate, res.low, res.high) == (
        r10(0.1212186202),
        r10(0.0374871216),
        r10(0.3282014508),
    )
    assert (res.k, res.events, res.n, res.df) == (3, 24, 210, 2)
    assert res.note is None
    assert "logit" in res.method and "DerSimonian-Laird" in res.method and "95%" in res.method


def test_logit_level_090() -> None:
    res = pool_random_effects(NON_GIST_EVENTS, NON_GIST_N, level=0.90)
    hand = dl_logit_by_hand(NON_GIST_EVENTS, NON_GIST_N, Z90)
    # R: rma(..., method = "DL", level = 90) with predict(transf = transf.ilogit)
    assert (res.low, res.high) == (r10(0.0455539301), r10(0.2850298918))
    assert (res.low, res.high) == (approx(hand["low"]), approx(hand["high"]))
    wide = pool_random_effects(NON_GIST_EVENTS, NON_GIST_N)
    assert res.estimate == approx(wide.estimate)
    assert wide.low < res.low < res.estimate < res.high < wide.high
    assert "90%" in res.method


def test_logit_all_events_studies() -> None:
    res = pool_random_effects([24, 10], [24, 10])
    # R: rma(measure = "PLO", xi = c(24, 10), ni = c(24, 10), method = "DL")
    assert res.te == r10(3.4737456959)
    assert res.tau2 == 0.0 and res.i2 == 0.0
    assert res.q == r10(0.1735745208)
    assert (res.estimate, res.low, res.high) == (
        r10(0.9699314521),
        r10(0.8147085189),
        r10(0.9957921685),
    )


def test_homogeneous_studies_have_no_heterogeneity() -> None:
    res = pool_random_effects([5, 5, 5], [20, 20, 20])
    assert res.q == approx(0.0) and res.tau2 == 0.0 and res.i2 == 0.0
    assert res.estimate == approx(0.25)
    assert res.q_p == approx(1.0)


def test_single_study_is_not_pooled_and_says_so() -> None:
    res = pool_random_effects([0], [24])
    # R: rma(measure = "PLO", xi = 0, ni = 24) -> estimate 0.5 / 24.5 as a proportion 0.02
    assert res.estimate == approx(0.02)
    assert (res.low, res.high) == (r10(0.0012395472), r10(0.2512659798))
    assert res.se == approx(math.sqrt(1 / 0.5 + 1 / 24.5))
    assert (res.k, res.df, res.tau2, res.i2, res.q, res.q_p) == (1, 0, None, None, None, None)
    assert res.note == NOTE_K1
    single = pool_random_effects([19], [27])
    assert single.estimate == approx(19 / 27)


# --- pool_random_effects: Freeman-Tukey ---------------------------------------------------------


def freeman_tukey(x: int, n: int) -> float:
    return 0.5 * (math.asin(math.sqrt(x / (n + 1))) + math.asin(math.sqrt((x + 1) / (n + 1))))


def miller_inverse(t: float, n: float) -> float:
    """Miller (1978): p = 1/2 [1 - sgn(cos 2t) sqrt(1 - (sin 2t + (sin 2t - 1/sin 2t) / n)^2)]."""
    if t < freeman_tukey(0, n):
        return 0.0
    if t > freeman_tukey(n, n):
        return 1.0
    s = math.sin(2 * t)
    return 0.5 * (1 - math.copysign(1, math.cos(2 * t)) * math.sqrt(1 - (s + (s - 1 / s) / n) ** 2))


def test_freeman_tukey_gist_pair_matches_r() -> None:
    res = pool_random_effects(GIST_EVENTS, GIST_N, transform="freeman-tukey")
    # R: rma(measure = "PFT", xi = c(19, 79), ni = c(27, 147), method = "DL"),
    #    predict(transf = transf.ipft.hm, targs = list(ni = c(27, 147)))
    assert res.te == r10(0.8825766938)
    assert res.se == r10(0.0793037976)
    assert res.tau2 == r10(0.0081919230)
    assert res.i2 == r10(60.3019681702)
    assert res.q == r10(2.5190165706)
    assert (res.estimate, res.low, res.high) == (
        r10(0.5986610422),
        r10(0.4406174630),
        r10(0.7472312862),
    )
    n_harmonic = 2 / (1 / 27 + 1 / 147)
    assert res.estimate == approx(miller_inverse(res.te, n_harmonic))
    assert "Freeman-Tukey" in res.method and "harmonic mean" in res.method


def test_freeman_tukey_non_gist_matches_r() -> None:
    res = pool_random_effects(NON_GIST_EVENTS, NON_GIST_N, transform="freeman-tukey")
    # Per-study values by definition: t = (asin sqrt(x/(n+1)) + asin sqrt((x+1)/(n+1))) / 2, v = 1/(4n+2)
    ys = [freeman_tukey(x, n) for x, n in zip(NON_GIST_EVENTS, NON_GIST_N, strict=True)]
    assert ys[2] == approx(0.5 * math.asin(math.sqrt(1 / 25)))
    # R: rma(measure = "PFT", xi = c(13, 11, 0), ni = c(146, 40, 24), method = "DL")
    assert res.te == r10(0.3288561389)
    assert res.tau2 == r10(0.0298301662)
    assert res.i2 == r10(85.5742370447)
    assert res.q == r10(13.8640847365)
    assert res.q_p == approx(math.exp(-res.q / 2))
    assert (res.estimate, res.low, res.high) == (
        r10(0.0949173735),
        r10(0.0041000697),
        r10(0.2605649118),
    )


def test_freeman_tukey_back_transform_clamps_at_zero_and_one() -> None:
    zero = pool_random_effects([0], [24], transform="freeman-tukey")
    # R: rma(measure = "PFT", xi = 0, ni = 24) -> estimate 0, CI 0 to 0.0704446239
    assert (zero.estimate, zero.low) == (0.0, 0.0)
    assert zero.high == r10(0.0704446239)
    full = pool_random_effects([24, 10], [24, 10], transform="freeman-tukey")
    # R: rma(measure = "PFT", xi = c(24, 10), ni = c(24, 10), method = "DL") -> 1, 0.9489807114, 1
    assert (full.estimate, full.high) == (1.0, 1.0)
    assert full.low == r10(0.9489807114)


@pytest.mark.parametrize(
    ("events", "totals", "kwargs"),
    [
        ([], [], {}),
        ([1, 2], [10], {}),
        ([11], [10], {}),
        ([1], [0], {}),
        ([-1], [10], {}),
        ([1.5], [10], {}),
        ([1], [10], {"transform": "arcsine"}),
        ([1], [10], {"level": 1.5}),
    ],
)
def test_invalid_pooling_input_is_an_error(events, totals, kwargs) -> None:
    with pytest.raises(ValueError):
        pool_random_effects(events, totals, **kwargs)


# --- subgroup_difference ---------------------------------------------------------------------


def q_between_by_hand(results: list[PoolResult]) -> float:
    w = [1 / r.se**2 for r in results]
    mean = sum(wi * r.te for wi, r in zip(w, results, strict=True)) / sum(w)
    return sum(wi * (r.te - mean) ** 2 for wi, r in zip(w, results, strict=True))


def test_subgroup_difference_logit_gist_vs_non_gist() -> None:
    gist = pool_random_effects(GIST_EVENTS, GIST_N)
    other = pool_random_effects(NON_GIST_EVENTS, NON_GIST_N)
    q, df, p = subgroup_difference([gist, other])
    # R: rma(yi = c(te_gist, te_other), sei = c(se_gist, se_other), method = "FE")$QE
    assert q == r10(10.6552793905)
    assert q == approx(q_between_by_hand([gist, other]))
    # Two groups: Q_between is the squared z of the difference.
    assert q == approx((gist.te - other.te) ** 2 / (gist.se**2 + other.se**2))
    assert df == 1
    assert p == r10(0.0010975716)
    assert p == approx(math.erfc(math.sqrt(q / 2)))


def test_subgroup_difference_freeman_tukey() -> None:
    gist = pool_random_effects(GIST_EVENTS, GIST_N, transform="freeman-tukey")
    other = pool_random_effects(NON_GIST_EVENTS, NON_GIST_N, transform="freeman-tukey")
    q, df, p = subgroup_difference([gist, other])
    # R: as above on the PFT estimates -> QE 16.9128900050, p 0.0000391349
    assert q == r10(16.9128900050)
    assert (df, p) == (1, approx(3.91349e-05, rel=1e-5))


def test_subgroup_difference_three_groups_and_identical_groups() -> None:
    groups = [pool_random_effects(GIST_EVENTS, GIST_N), pool_random_effects(NON_GIST_EVENTS, NON_GIST_N)]
    groups.append(pool_random_effects([5, 7], [20, 30]))
    q, df, p = subgroup_difference(groups)
    assert q == approx(q_between_by_hand(groups))
    assert df == 2 and p == approx(math.exp(-q / 2))
    same = pool_random_effects(GIST_EVENTS, GIST_N)
    assert subgroup_difference([same, same]) == (approx(0.0), 1, approx(1.0))


def test_subgroup_difference_needs_two_groups_on_one_scale() -> None:
    logit = pool_random_effects(GIST_EVENTS, GIST_N)
    ft = pool_random_effects(NON_GIST_EVENTS, NON_GIST_N, transform="freeman-tukey")
    with pytest.raises(ValueError):
        subgroup_difference([logit])
    with pytest.raises(ValueError):
        subgroup_difference([])
    with pytest.raises(ValueError):
        subgroup_difference([logit, ft])


# --- import cost -----------------------------------------------------------------------------


def test_importing_the_module_does_not_import_scipy() -> None:
    code = "import sys, imatinib_cli.analyze.stats; print('scipy' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
