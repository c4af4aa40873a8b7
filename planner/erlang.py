"""Queueing math for staffing, on plain numbers: Erlang B, Erlang C (M/M/n) and Erlang A (M/M/n+M).

Units: loads in Erlangs (arrival rate x AHT), times in seconds, probabilities and service
levels as fractions 0-1. Scalar functions take and return Python numbers; the functions
ending in ``_array`` take numpy arrays (broadcast together) and are what the frame-level
staffing step uses.

Numerics. Integer Erlang B uses the recursion B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)),
which is stable at any load (5,000 Erlangs take 5,000 steps, no factorials, no overflow).
Fractional agents use the standard continuous extension of Erlang B,
1/B(x, A) = A * integral_0^inf exp(-A t) (1 + t)^x dt (Jagerman 1974), evaluated in log space
by Gauss-Legendre quadrature after the substitution t = e^s - 1, which makes the integrand
log-concave and entire. Erlang A uses the offered-wait density of the M/M/n+G queue
(Baccelli & Hebuterne 1981; formulas as summarised by Mandelbaum & Zeltyn, "The M/M/n+G
queue: summary of performance measures", 2005) with exponential patience, integrated the
same way. Every function agrees with the others where their domains meet (integer x,
patience -> infinity), and the tests check it.

Definitions used throughout:
- p_wait: probability an arriving contact waits at all (Erlang C: C(n, A)).
- service_level (Erlang C): P(wait <= answer_s) = 1 - C exp(-(n - A) answer_s / aht_s).
- asa_s: mean wait of answered contacts; occupancy: A / n (share of agent time busy).
- Erlang A service_level: contacts answered within answer_s over ALL arrivals (abandoned
  ones count as failures); service_level_answered: the same over answered contacts only;
  mean_wait_s: mean time in queue over all arrivals (= p_abandon x patience, Little's law;
  this is what pyworkforce calls ASA); asa_s: mean wait of answered contacts.
A target counts as met when the computed service level is at least the target minus
1e-12 (computations are accurate to ~1e-15, so only constructed exact ties are affected).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.errors import PlannerError

_SL_TOL = 1e-12
_ROUND_TOL = 1e-9
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)
_DROP = 45.0  # log-integrand drop that bounds the quadrature window (e^-45 ~ 3e-20)


# --------------------------------------------------------------------------- checks


def _number(name: str, value: float, lo: float | None = 0.0, hi: float | None = None,
            lo_open: bool = False, unit: str = "") -> float:
    """Return `value` as float or raise PlannerError naming the argument and the range."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise PlannerError(f"{name}: expected a number{unit}, got {value!r}") from None
    bad = not math.isfinite(v) or (lo is not None and (v < lo or (lo_open and v == lo))) or (
        hi is not None and v > hi)
    if bad:
        rng = []
        if lo is not None:
            rng.append(f"{'above' if lo_open else 'at least'} {lo:g}")
        if hi is not None:
            rng.append(f"at most {hi:g}")
        raise PlannerError(f"{name}: expected a finite number{unit} {' and '.join(rng)}, got {value!r}")
    return v


def _check_target(target_service_level: float) -> float:
    return _number("target_service_level", target_service_level, 0.0, 1.0,
                   unit=" (a fraction 0-1, e.g. 0.8 for 80 %)")


def _check_occupancy(max_occupancy: float) -> float:
    return _number("max_occupancy", max_occupancy, 0.0, 1.0, lo_open=True, unit=" (a fraction 0-1)")


def ceil_agents(x: float) -> int:
    """Round an agent count up, ignoring float noise (30.000000000000004 -> 30, 30.001 -> 31)."""
    return int(math.ceil(x - _ROUND_TOL * max(1.0, abs(x))))


def ceil_agents_array(x: np.ndarray) -> np.ndarray:
    """Vectorised `ceil_agents`: float array -> int64 array."""
    x = np.asarray(x, dtype=float)
    return np.ceil(x - _ROUND_TOL * np.maximum(1.0, np.abs(x))).astype(np.int64)


def staff_for_agents(agents: float, shrinkage: float) -> int:
    """Return the staff to schedule so that `agents` remain after `shrinkage` (0-1), rounded up."""
    s = _number("shrinkage", shrinkage, 0.0, 1.0, unit=" (a fraction 0-1)")
    if s >= 1.0:
        raise PlannerError(f"shrinkage: expected a fraction below 1, got {shrinkage!r}")
    return ceil_agents(_number("agents", agents) / (1.0 - s))


