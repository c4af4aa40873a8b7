"""Erlang B / C / A math: published figures, independent references and properties."""
from __future__ import annotations

import math
import time
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner import erlang as E
from planner.errors import PlannerError

DATA = Path(__file__).parents[1].parent / "shared" / "data"
REFERENCE = DATA / "erlang" / "reference_values.csv"


# --------------------------------------------------------------------------- independent references


def exact_erlang_b(n: int, load: Fraction) -> Fraction:
    """Erlang B from its definition with exact fractions: (A^n/n!) / sum_k A^k/k!."""
    terms = [load ** k / math.factorial(k) for k in range(n + 1)]
    return terms[-1] / sum(terms)


def exact_service_level(n: int, load: Fraction, aht_s: Fraction, answer_s: Fraction) -> Decimal:
    """Erlang C service level in 50-digit decimals from exact Erlang B."""
    getcontext().prec = 50
    b = exact_erlang_b(n, load)
    c = n * b / (n - load * (1 - b))
    expo = (-(n - load) * answer_s / aht_s)
    return 1 - Decimal(c.numerator) / Decimal(c.denominator) * (
        Decimal(expo.numerator) / Decimal(expo.denominator)).exp()


def birth_death_erlang_a(n: int, lam: float, aht_s: float, patience_s: float) -> dict:
    """M/M/n+M by truncating its birth-death chain: P(wait), P(abandon), mean wait."""
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    log_w = [0.0]
    for j in range(1, 5000):
        death = min(j, n) * mu + max(j - n, 0) * theta
        log_w.append(log_w[-1] + math.log(lam / death))
        if j > n and log_w[-1] < max(log_w) - 800:
            break
    w = np.exp(np.array(log_w) - max(log_w))
    p = w / w.sum()
    j = np.arange(len(p))
    queue = np.maximum(j - n, 0)
    mean_queue = float((queue * p).sum())
    return {"p_wait": float(p[n:].sum()), "p_abandon": theta * mean_queue / lam, "mean_wait_s": mean_queue / lam}


def expm(q: np.ndarray) -> np.ndarray:
    """Matrix exponential by scaling and squaring with a Taylor series (small matrices)."""
    norm = np.abs(q).sum(axis=1).max()
    squarings = max(0, int(math.ceil(math.log2(norm))) + 1) if norm > 0 else 0
    a = q / 2.0 ** squarings
    out, term = np.eye(len(q)), np.eye(len(q))
    for k in range(1, 30):
        term = term @ a / k
        out = out + term
    for _ in range(squarings):
        out = out @ out
    return out


def markov_service_level(n: int, lam: float, aht_s: float, patience_s: float, answer_s: float) -> float:
    """Erlang A answered-within-t over all arrivals from the arriving contact's own Markov chain.

    A contact that finds k others queued moves up at rate n mu + k theta, abandons at rate
    theta, and is answered from the head of the queue at rate n mu.
    """
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    log_w = [0.0]
    for j in range(1, n + 60):
        log_w.append(log_w[-1] + math.log(lam / (min(j, n) * mu + max(j - n, 0) * theta)))
    w = np.exp(np.array(log_w) - max(log_w))
    p = w / w.sum()
    size = len(p) - n  # positions 0..size-1, then answered, abandoned
    q = np.zeros((size + 2, size + 2))
    for k in range(size):
        move = n * mu + k * theta
        q[k, size if k == 0 else k - 1] += move
        q[k, size + 1] += theta
        q[k, k] = -(move + theta)
    answered = expm(q * answer_s)[:size, size]
    return float(p[:n].sum() + (p[n:] * answered).sum())


