"""Learning-rate schedules: step decay, exponential, inverse-time, cosine, warm-up, cyclical.

Seed 002 lists the schedules by name (its formulas were lost in extraction; the
catalogue checks the properties the prose states) and seed 003 writes the
inverse-time decay η_t = η₀/(1 + kt); SGDR's warm restarts are checked against
Loshchilov & Hutter's eq. 5. symopt's schedules count steps from t = 1
(the schedule's own index is k = t − 1, torch's ``last_epoch``).
"""

import itertools

import sympy as sp

from symopt.catalogue import Outcome, claim
from symopt.schedules import (
    cosine,
    cosine_restarts,
    cyclical,
    exponential,
    inverse_time,
    linear_warmup,
    step_decay,
)
from symopt.symbols import symbol

t = symbol("t")
eta0 = symbol("eta_0", positive=True)


def _values(schedule, steps):
    return [schedule.subs(t, step) for step in steps]


@claim("002-step-decay", basis="instance", seed="002", where="Learning Rate Schedules — Step Decay",
       quote="γ ∈ (0,1), k = step interval (e.g., drop by 0.5 every 10 epochs)",
       stated="halving every 10 epochs: epoch 25 runs at α₀/4",
       perturbed={"epoch_25": "1/8"})
def step_decay_example(epoch_25="1/4"):
    """symopt's step decay with γ = 1/2 and period 10, at the start of epochs 1, 10, 11, 21, 26."""
    schedule = step_decay(eta0, "1/2", 10)
    values = _values(schedule, [1, 10, 11, 21, 26])
    stated = [eta0, eta0, eta0 / 2, eta0 / 4, eta0 * sp.Rational(epoch_25)]
    series = [float(schedule.subs({eta0: 1, t: step})) for step in range(1, 41)]
    return Outcome.check(values == stated, sp.latex(schedule),
                         f"α at steps 1, 10, 11, 21, 26: {values} (step 26 is the 26th update, "
                         "index 25).", {"α(t)/α₀": series})


@claim("002-exp-decay", basis="exact",
       seed="002", where="Learning Rate Schedules — Exponential Decay",
       quote="Exponential Decay", stated="α_t = α₀γᵗ decreases geometrically from α₀",
       perturbed={"ratio": "1/10"})
def exponential_decay(ratio="9/10"):
    """For every γ ∈ (0, 1) (γ = u/(1 + u), u > 0) and α₀: the ratio of consecutive values
    is the constant γ < 1 and the first value is α₀; at γ = 9/10 the first seven values."""
    u = sp.Symbol("u", positive=True)
    general_schedule = exponential(eta0, u / (1 + u))
    general_ratio = sp.simplify(general_schedule.subs(t, t + 1) / general_schedule)
    general = (general_schedule.subs(t, 1) == eta0
               and sp.simplify(general_ratio - u / (1 + u)) == 0
               and bool(sp.simplify(1 - general_ratio).is_positive))
    gamma = sp.Rational(9, 10)
    schedule = exponential(eta0, gamma)
    values = _values(schedule, range(1, 8))
    ratios = {b / a for a, b in itertools.pairwise(values)}
    return Outcome.check(general and values[0] == eta0 and ratios == {sp.Rational(ratio)},
                         sp.latex(schedule), f"every γ ∈ (0, 1): ratio {general_ratio}, first "
                         f"value α₀: {general}; γ = 9/10: first value {values[0]}, ratios "
                         f"{ratios}.")


@claim("002-cosine", basis="exact",
       seed="002", where="Learning Rate Schedules — Cosine Annealing",
       quote="T = total steps. Starts at α_max, smoothly decays to α_min",
       stated="α(start) = α_max, α(end) = α_min, monotone decreasing in between",
       perturbed={"end": "0"})