def load_erlangs(volume: float, aht_s: float, interval_minutes: float) -> float:
    """Return the offered load in Erlangs: volume x AHT / interval length."""
    v = _number("volume", volume, unit=" of contacts")
    a = _number("aht_s", aht_s, unit=" of seconds")
    m = _number("interval_minutes", interval_minutes, 0.0, lo_open=True, unit=" of minutes")
    return v * a / (m * 60.0)


# --------------------------------------------------------------------------- Erlang B and C


def erlang_b(agents: float, load_erlangs: float) -> float:
    """Return the Erlang B blocking probability for `agents` (integer or fractional) at a load."""
    n = _number("agents", agents)
    a = _number("load_erlangs", load_erlangs)
    if a == 0.0:
        return 1.0 if n == 0 else 0.0
    if n == int(n):
        b = 1.0
        for k in range(1, int(n) + 1):
            b = a * b / (k + a * b)
        return b
    return float(np.exp(-_log_inv_erlang_b(np.array([n]), np.array([a])))[0])


def erlang_c(agents: float, load_erlangs: float) -> float:
    """Return the Erlang C probability that a contact waits (1 when agents <= load; agents may be fractional)."""
    n = _number("agents", agents)
    a = _number("load_erlangs", load_erlangs)
    if a == 0.0:
        return 0.0
    if n <= a:
        return 1.0
    b = erlang_b(n, a)
    return n * b / (n - a * (1.0 - b))


def service_level(agents: float, load_erlangs: float, aht_s: float, answer_s: float) -> float:
    """Return the Erlang C share of contacts answered within `answer_s` seconds (0 if unstable)."""
    n = _number("agents", agents)
    a = _number("load_erlangs", load_erlangs)
    aht = _number("aht_s", aht_s, unit=" of seconds")
    t = _number("answer_s", answer_s, unit=" of seconds")
    if a == 0.0:
        return 1.0
    if n <= a:
        return 0.0
    return 1.0 - erlang_c(n, a) * math.exp(-(n - a) * t / aht)


def asa_s(agents: float, load_erlangs: float, aht_s: float) -> float:
    """Return the Erlang C average speed of answer in seconds (inf when agents <= load)."""
    n = _number("agents", agents)
    a = _number("load_erlangs", load_erlangs)
    aht = _number("aht_s", aht_s, unit=" of seconds")
    if a == 0.0:
        return 0.0
    if n <= a:
        return math.inf
    return erlang_c(n, a) * aht / (n - a)


def occupancy(agents: float, load_erlangs: float) -> float:
    """Return the share of agent time busy with contacts: load / agents, at most 1."""
    n = _number("agents", agents)
    a = _number("load_erlangs", load_erlangs)
    if a == 0.0:
        return 0.0
    return 1.0 if n <= a else a / n


def agents_for_target(load_erlangs: float, aht_s: float, target_service_level: float, answer_s: float,
                      max_occupancy: float = 1.0, asa_target_s: float | None = None) -> int:
    """Return the smallest whole number of agents meeting an Erlang C service target.

    The answer meets every given condition: service level >= target within `answer_s`
    seconds, occupancy <= `max_occupancy`, and ASA <= `asa_target_s` seconds when given.
    The search starts at the smallest stable count (floor(load) + 1), never above the optimum.
    """
    a = _number("load_erlangs", load_erlangs)
    aht = _number("aht_s", aht_s, 0.0, lo_open=True, unit=" of seconds")
    target = _check_target(target_service_level)
    t = _number("answer_s", answer_s, unit=" of seconds")
    occ = _check_occupancy(max_occupancy)
    asa_t = None if asa_target_s is None else _number("asa_target_s", asa_target_s, unit=" of seconds")
    if a == 0.0:
        return 0
    n_min = max(int(math.floor(a)) + 1, ceil_agents(a / occ))
    n_max = _search_limit(a)
    b = 1.0
    for n in range(1, n_max + 1):
        b = a * b / (n + a * b)
        if n < n_min:
            continue
        c = n * b / (n - a * (1.0 - b))
        sl = 1.0 - c * math.exp(-(n - a) * t / aht)
        ok = sl >= target - _SL_TOL
        if ok and asa_t is not None:
            ok = c * aht / (n - a) <= asa_t * (1 + _SL_TOL)
        if ok:
            return n
    raise PlannerError(f"target_service_level: {target:g} within {t:g} s is not reachable at a load of "
                       f"{a:g} Erlangs with up to {n_max} agents; lower the target")