# --------------------------------------------------------------------------- published values


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _close_to_printed(value: float, printed: str) -> bool:
    return abs(value - float(printed)) <= 0.5 * 10.0 ** -_decimals(printed) + 1e-12


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"reference data absent: {REFERENCE} (shared/data not present)")
def test_every_reference_row_to_its_printed_precision():
    """Rows of shared/data/erlang/reference_values.csv; sources: Call Centre Helper's
    "Erlang C formula" worked example (callcentrehelper.com/erlang-c-formula-example-121281.htm),
    pyworkforce's MIT-licensed tests (test_erlang.py, test_abandonment.py @ca48925),
    PRODYNA exciting-algorithms numberofagentsforasa_test.go, and one computed row (Mitan)."""
    ref = pd.read_csv(REFERENCE, dtype=str, keep_default_na=False)
    assert len(ref) >= 8
    for row in ref.itertuples(index=False):
        calls, minutes, aht = float(row.calls), float(row.interval_min), float(row.aht_s)
        n, t = int(row.agents), float(row.target_s)
        load = E.load_erlangs(calls, aht, minutes)
        assert _close_to_printed(load, row.traffic_erl), row
        if row.model == "ErlangC":
            got = {"p_wait": E.erlang_c(n, load), "service_level": E.service_level(n, load, aht, t),
                   "asa_s": E.asa_s(n, load, aht), "occupancy": E.occupancy(n, load)}
        else:
            m = E.erlang_a_metrics(n, calls / (minutes * 60), aht, float(row.patience_s), t)
            # the reference's "ASA" (pyworkforce) is the mean wait over all arrivals
            got = {"p_wait": m.p_wait, "service_level": m.service_level, "asa_s": m.mean_wait_s,
                   "occupancy": m.occupancy, "p_abandon": m.p_abandon}
        for key, value in got.items():
            printed = getattr(row, key)
            assert _close_to_printed(value, printed), (row.source, n, key, value, printed)
        if "minimum N meeting 80/20" in row.note:
            assert E.agents_for_target(load, aht, 0.8, t) == n
        if "smallest N with ASA" in row.note:
            assert E.agents_for_target(load, aht, 0.0, t, asa_target_s=t) == n


def test_classic_call_centre_helper_case():
    """100 calls / 30 min, AHT 180 s, 80/20 -> 14 agents, SL 0.8884, P(wait) 0.1741, occupancy
    0.714, 20 staff at 30 % shrinkage (Call Centre Helper worked example)."""
    load = E.load_erlangs(100, 180, 30)
    assert load == pytest.approx(10.0)
    n = E.agents_for_target(load, 180, 0.8, 20)
    assert n == 14
    assert round(E.service_level(n, load, 180, 20), 4) == 0.8884
    assert round(E.erlang_c(n, load), 4) == 0.1741
    assert round(E.occupancy(n, load), 3) == 0.714
    assert E.staff_for_agents(n, 0.30) == 20
    assert E.service_level(13, load, 180, 20) < 0.8


def test_erlang_a_readme_figures():
    """Erlang A, patience 300 s, 14 agents (data README, pyworkforce test_abandonment.py)."""
    m = E.erlang_a_metrics(14, 100 / 1800, 180, 300, 20)
    assert round(m.p_wait, 5) == 0.14526
    assert round(m.p_abandon, 6) == 0.013984
    assert round(m.occupancy, 6) == 0.704297
    assert round(m.service_level, 6) == 0.916792
    assert m.mean_wait_s == pytest.approx(m.p_abandon * 300, rel=1e-9)  # Little's law
    assert m.service_level_answered == pytest.approx(m.service_level / (1 - m.p_abandon))
    assert 0 < m.asa_s < m.mean_wait_s / (1 - m.p_abandon) * 1.5


# --------------------------------------------------------------------------- exactness


def test_erlang_b_matches_exact_fractions():
    for n, a in [(1, Fraction(1, 2)), (5, Fraction(3)), (14, Fraction(10)), (30, Fraction(247, 10))]:
        assert E.erlang_b(n, float(a)) == pytest.approx(float(exact_erlang_b(n, a)), rel=1e-13)


