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


@claim("002-exp-decay", basis="instance",
       seed="002", where="Learning Rate Schedules — Exponential Decay",
       quote="Exponential Decay", stated="α_t = α₀γᵗ decreases geometrically from α₀",
       perturbed={"ratio": "1/10"})
def exponential_decay(ratio="9/10"):
    """Ratios of consecutive values are the constant γ; the first value is α₀."""
    gamma = sp.Rational(9, 10)
    schedule = exponential(eta0, gamma)
    values = _values(schedule, range(1, 8))
    ratios = {b / a for a, b in itertools.pairwise(values)}
    return Outcome.check(values[0] == eta0 and ratios == {sp.Rational(ratio)}, sp.latex(schedule),
                         f"first value {values[0]}, ratios {ratios}.")


@claim("002-cosine", basis="instance",
       seed="002", where="Learning Rate Schedules — Cosine Annealing",
       quote="T = total steps. Starts at α_max, smoothly decays to α_min",
       stated="α(start) = α_max, α(end) = α_min, monotone decreasing in between",
       perturbed={"end": "0"})
def cosine_annealing(end="1/10"):
    """symopt's cosine schedule with α_max = 1, α_min = 1/10, T = 20: endpoints and monotonicity
    (derivative of the annealed branch −(π/2T)(α_max − α_min) sin(πk/T) ≤ 0 on [0, T])."""
    schedule = cosine(1, 20, "1/10")
    values = _values(schedule, range(1, 22))
    monotone = all(b <= a for a, b in itertools.pairwise(values))
    k = sp.Symbol("k", nonnegative=True)
    branch = schedule.args[0][0].subs(t, k + 1)
    slope = sp.simplify(sp.diff(branch, k))
    nonincreasing = all(slope.subs(k, sp.Rational(j, 2)) <= 0 for j in range(0, 41))
    holds = values[0] == 1 and values[20] == sp.Rational(end) and monotone and nonincreasing
    return Outcome.check(holds, r"\alpha(k) = \alpha_{\min} + \tfrac12(\alpha_{\max} - "
                         r"\alpha_{\min})(1 + \cos(\pi k/T))",
                         f"α(1) = {values[0]}, α(21) = {values[20]}; slope {slope} ≤ 0.",
                         {"α(t)": [float(val) for val in values]})


@claim("002-warmup", basis="instance", seed="002", where="Learning Rate Schedules — Linear Warmup",
       quote="Warmup gives the second moment estimate time to stabilize before the full LR is "
       "used", stated="the rate rises linearly to α_max over the warm-up, then holds",
       perturbed={"after": "1/2"})
def warmup(after="1"):
    """symopt's linear warm-up over W = 5 steps: α_max·t/W, then α_max."""
    schedule = linear_warmup(1, 5)
    values = _values(schedule, range(1, 9))
    stated = [sp.Rational(step, 5) for step in range(1, 6)] + [sp.Rational(after)] * 3
    return Outcome.check(values == stated, sp.latex(schedule), f"values {values}.",
                         {"α(t)": [float(val) for val in values]})


@claim("002-cyclical", basis="instance", seed="002", where="Cyclical Learning Rates (CLR)",
       quote="cycle α between bounds [α_min, α_max]", stated="the rate stays in [α_min, α_max] "
       "and repeats with period 2s", perturbed={"period": 4})
def cyclical_bounds(period=8):
    """symopt's triangular CLR with bounds 1/10, 1 and half-period 4."""
    schedule = cyclical("1/10", 1, 4)
    values = _values(schedule, range(1, 33))
    bounded = all(sp.Rational(1, 10) <= val <= 1 for val in values)
    periodic = all(values[i] == values[i + period] for i in range(len(values) - period))
    reaches = {min(values), max(values)} == {sp.Rational(1, 10), 1}
    return Outcome.check(bounded and periodic and reaches, sp.latex(schedule),
                         "32 steps: min 1/10, max 1, period 8 = 2s.",
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
       stated="SGDR anneals from α_max towards α_min over each period T_i, then restarts at α_max",
       note="with T_mult = 1 (every period T_0 steps long; the paper also lets periods grow by "
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