def _search_limit(a: float) -> int:
    return int(a + 60.0 * math.sqrt(a) + 200)


def erlang_c_array(agents: np.ndarray, load: np.ndarray, aht_s: np.ndarray, answer_s: np.ndarray) -> dict:
    """Return Erlang C p_wait, service_level, asa_s, occupancy for arrays (agents may be fractional).

    Rows with zero load give p_wait 0, service level 1, ASA 0, occupancy 0; unstable rows
    (agents <= load) give p_wait 1, service level 0, ASA NaN (the queue grows without bound),
    occupancy 1.
    """
    n, a, aht, t = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (agents, load, aht_s, answer_s)))
    n, a, aht, t = (x.ravel() for x in (n, a, aht, t))
    p_wait = np.zeros(n.shape)
    sl = np.ones(n.shape)
    asa = np.zeros(n.shape)
    occ = np.zeros(n.shape)
    unstable = (a > 0) & (n <= a)
    p_wait[unstable], sl[unstable], asa[unstable], occ[unstable] = 1.0, 0.0, np.nan, 1.0
    ok = (a > 0) & (n > a)
    if ok.any():
        nn, aa = n[ok], a[ok]
        b = erlang_b_array(nn, aa)
        c = nn * b / (nn - aa * (1.0 - b))
        p_wait[ok] = c
        sl[ok] = 1.0 - c * np.exp(-(nn - aa) * t[ok] / aht[ok])
        asa[ok] = c * aht[ok] / (nn - aa)
        occ[ok] = aa / nn
    return {"p_wait": p_wait, "service_level": sl, "asa_s": asa, "occupancy": occ}