def test_agents_for_target_is_the_true_minimum_by_exact_arithmetic():
    cases = [(Fraction(1, 20), 180, 20), (Fraction(13, 5), 240, 15), (Fraction(10), 180, 20),
             (Fraction(48), 240, 15), (Fraction(1, 1000), 300, 30), (Fraction(7, 2), 600, 0)]
    for load, aht, t in cases:
        n = E.agents_for_target(float(load), aht, 0.8, t)
        assert exact_service_level(n, load, Fraction(aht), Fraction(t)) >= Decimal("0.8")
        below = n - 1
        assert below <= load or exact_service_level(below, load, Fraction(aht), Fraction(t)) < Decimal("0.8")
    # low loads: the search starts at floor(load) + 1, never above the optimum
    # (a search starting at round(load + 1) = 4 would miss it)
    assert E.agents_for_target(2.6, 180, 0.8, 900) == 3
    assert exact_service_level(3, Fraction(13, 5), Fraction(180), Fraction(900)) >= Decimal("0.8")


def test_vectorised_search_equals_scalar_search():
    rng = np.random.default_rng(7)
    load = np.concatenate([[0.0, 1e-6, 0.5, 2.6, 5000.0], rng.uniform(0, 120, 300)])
    aht = rng.uniform(30, 900, load.size)
    target = rng.uniform(0.5, 0.95, load.size)
    t = rng.uniform(0, 120, load.size)
    occ = rng.uniform(0.7, 1.0, load.size)
    got = E.agents_for_target_array(load, aht, target, t, occ)
    want = [E.agents_for_target(*args) for args in zip(load, aht, target, t, occ)]
    assert got.tolist() == want


def test_shrinkage_rounding_ignores_float_noise():
    assert 21 / (1 - 0.3) > 30  # the float noise this guards against
    assert E.staff_for_agents(21, 0.3) == 30
    assert E.staff_for_agents(14, 0.3) == 20
    assert E.staff_for_agents(10, 0.0) == 10
    assert E.ceil_agents(30.001) == 31
    assert E.ceil_agents_array(np.array([21 / 0.7, 0.0, 2.5])).tolist() == [30, 0, 3]


def test_occupancy_cap_and_asa_target():
    assert E.agents_for_target(10, 180, 0.8, 20, max_occupancy=0.5) == 20
    assert E.agents_for_target(10, 180, 0.8, 20, max_occupancy=0.85) == 14  # 10/0.85 = 11.8 does not bind
    # PRODYNA: smallest N with ASA <= 120 s at 10 Erlangs, AHT 180 s is 12 (N = 11 gives 122.8 s)
    assert E.agents_for_target(10, 180, 0.0, 0, asa_target_s=120) == 12
    assert E.asa_s(11, 10, 180) > 120 >= E.asa_s(12, 10, 180)


# --------------------------------------------------------------------------- fractional agents


def test_continuous_erlang_b_matches_integers_and_its_integral():
    for a in [0.05, 1.0, 10.0, 250.0, 3000.0]:
        for n in [0, 1, 3, 12, int(a) + 5]:
            cont = float(np.exp(-E._log_inv_erlang_b(np.array([float(n)]), np.array([a])))[0])
            assert cont == pytest.approx(E.erlang_b(n, a), rel=1e-10)
    # x = 2.5, A = 3: 1/B = A * int_0^inf exp(-A t) (1 + t)^x dt by brute-force trapezoid
    t = np.linspace(0, 40, 400_001)
    f = 3.0 * np.exp(-3.0 * t) * (1 + t) ** 2.5
    inv_b = float(np.sum((f[1:] + f[:-1]) / 2 * np.diff(t)))
    assert E.erlang_b(2.5, 3.0) == pytest.approx(1 / inv_b, rel=1e-7)


def test_fractional_service_level_is_monotone_and_brackets_integers():
    xs = np.linspace(10.05, 20, 80)
    sl = [E.service_level_frac(x, 10, 180, 20) for x in xs]
    assert all(b > a for a, b in zip(sl, sl[1:]))
    assert E.service_level_frac(14, 10, 180, 20) == pytest.approx(E.service_level(14, 10, 180, 20), rel=1e-12)
    frac = E.agents_for_target_frac(10, 180, 0.8, 20)
    assert 13 < frac <= 14
    assert E.service_level_frac(frac, 10, 180, 20) == pytest.approx(0.8, abs=1e-9)