def cosine_annealing(end="1/10"):
    """For every α_min < α_max and T (symbols; α_max = α_min + d, d > 0): symopt's cosine
    schedule is α_max at the first step and α_min at step T + 1, and the annealed branch's
    derivative −(π/2T)(α_max − α_min) sin(πk/T) is ≤ 0 on [0, T] (k = Tu: sin(πu) ≥ 0 on
    [0, 1]). With α_max = 1, α_min = 1/10, T = 20: the 21 values, exactly."""
    low, d = sp.Symbol("alpha_min", positive=True), sp.Symbol("d", positive=True)
    T, u = sp.Symbol("T", integer=True, positive=True), sp.Symbol("u", real=True)
    k = sp.Symbol("k", nonnegative=True)
    annealed = cosine(low + d, T, low)
    branch = annealed.args[0][0].subs(t, k + 1)
    shape = sp.simplify(sp.diff(branch, k).subs(k, T * u) / (-sp.pi * d / (2 * T)))
    general = (sp.simplify(annealed.subs(t, 1) - (low + d)) == 0
               and sp.simplify(annealed.subs(t, T + 1) - low) == 0
               and sp.simplify(shape - sp.sin(sp.pi * u)) == 0
               and sp.minimum(sp.sin(sp.pi * u), u, sp.Interval(0, 1)) == 0)
    schedule = cosine(1, 20, "1/10")
    values = _values(schedule, range(1, 22))
    monotone = all(b <= a for a, b in itertools.pairwise(values))
    k = sp.Symbol("k", nonnegative=True)
    branch = schedule.args[0][0].subs(t, k + 1)
    slope = sp.simplify(sp.diff(branch, k))
    nonincreasing = all(slope.subs(k, sp.Rational(j, 2)) <= 0 for j in range(0, 41))
    holds = (general and values[0] == 1 and values[20] == sp.Rational(end) and monotone
             and nonincreasing)
    return Outcome.check(holds, r"\alpha(k) = \alpha_{\min} + \tfrac12(\alpha_{\max} - "
                         r"\alpha_{\min})(1 + \cos(\pi k/T))",
                         f"every α_min < α_max, T: endpoints and sign of the slope: {general}; "
                         f"α(1) = {values[0]}, α(21) = {values[20]}; slope {slope} ≤ 0.",
                         {"α(t)": [float(val) for val in values]})


@claim("002-warmup", basis="exact", seed="002", where="Learning Rate Schedules — Linear Warmup",
       quote="Warmup gives the second moment estimate time to stabilize before the full LR is "
       "used", stated="the rate rises linearly to α_max over the warm-up, then holds",
       perturbed={"after": "1/2"})
def warmup(after="1"):
    """For every α_max and warm-up length W (symbols): symopt's warm-up is α_max·t/W while
    t ≤ W — linear in t, α_max at t = W — and α_max after; over W = 5 steps, exactly."""
    high, W = sp.Symbol("alpha_max", positive=True), sp.Symbol("W", integer=True, positive=True)
    ramp, hold = (piece[0] for piece in linear_warmup(high, W).args)
    general = (sp.diff(ramp, t, 2) == 0 and sp.simplify(ramp.subs(t, W) - high) == 0
               and sp.simplify(linear_warmup(high, W).subs(t, W + 1)
                               - sp.Rational(after) * high) == 0 and hold == high)
    schedule = linear_warmup(1, 5)
    values = _values(schedule, range(1, 9))
    stated = [sp.Rational(step, 5) for step in range(1, 6)] + [sp.Rational(after)] * 3
    return Outcome.check(general and values == stated, sp.latex(schedule),
                         f"every α_max, W: linear ramp to α_max, then α_max: {general}; W = 5: "
                         f"values {values}.",
                         {"α(t)": [float(val) for val in values]})


@claim("002-cyclical", basis="exact", seed="002", where="Cyclical Learning Rates (CLR)",
       quote="cycle α between bounds [α_min, α_max]", stated="the rate stays in [α_min, α_max] "
       "and repeats with period 2s", perturbed={"period": 4})
def cyclical_bounds(period=8):
    """For every α_min < α_max and half-period s (symbols): symopt's triangular CLR at step
    t = 1 + s(2n + r), n an integer and r ∈ [0, 2) (so ⌊r/2⌋ = 0), is
    α_min + (1 − |1 − r|)(α_max − α_min), and 1 − |1 − r| ranges over [0, 1]; the
    schedule at t + period equals it at t. With bounds 1/10, 1 and s = 4: 32 values."""
    low, d = sp.Symbol("alpha_min", positive=True), sp.Symbol("d", positive=True)
    half = sp.Symbol("s", integer=True, positive=True)
    n, r = sp.Symbol("n", integer=True), sp.Symbol("r", nonnegative=True)
    general_schedule = cyclical(low, low + d, half)
    shifted = general_schedule.subs(t, 1 + half * (2 * n + r)).replace(
        sp.floor, lambda arg: sp.floor(arg) if arg != r / 2 else 0)
    share = sp.simplify((shifted - low) / d)
    general = (sp.simplify(share - (1 - sp.Abs(1 - r))) == 0
               and sp.minimum(share, r, sp.Interval(0, 2)) == 0
               and sp.maximum(share, r, sp.Interval(0, 2)) == 1
               and sp.simplify(general_schedule.subs(t, t + period * half / 4)
                               - general_schedule) == 0)
    schedule = cyclical("1/10", 1, 4)
    values = _values(schedule, range(1, 33))
    bounded = all(sp.Rational(1, 10) <= val <= 1 for val in values)
    periodic = all(values[i] == values[i + period] for i in range(len(values) - period))
    reaches = {min(values), max(values)} == {sp.Rational(1, 10), 1}
    return Outcome.check(general and bounded and periodic and reaches, sp.latex(schedule),
                         f"every α_min < α_max, s: within the bounds, reaching both, period "
                         f"{period // 4}s: {general}; 32 steps: min 1/10, max 1, period 8 = 2s.",
                         {"α(t)": [float(val) for val in values]})