def erlang_b_array(agents: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Return Erlang B for arrays of agents (integer or fractional) and loads (> 0)."""
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=float), np.asarray(load, dtype=float))
    n, a = n.ravel(), a.ravel()
    out = np.empty(n.shape)
    whole = n == np.round(n)
    if whole.any():
        nw, aw = n[whole].astype(np.int64), a[whole]
        order = np.argsort(nw, kind="stable")
        ns, as_ = nw[order], aw[order]
        b = np.ones(ns.shape)
        for k in range(1, int(ns.max(initial=0)) + 1):  # rows still recursing form a suffix
            lo = int(np.searchsorted(ns, k, side="left"))
            bs, al = b[lo:], as_[lo:]
            b[lo:] = al * bs / (k + al * bs)
        result = np.empty(ns.shape)
        result[order] = b
        out[whole] = result
    if (~whole).any():
        out[~whole] = np.exp(-_log_inv_erlang_b(n[~whole], a[~whole]))
    return out


def agents_for_target_array(load: np.ndarray, aht_s: np.ndarray, target_service_level: np.ndarray,
                            answer_s: np.ndarray, max_occupancy: np.ndarray | float = 1.0,
                            asa_target_s: np.ndarray | float | None = None) -> np.ndarray:
    """Vectorised `agents_for_target`: the smallest whole agents per row (int64 array).

    One Erlang B recursion runs over all rows at once, each row leaving when it meets its
    target; rows with zero load need 0 agents. Inputs must already be checked.
    """
    arrays = [load, aht_s, target_service_level, answer_s, max_occupancy,
              np.inf if asa_target_s is None else asa_target_s]
    a, aht, target, t, occ, asa_t = (x.ravel().copy() for x in np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in arrays)))
    result = np.zeros(a.shape, dtype=np.int64)
    idx = np.nonzero(a > 0)[0]
    if idx.size == 0:
        return result
    a, aht, target, t, occ, asa_t = a[idx], aht[idx], target[idx], t[idx], occ[idx], asa_t[idx]
    n_min = np.maximum(np.floor(a).astype(np.int64) + 1, ceil_agents_array(a / occ))
    n_max = int(_search_limit(float(a.max())))
    b = np.ones(a.shape)
    n = 0
    while idx.size:
        n += 1
        if n > n_max:
            raise PlannerError(f"target_service_level: not reachable with up to {n_max} agents; lower the target")
        b = a * b / (n + a * b)
        check = n >= n_min
        if not check.any():
            continue
        c = n * b[check] / (n - a[check] * (1.0 - b[check]))
        gap = n - a[check]
        sl = 1.0 - c * np.exp(-gap * t[check] / aht[check])
        ok = (sl >= target[check] - _SL_TOL) & (c * aht[check] / gap <= asa_t[check] * (1 + _SL_TOL))
        if ok.any():
            done_pos = np.nonzero(check)[0][ok]
            result[idx[done_pos]] = n
            keep = np.ones(idx.shape, dtype=bool)
            keep[done_pos] = False
            idx, a, aht, target, t, occ, asa_t, n_min, b = (
                x[keep] for x in (idx, a, aht, target, t, occ, asa_t, n_min, b))
    return result


# --------------------------------------------------------------------------- fractional agents


def _p(v: np.ndarray, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Row parameters `v[rows]` shaped to broadcast against x (rows,) or (rows, nodes)."""
    sel = v[rows]
    return sel[:, None] if np.ndim(x) == 2 else sel


def _log_concave_integrals(g, dg, d2g, peak, extra, upto=None, scale=None):
    """Integrate exp(g(x)) * f(x) over [0, inf) for a concave g, row-wise, in log space.

    g, dg, d2g: callables (x, rows) giving g and its derivatives for the parameter rows
    `rows`, x of shape (rows,) or (rows, nodes); peak: the maximiser of g on [0, inf) per
    row; extra: a callable (x, rows) -> list of factors f(x) >= 0, each integrated; upto:
    (limits, factor) for one more integral over [0, limit] per row; scale: an optional
    per-row length below which the factors may vary. The window runs where g is within
    _DROP of its peak; each side of the peak is cut into panels that double in length
    away from it (h0, 2 h0, 4 h0, ...), so features at every scale are resolved, and each
    panel gets Gauss-Legendre nodes. Returns (g_peak, [integrals of exp(g - g_peak) * f]).
    """
    every = np.arange(peak.size)
    gp = g(peak, every)
    slope = np.abs(dg(peak, every))
    curv = np.sqrt(np.maximum(-d2g(peak, every), 1e-300))
    h0 = np.minimum(1.0 / np.maximum(slope, 1e-300), 1.0 / curv)
    if scale is not None:
        h0 = np.minimum(h0, scale)
    h0 = np.maximum(h0, 1e-12 * np.maximum(peak, 1.0))
    right_h = h0.copy()  # right end: double the step until g has dropped by _DROP
    rows = every
    steps_right = 0
    for steps_right in range(1, 400):
        far = g(peak[rows] + right_h[rows], rows) <= gp[rows] - _DROP
        rows = rows[~far]
        if rows.size == 0:
            break
        right_h[rows] *= 2.0
    left_h = np.minimum(h0, peak)
    rows = every[peak > 0]
    steps_left = 0
    for steps_left in range(1, 400):
        far = (left_h[rows] >= peak[rows]) | (g(peak[rows] - left_h[rows], rows) <= gp[rows] - _DROP)
        rows = rows[~far]
        if rows.size == 0:
            break
        left_h[rows] = np.minimum(2.0 * left_h[rows], peak[rows])
    count = len(extra(np.zeros(1), every[:1]))
    right_edges = [peak] + [peak + np.minimum(h0 * 2.0 ** j, right_h) for j in range(steps_right)]
    left_edges = [peak] + [peak - np.minimum(h0 * 2.0 ** j, left_h) for j in range(steps_left)]
    panels = list(zip(right_edges[:-1], right_edges[1:])) + [(lo, hi) for hi, lo in
                                                             zip(left_edges[:-1], left_edges[1:])]

    def panel(lo, hi, fs, k):
        sums = [np.zeros(gp.shape) for _ in range(k)]
        rows = np.nonzero(hi > lo)[0]  # empty panels cost nothing
        if rows.size == 0:
            return sums
        half = 0.5 * (hi[rows] - lo[rows])
        x = (0.5 * (hi[rows] + lo[rows]))[:, None] + half[:, None] * _GL_NODES[None, :]
        base = np.exp(g(x, rows) - gp[rows, None])
        for total, f in zip(sums, fs(x, rows)):
            total[rows] = half * ((base * f) @ _GL_WEIGHTS)
        return sums

    out = [np.zeros(gp.shape) for _ in range(count)]
    last = np.zeros(gp.shape)
    for lo, hi in panels:
        for total, part in zip(out, panel(lo, hi, extra, count)):
            total += part
        if upto is not None:
            limit, factor = upto
            last += panel(lo, np.clip(limit, lo, hi), factor, 1)[0]
    if upto is not None:
        out.append(last)
    return gp, out


def _one(x, rows):
    return [1.0]


def _log_inv_erlang_b(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Return log(1 / B(x, A)) for real x > -1 and loads A > 0 (continuous Erlang B)."""
    x = np.asarray(x, dtype=float)
    a = np.asarray(a, dtype=float)
    x1 = x + 1.0

    def g(s, rows):
        return -_p(a, s, rows) * np.expm1(s) + _p(x1, s, rows) * s

    def dg(s, rows):
        return -_p(a, s, rows) * np.exp(s) + _p(x1, s, rows)

    def d2g(s, rows):
        return -_p(a, s, rows) * np.exp(s)

    peak = np.where(x1 > a, np.log(np.maximum(x1, 1e-300) / a), 0.0)
    gp, (integral,) = _log_concave_integrals(g, dg, d2g, peak, _one)
    return np.log(a) + gp + np.log(integral)


def erlang_c_frac(agents: float, load_erlangs: float) -> float:
    """Return the Erlang C probability of waiting for a fractional number of agents (as `erlang_c`)."""
    return erlang_c(agents, load_erlangs)


def service_level_frac(agents: float, load_erlangs: float, aht_s: float, answer_s: float) -> float:
    """Return the Erlang C service level for a fractional number of agents (for what-ifs)."""
    m = erlang_c_array(np.array([_number("agents", agents)]), np.array([_number("load_erlangs", load_erlangs)]),
                       np.array([_number("aht_s", aht_s, 0.0, lo_open=True)]),
                       np.array([_number("answer_s", answer_s)]))
    return float(m["service_level"][0])


def agents_for_target_frac(load_erlangs: float, aht_s: float, target_service_level: float, answer_s: float,
                           max_occupancy: float = 1.0, asa_target_s: float | None = None) -> float:
    """Return the fractional agents at which the Erlang C target is just met (continuous Erlang C).

    It lies between n - 1 and n for n = `agents_for_target(...)`; useful for aggregate what-ifs.
    """
    n = agents_for_target(load_erlangs, aht_s, target_service_level, answer_s, max_occupancy, asa_target_s)
    if n == 0:
        return 0.0
    a, aht, t = float(load_erlangs), float(aht_s), float(answer_s)
    lo_bound = max(a, a / max_occupancy, n - 1.0)

    def ok(x: float) -> bool:
        m = erlang_c_array(np.array([x]), np.array([a]), np.array([aht]), np.array([t]))
        good = m["service_level"][0] >= target_service_level - _SL_TOL
        if asa_target_s is not None:
            good = good and m["asa_s"][0] <= asa_target_s * (1 + _SL_TOL)
        return bool(good) and x >= a / max_occupancy * (1 - _SL_TOL)

    lo, hi = lo_bound, float(n)
    if ok(lo):
        return lo
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


# --------------------------------------------------------------------------- Erlang A


@dataclass(frozen=True)
class ErlangAMetrics:
    """Erlang A (M/M/n+M) figures for one queue; fractions 0-1, times in seconds.

    service_level: answered within answer_s over all arrivals; service_level_answered:
    over answered contacts; mean_wait_s: time in queue over all arrivals (abandoners
    included); asa_s: mean wait of answered contacts.
    """

    p_wait: float
    p_abandon: float
    service_level: float
    service_level_answered: float
    asa_s: float
    mean_wait_s: float
    occupancy: float


def erlang_a_array(agents: np.ndarray, arrival_rate_per_s: np.ndarray, aht_s: np.ndarray,
                   patience_s: np.ndarray, answer_s: np.ndarray, with_asa: bool = True) -> dict:
    """Return Erlang A metrics for arrays (agents may be fractional; inputs must be checked).

    Keys: p_wait, p_abandon, service_level, service_level_answered, asa_s, mean_wait_s,
    occupancy (asa_s is NaN when `with_asa` is False, which saves time). Zero arrivals give service level 1 and zeros elsewhere; zero agents give
    p_wait = p_abandon = 1 and service level 0.
    """
    n, lam, aht, pat, t = (x.ravel() for x in np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (agents, arrival_rate_per_s, aht_s, patience_s, answer_s))))
    size = n.shape
    out = {k: np.zeros(size) for k in ("p_wait", "p_abandon", "service_level", "service_level_answered",
                                        "asa_s", "mean_wait_s", "occupancy")}
    out["service_level"][:] = 1.0
    out["service_level_answered"][:] = 1.0
    busy = lam * aht > 0
    none = busy & (n <= 0)
    out["p_wait"][none] = out["p_abandon"][none] = 1.0
    out["service_level"][none] = 0.0
    out["service_level_answered"][none] = np.nan
    out["asa_s"][none] = np.nan
    out["mean_wait_s"][none] = pat[none]
    sel = busy & (n > 0)
    if not sel.any():
        return out
    n, lam, aht, pat, t = n[sel], lam[sel], aht[sel], pat[sel], t[sel]
    mu, theta = 1.0 / aht, 1.0 / pat
    a = lam * aht
    whole = bool(np.all(n == np.round(n)))
    with np.errstate(divide="ignore"):  # E = 1 / B(n - 1, A); B underflows to 0 only when n >> A
        log_e = -np.log(erlang_b_array(n - 1.0, a)) if whole else _log_inv_erlang_b(n - 1.0, a)
    nmu = n * mu

    def g(x, rows):
        th = _p(theta, x, rows)
        return _p(lam, x, rows) * (-np.expm1(-th * x)) / th - _p(nmu, x, rows) * x

    def dg(x, rows):
        return _p(lam, x, rows) * np.exp(-_p(theta, x, rows) * x) - _p(nmu, x, rows)

    def d2g(x, rows):
        th = _p(theta, x, rows)
        return -_p(lam, x, rows) * th * np.exp(-th * x)

    peak = np.where(lam > nmu, np.log(np.maximum(lam, 1e-300) / nmu) / theta, 0.0)

    def factors(x, rows):
        th = _p(theta, x, rows)
        served = np.exp(-th * x)
        gone = -np.expm1(-th * x)
        return [1.0, gone, x * served] if with_asa else [1.0, gone]

    def served(x, rows):
        return [np.exp(-_p(theta, x, rows) * x)]

    gp, integrals = _log_concave_integrals(g, dg, d2g, peak, factors, upto=(t, served), scale=pat)
    i_all, i_abandon, i_served_t = integrals[0], integrals[1], integrals[-1]
    i_xserved = integrals[2] if with_asa else np.full(n.shape, np.nan)
    log_lam_j = np.log(lam) + gp + np.log(i_all)
    log_z = np.logaddexp(log_e, log_lam_j)
    dens = np.exp(np.log(lam) + gp - log_z)  # density prefactor, times exp(g_peak)
    p_zero = np.exp(log_e - log_z)
    p_wait = np.exp(log_lam_j - log_z)
    p_ab = np.minimum(dens * i_abandon, 1.0)
    served = 1.0 - p_ab
    sl = p_zero + dens * i_served_t
    res = {
        "p_wait": p_wait,
        "p_abandon": p_ab,
        "service_level": np.minimum(sl, 1.0),
        "service_level_answered": np.minimum(np.where(served > 0, sl / np.where(served > 0, served, 1), np.nan), 1.0),
        "asa_s": np.where(served > 0, dens * i_xserved / np.where(served > 0, served, 1), np.nan),
        "mean_wait_s": p_ab * pat,
        "occupancy": np.minimum(a * served / n, 1.0),
    }
    for k, v in res.items():
        out[k][sel] = v
    return out


def erlang_a_metrics(agents: float, arrival_rate_per_s: float, aht_s: float, patience_s: float,
                     answer_s: float) -> ErlangAMetrics:
    """Return Erlang A (M/M/n+M) figures: `agents` (may be fractional), arrivals per second,
    mean handle time and mean patience in seconds, and the answer threshold in seconds."""
    n = _number("agents", agents)
    lam = _number("arrival_rate_per_s", arrival_rate_per_s, unit=" of contacts per second")
    aht = _number("aht_s", aht_s, 0.0, lo_open=True, unit=" of seconds")
    pat = _number("patience_s", patience_s, 0.0, lo_open=True, unit=" of seconds")
    t = _number("answer_s", answer_s, unit=" of seconds")
    m = erlang_a_array(np.array([n]), np.array([lam]), np.array([aht]), np.array([pat]), np.array([t]))
    return ErlangAMetrics(**{k: float(v[0]) for k, v in m.items()})


def agents_for_target_erlang_a_array(arrival_rate_per_s: np.ndarray, aht_s: np.ndarray, patience_s: np.ndarray,
                                     target_service_level: np.ndarray, answer_s: np.ndarray,
                                     max_abandon: np.ndarray | float | None = None,
                                     max_occupancy: np.ndarray | float = 1.0) -> np.ndarray:
    """Return the smallest whole agents meeting an Erlang A target per row (int64 array).

    Conditions: service level over all arrivals >= target, P(abandon) <= max_abandon when
    given, occupancy <= max_occupancy. Each condition improves with agents, so the search
    climbs from a proven lower bound: n >= load x target (answered-within-t over all
    arrivals cannot exceed the served share, which is at most n / load).
    """
    arrays = [arrival_rate_per_s, aht_s, patience_s, target_service_level, answer_s,
              1.0 if max_abandon is None else max_abandon, max_occupancy]
    lam, aht, pat, target, t, mab, occ = (x.ravel().copy() for x in np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in arrays)))
    a = lam * aht
    result = np.zeros(a.shape, dtype=np.int64)
    idx = np.nonzero(a > 0)[0]
    if idx.size == 0:
        return result
    lam, aht, pat, target, t, mab, occ, a = (x[idx] for x in (lam, aht, pat, target, t, mab, occ, a))

    def meets(n: np.ndarray, rows: np.ndarray) -> np.ndarray:
        m = erlang_a_array(n, lam[rows], aht[rows], pat[rows], t[rows], with_asa=False)
        return ((m["service_level"] >= target[rows] - _SL_TOL) & (m["p_abandon"] <= mab[rows] * (1 + _SL_TOL))
                & (m["occupancy"] <= occ[rows] * (1 + _SL_TOL)))

    # lo fails for sure (n < load x target); hi from Erlang C (usually enough), raised until it passes
    lo = np.maximum(np.ceil(a * target - _ROUND_TOL) - 1.0, -1.0)
    hi = agents_for_target_array(a, aht, target, t, np.minimum(occ, 1.0)).astype(float)
    hi = np.maximum(hi, lo + 1.0)
    rows = np.arange(a.size)
    step = np.maximum(np.ceil(0.05 * a), 1.0)
    limit = a + 60.0 * np.sqrt(a) + 200
    while rows.size:
        ok = meets(hi[rows], rows)
        bad = rows[~ok]
        if (hi[bad] > limit[bad]).any():
            raise PlannerError("target_service_level: an Erlang A target is not reachable; lower the target "
                               "or max_abandon")
        lo[bad] = hi[bad]
        hi[bad] += step[bad]
        step[bad] *= 2.0
        rows = bad
    rows = np.nonzero(hi - lo > 1.0)[0]
    while rows.size:
        mid = np.floor(0.5 * (lo[rows] + hi[rows]))
        ok = meets(mid, rows)
        hi[rows[ok]] = mid[ok]
        lo[rows[~ok]] = mid[~ok]
        rows = rows[hi[rows] - lo[rows] > 1.0]
    result[idx] = hi.astype(np.int64)
    return result


def agents_for_target_erlang_a(arrival_rate_per_s: float, aht_s: float, patience_s: float,
                               target_service_level: float, answer_s: float, max_abandon: float | None = None,
                               max_occupancy: float = 1.0) -> int:
    """Return the smallest whole agents meeting an Erlang A service target (see the array version)."""
    lam = _number("arrival_rate_per_s", arrival_rate_per_s, unit=" of contacts per second")
    aht = _number("aht_s", aht_s, 0.0, lo_open=True, unit=" of seconds")
    pat = _number("patience_s", patience_s, 0.0, lo_open=True, unit=" of seconds")
    target = _check_target(target_service_level)
    t = _number("answer_s", answer_s, unit=" of seconds")
    mab = None if max_abandon is None else _number("max_abandon", max_abandon, 0.0, 1.0, unit=" (a fraction 0-1)")
    occ = _check_occupancy(max_occupancy)
    return int(agents_for_target_erlang_a_array(np.array([lam]), np.array([aht]), np.array([pat]),
                                                np.array([target]), np.array([t]), mab, occ)[0])