# --------------------------------------------------------------------------- properties


def test_service_level_rises_with_agents():
    for load in [0.3, 4.2, 37.0, 800.0]:
        first = int(load) + 1
        sl = [E.service_level(n, load, 240, 20) for n in range(first, first + 40)]
        assert all(b > a or a > 1 - 1e-12 for a, b in zip(sl, sl[1:]))  # strictly, until it reaches 1.0
        assert sl[0] < 0.99
        m = E.erlang_a_array(np.arange(1, first + 40, dtype=float), load / 240, 240.0, 120.0, 20.0)
        sla, pab = m["service_level"], m["p_abandon"]
        mid = (sla[:-1] > 1e-9) & (sla[:-1] < 1 - 1e-9)  # strictly where not saturated at 0 or 1
        assert np.all(np.diff(sla) > -1e-15) and np.all(np.diff(sla)[mid] > 0) and mid.sum() > 5
        assert np.all(np.diff(pab) < 0)


def test_zero_volume_needs_zero_agents():
    assert E.agents_for_target(0.0, 180, 0.8, 20) == 0
    assert E.agents_for_target_erlang_a(0.0, 180, 300, 0.8, 20) == 0
    assert E.agents_for_target_array(np.zeros(3), 180.0, 0.8, 20.0).tolist() == [0, 0, 0]
    assert E.service_level(0, 0.0, 180, 20) == 1.0


def test_huge_loads_neither_overflow_nor_hang():
    start = time.perf_counter()
    n = E.agents_for_target(5000.0, 180, 0.8, 20)
    sl = E.service_level(n, 5000.0, 180, 20)
    assert 5000 < n < 5100 and 0.8 <= sl < 1
    assert E.service_level(n - 1, 5000.0, 180, 20) < 0.8
    m = E.erlang_a_metrics(n, 5000 / 180, 180, 300, 20)
    assert all(math.isfinite(v) for v in vars(m).values())
    na = E.agents_for_target_erlang_a(5000 / 180, 180, 300, 0.8, 20)
    assert E.erlang_a_metrics(na, 5000 / 180, 180, 300, 20).service_level >= 0.8
    assert E.erlang_a_metrics(na - 1, 5000 / 180, 180, 300, 20).service_level < 0.8
    assert time.perf_counter() - start < 5


def test_erlang_a_matches_the_birth_death_chain():
    for n, lam, aht, patience in [(14, 100 / 1800, 180, 300), (3, 0.05, 60, 30), (40, 0.25, 180, 600),
                                  (5, 0.2, 60, 90)]:
        m = E.erlang_a_metrics(n, lam, aht, patience, 20)
        ref = birth_death_erlang_a(n, lam, aht, patience)
        assert m.p_wait == pytest.approx(ref["p_wait"], rel=1e-9)
        assert m.p_abandon == pytest.approx(ref["p_abandon"], rel=1e-8)
        assert m.mean_wait_s == pytest.approx(ref["mean_wait_s"], rel=1e-8)
        # answered within 0 s = not waiting; within a very long time = not abandoning
        assert E.erlang_a_metrics(n, lam, aht, patience, 0).service_level == pytest.approx(1 - m.p_wait, abs=1e-12)
        assert E.erlang_a_metrics(n, lam, aht, patience, 1e7).service_level == pytest.approx(1 - m.p_abandon,
                                                                                           abs=1e-10)


def test_erlang_a_service_level_matches_the_markov_chain():
    for n, lam, aht, patience, t in [(14, 100 / 1800, 180, 300, 20), (3, 0.05, 60, 30, 10), (2, 0.01, 600, 5, 3),
                                     (5, 0.2, 60, 90, 45), (1, 0.004, 300, 1000, 120)]:
        m = E.erlang_a_metrics(n, lam, aht, patience, t)
        assert m.service_level == pytest.approx(markov_service_level(n, lam, aht, patience, t), abs=1e-9)