@claim("003-inverse-time", basis="exact", seed="003", where="Learning Rate Schedules",
       quote="η_t = η₀/(1 + kt)", stated="η_t = η₀/(1 + kt): η₀ at t = 0, decreasing, Σηₜ = ∞",
       perturbed={"power": 2})
def inverse_time_decay(power=1):
    """symopt's inverse-time schedule equals the text's formula at index τ = t − 1; it
    decreases and its sum diverges (so GD can still travel any distance)."""
    k_rate = sp.Symbol("k", positive=True)
    tau = sp.Symbol("tau", integer=True, nonnegative=True)
    schedule = inverse_time(eta0, k_rate)
    stated = eta0 / (1 + k_rate * tau) ** power
    same = sp.simplify(schedule.subs(t, tau + 1) - stated) == 0
    decreasing = sp.diff(stated, tau).is_negative
    diverges = sp.summation(1 / (1 + tau) ** power, (tau, 0, sp.oo)) == sp.oo
    return Outcome.check(same and decreasing and diverges, sp.latex(stated),
                         "symopt's schedule at t = τ + 1 is η₀/(1 + kτ); dη/dτ < 0; "
                         "Σ 1/(1 + τ) diverges (k = 1).")


@claim("002-sgdr", basis="instance", seed="002", where="Learning Rate Schedules — Cosine Annealing",
       quote="With warm restarts (SGDR), the LR is periodically reset to α_max",
       stated="SGDR anneals from α_max towards α_min over each period T_i, then restarts at "
       "α_max (checked with α_max = 1, α_min = 1/10, T_0 = 4)",
       note="in part: one choice of α_max, α_min and T_0, exactly over four periods; "
       "with T_mult = 1 (every period T_0 steps long; the paper also lets periods grow by "
       "T_mult). Counted in whole steps, the last value of a period is α_min + (α_max − α_min)"
       "(1 − cos(π/T_0))/2, just above α_min: the paper's T_cur reaches T_i only when it is "
       "counted in fractions of an epoch; the restart itself is exact",
       perturbed={"reset_to": "1/10"})
def sgdr(reset_to="1"):
    """symopt's ``cosine_restarts`` with α_max = 1, α_min = 1/10, T_0 = 4, against Loshchilov &
    Hutter (2017), eq. 5, evaluated here: η = η_min + ½(η_max − η_min)(1 + cos(πT_cur/T_i)) with
    T_cur = (t − 1) mod T_0 (steps since the last restart). By hand: steps 1, 5, 9, 13 are
    restarts, η = 1 there; within a period η = 1, (11 + 9/√2)/20, 11/20, (11 − 9/√2)/20,
    decreasing; eq. 5 at T_cur = T_i gives η_min. (``reset_to``: the stated value at a restart.)"""
    high, low, period = sp.Integer(1), sp.Rational(1, 10), 4
    schedule = cosine_restarts(high, period, low)
    steps = range(1, 4 * period + 2)
    values = _values(schedule, steps)
    eq5 = [low + (high - low) * (1 + sp.cos(sp.pi * ((s - 1) % period) / period)) / 2
           for s in steps]
    matches = all(sp.simplify(a - b) == 0 for a, b in zip(values, eq5))
    restarts = [values[s - 1] for s in steps if (s - 1) % period == 0]
    resets = all(v == sp.Rational(reset_to) for v in restarts)
    within = values[:period]
    anneals = all(b < a for a, b in itertools.pairwise(within))
    periodic = all(values[i] == values[i + period] for i in range(len(values) - period))
    t_cur = sp.Symbol("T_cur", nonnegative=True)
    end = (low + (high - low) * (1 + sp.cos(sp.pi * t_cur / period)) / 2).subs(t_cur, period)
    last = sp.nsimplify(within[-1])
    holds = matches and resets and anneals and periodic and end == low
    return Outcome.check(holds, r"\eta_t = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})"
                         r"\big(1 + \cos(\pi T_{cur}/T_i)\big),\ T_{cur} = (t - 1) \bmod T_0",
                         f"steps 1…{len(values)}: equal to eq. 5: {matches}; at the restarts "
                         f"(steps 1, 5, 9, 13, 17) η = {[str(v) for v in restarts]}; within a "
                         f"period {[str(v) for v in within]} (decreasing: {anneals}); period "
                         f"{period}: {periodic}; eq. 5 at T_cur = T_i: {end} = η_min; last step "
                         f"of a period: {last} ≈ {float(last):.4f}.",
                         {"α(t)": [float(v) for v in values]})