def test_erlang_a_tends_to_erlang_c_as_patience_grows():
    gaps = []
    for patience in [1e3, 1e5, 1e7, 1e9]:
        m = E.erlang_a_metrics(14, 100 / 1800, 180, patience, 20)
        gaps.append(abs(m.service_level - E.service_level(14, 10, 180, 20)))
        assert m.p_wait <= E.erlang_c(14, 10) + 1e-12
    assert all(b < a for a, b in zip(gaps, gaps[1:]))
    assert gaps[-1] < 1e-7
    m = E.erlang_a_metrics(14, 100 / 1800, 180, 1e9, 20)
    assert m.asa_s == pytest.approx(E.asa_s(14, 10, 180), rel=1e-5)
    assert m.p_wait == pytest.approx(E.erlang_c(14, 10), rel=1e-6)


def test_erlang_a_staffing_is_the_true_minimum():
    for lam, aht, pat, target, t, mab in [(100 / 1800, 180, 300, 0.8, 20, None), (0.5, 240, 120, 0.9, 30, None),
                                          (0.01, 180, 60, 0.8, 20, None), (100 / 1800, 180, 300, 0.8, 20, 0.005)]:
        n = E.agents_for_target_erlang_a(lam, aht, pat, target, t, mab)

        def ok(k):
            m = E.erlang_a_metrics(k, lam, aht, pat, t)
            return m.service_level >= target and (mab is None or m.p_abandon <= mab)

        assert ok(n) and not ok(n - 1)
        assert [k for k in range(0, n + 1) if ok(k)] == [n]


# --------------------------------------------------------------------------- tiny volumes


@pytest.mark.parametrize("per_hour", [0.05, 0.2, 1.0])
def test_a_queue_with_a_contact_now_and_then_needs_exactly_one_agent(per_hour):
    # M/M/1 by hand: P(wait) = rho, SL = 1 - rho exp(-(1 - rho) t / AHT); at 0.2 an hour and
    # 300 s, rho = 1/60 and SL = 98.4 % >= 80 %, so 1 agent (0 cannot answer anything).
    load = E.load_erlangs(per_hour, 300.0, 60)
    assert load == pytest.approx(per_hour * 300 / 3600)
    hand = 1 - load * math.exp(-(1 - load) * 20 / 300)
    assert E.service_level(1, load, 300.0, 20.0) == pytest.approx(hand, rel=1e-12)
    assert hand >= 0.8
    assert E.agents_for_target(load, 300.0, 0.8, 20.0, max_occupancy=0.85) == 1
    arr = E.agents_for_target_array(np.array([load, 0.0]), np.array([300.0, 300.0]), np.array([0.8, 0.8]),
                                    np.array([20.0, 20.0]), 0.85)
    assert arr.tolist() == [1, 0]
    lam = per_hour / 3600.0
    assert E.agents_for_target_erlang_a_array(np.array([lam]), np.array([300.0]), np.array([180.0]),
                                              np.array([0.8]), np.array([20.0])).tolist() == [1]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, fragment", [
    (lambda: E.service_level(14, 10, -180, 20), "aht_s"),
    (lambda: E.agents_for_target(10, -5, 0.8, 20), "-5"),
    (lambda: E.agents_for_target(10, 180, 1.2, 20), "target_service_level"),
    (lambda: E.agents_for_target(10, 180, 0.8, -1), "answer_s"),
    (lambda: E.agents_for_target(-1, 180, 0.8, 20), "load_erlangs"),
    (lambda: E.agents_for_target(10, 180, 0.8, 20, max_occupancy=0), "max_occupancy"),
    (lambda: E.erlang_a_metrics(14, 0.05, 180, 0, 20), "patience_s"),
    (lambda: E.staff_for_agents(10, 1.0), "shrinkage"),
    (lambda: E.erlang_c(float("nan"), 10), "agents"),
])
def test_bad_inputs_raise_planner_error_naming_the_argument(call, fragment):
    with pytest.raises(PlannerError) as info:
        call()
    assert fragment in str(info.value)
