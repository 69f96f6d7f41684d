"""Adaptive methods: AdaGrad, RMSProp, Adam (bias correction, effective step), AdamW,
NAdam, AMSGrad and Lion.

Seed 002 states each method's defining property; seed 003 writes Adam *without* bias
correction. Every rule is symopt's own (``symopt.methods``, torch.optim's forms);
steady states come from :func:`symopt.analysis.steady.constant_gradient`. Seeds 000 and
001 say they approximate curvature: with ε = 0 they ignore a per-coordinate scale, so
axis-aligned curvature drops out, and rotated curvature does not.
"""

import itertools
import math

import sympy as sp

from symopt import Problem
from symopt.analysis.steady import constant_gradient
from symopt.catalogue import Outcome, claim, iterate
from symopt.derivations import adam_bias_correction
from symopt.methods import adagrad, adam, adamw, amsgrad, heavy_ball_ema, lion, nadam, rmsprop
from symopt.symbols import symbol

alpha, g, x, t = symbol("alpha"), symbol("g"), symbol("x"), symbol("t")
beta_1, beta_2, eps = symbol("beta_1"), symbol("beta_2"), symbol("epsilon")
m, v, s = symbol("m"), symbol("v"), symbol("s")


def _run(method, gradients, x0=0, **hyper):
    """Iterates and states of ``method`` fed a given gradient sequence (one coordinate)."""
    rule = method.rule(**{**method.defaults(), **hyper})
    state = method.initial_state()
    xs, states = [sp.sympify(x0)], [dict(state)]  # safe: a number
    for step, grad in enumerate(gradients, start=1):
        values = {x: xs[-1], g: grad, t: step, **state}
        xs.append(rule.x_next.xreplace(values))
        state = {k: e.xreplace(values) for k, e in rule.state_next.items()}
        states.append(dict(state))
    return xs, states


def _names(method):
    return [st.symbol for st in method.state]


@claim("002-adagrad-monotone", basis="exact", seed="002", where="AdaGrad — Why It Works",
       quote="G_j is a sum — it only ever increases", stated="G' − G = g² ≥ 0; α/(√G + ε) "
       "never increases", perturbed={"method": "rmsprop"})
def adagrad_monotone(method="adagrad"):
    """AdaGrad's accumulator update and the sign of its increment. (``method``: whose
    accumulator is claimed to be a growing sum; RMSProp's EMA can shrink.)"""
    rule = {"adagrad": adagrad, "rmsprop": rmsprop}[method]().rule()
    accumulator = {"adagrad": s, "rmsprop": v}[method]
    increment = sp.expand(rule.state_next[accumulator] - accumulator)
    nonneg = increment.is_nonnegative
    G = sp.Symbol("G", positive=True)  # G > 0 after the first nonzero gradient
    lr = alpha / (sp.sqrt(G) + eps)
    decreasing = sp.diff(lr, G).is_nonpositive
    return Outcome.check(bool(nonneg and decreasing), r"G' - G = " + sp.latex(increment)
                         + r" \ge 0", f"increment {increment} ≥ 0 for real g; "
                         f"d/dG [α/(√G + ε)] = {sp.simplify(sp.diff(lr, G))} ≤ 0.")


@claim("002-adagrad-to-zero", basis="counterexample", seed="002", where="AdaGrad — Why It Works",
       quote="Over time, the effective learning rate α/√G_j shrinks monotonically toward zero",
       stated="AdaGrad's effective learning rate α/(√G_t + ε) → 0 as t → ∞",
       expect="conditional",
       note="only when Σg² diverges (e.g. a constant gradient: α/(√t|g| + ε) → 0); "
       "with g_t = 2⁻ᵗ it tends to α/(√(1/3) + ε) ≈ 1.73α",
       perturbed={"stated_limit": alpha / eps})
def adagrad_to_zero(stated_limit=0):
    """The limit t → ∞ of α/(√G_t + ε), G_t = Σ_{k≤t} g_k²: when the sum diverges (G_t → ∞;
    symopt's steady state for a constant g gives G_t = t·g²) the rate tends to 0; a summable
    sequence, g_t = 2⁻ᵗ, keeps G_t below 1/3 and the rate tends to α/(√(1/3) + ε) > 0."""
    k, T = sp.Symbol("k", integer=True, positive=True), sp.Symbol("T", integer=True,
                                                                   positive=True)
    G = sp.Symbol("G", positive=True)
    rate = alpha / (sp.sqrt(G) + eps)
    diverging = sp.limit(rate, G, sp.oo)
    constant = constant_gradient(adagrad()).value.effective_rate
    constant_limit = sp.limit(constant.subs(g, 1), t, sp.oo)
    holds_under = diverging == stated_limit and constant_limit == stated_limit
    G_T = sp.summation((sp.Rational(1, 2) ** k) ** 2, (k, 1, T))
    G_limit = sp.limit(G_T, T, sp.oo)
    summable_limit = sp.limit(rate.subs(G, G_T), T, sp.oo)
    _, states = _run(adagrad(), [sp.Rational(1, 2) ** j for j in range(1, 30)])
    fails_outside = sp.simplify(summable_limit - stated_limit) != 0
    return Outcome.conditional(
        holds_under, fails_outside, r"\sum_t g_t^2 = \infty",
        r"g_t = 2^{-t}:\ G_t \to " + sp.latex(G_limit) + r",\ \alpha_{\rm eff} \to "
        + sp.latex(summable_limit),
        r"\lim_{G \to \infty} \frac{\alpha}{\sqrt{G} + \epsilon} = " + sp.latex(diverging),
        f"G_t → ∞: rate → {diverging}; constant g = 1: rate {constant.subs(g, 1)} → "
        f"{constant_limit}. g_t = 2⁻ᵗ: G_T = {G_T} → {G_limit} (exact run: G after 29 steps "
        f"= {float(states[-1][s]):.12f}), rate → {summable_limit}.")


@claim("002-adagrad-sparse", basis="exact", seed="002 004", where="AdaGrad — Why It Works",
       quote="Small gradient history → small G_j → large effective step. Gives more learning to "
       "sparse/rarely updated parameters  /  AdaGrad … Good for sparse features",
       stated="fed the same gradients when active, a coordinate active at fewer steps keeps a "
       "larger effective step (equal only if the gradients it misses are 0)",
       perturbed={"larger": "frequent"})
def adagrad_sparse(larger="sparse"):
    """For every gradient sequence: AdaGrad's accumulator grows by g² per step (its rule), so
    G_T = Σ g_k² and a coordinate B that sees A's gradients at a subset of A's steps has
    G_A − G_B = Σ (the gradients B misses)² ≥ 0; the rate α/(√G + ε) decreases in G
    (its derivative, symbolic, is ≤ 0), so B's rate is at least A's. Example: 100 steps,
    A sees g = 1 every step, B every 10th: accumulators 100 and 10, B's rate √10 times A's."""
    increment = sp.expand(adagrad().rule().state_next[s] - s)
    G = sp.Symbol("G", positive=True)
    slope = sp.diff(alpha / (sp.sqrt(G) + eps), G)
    general = increment == g**2 and bool(slope.is_nonpositive) and bool(slope.is_negative)
    frequent = [1] * 100
    sparse = [1 if j % 10 == 0 else 0 for j in range(100)]
    _, states_a = _run(adagrad(), frequent)
    _, states_b = _run(adagrad(), sparse)
    G_a, G_b = states_a[-1][s], states_b[-1][s]
    rate = lambda G: alpha / (sp.sqrt(G) + eps)  # noqa: E731 - AdaGrad's effective step
    ratio = sp.simplify((rate(G_b) / rate(G_a)).subs(eps, 0))
    holds = general and G_a == 100 and G_b == 10 and ratio == sp.sqrt(10) and (ratio > 1) == (
        larger == "sparse")
    return Outcome.check(holds, r"\frac{\alpha/\sqrt{G_B}}{\alpha/\sqrt{G_A}} = \sqrt{10}",
                         f"increment of G per step: {increment}; d/dG [α/(√G + ε)] = "
                         f"{sp.simplify(slope)} < 0. Example: G_A = {G_a}, G_B = {G_b} after "
                         f"100 steps (ε → 0: ratio {ratio}).")


@claim("002-rmsprop-ema", basis="exact", seed="002", where="RMSProp — Fixing AdaGrad",
       quote="Unlike AdaGrad's ever-growing sum, s stabilizes to a recent average",
       stated="constant g: s_t → g², the effective rate stabilises at α/(|g| + ε)",
       perturbed={"stated_limit": 0})
def rmsprop_ema(stated_limit=g**2):
    """RMSProp's state under a constant gradient, next to AdaGrad's."""
    rms = constant_gradient(rmsprop()).value
    ada = constant_gradient(adagrad()).value
    rho = symbol("rho")
    limit_ok = sp.simplify(rms.limits[v] - stated_limit) == 0
    state_ok = sp.simplify(rms.states[v] - g**2 * (1 - rho**t)) == 0
    ada_rate = sp.limit(ada.effective_rate.subs(g, 1), t, sp.oo)
    rms_rate = sp.simplify(rms.effective_rate.subs(rho**t, 0).subs(rho ** (t - 1), 0))
    return Outcome.check(limit_ok and state_ok and ada_rate == 0,
                         r"s_t = (1-\rho^t)g^2 \to g^2", f"RMSProp state {rms.states[v]}, limit "
                         f"{rms.limits[v]}, effective rate → {rms_rate}; AdaGrad's → {ada_rate}.")


@claim("002-adam-defaults", basis="cited", seed="002", where="Adam — The Algorithm",
       quote="Paper recommendations: α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸",
       stated="α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8", perturbed={"beta_2": "0.99"})
def adam_defaults(beta_2="0.999"):
    """symopt's Adam defaults (Kingma & Ba, Algorithm 1; torch.optim.Adam)."""
    stated = {"alpha": sp.Rational("0.001"), "beta_1": sp.Rational("0.9"),
              "beta_2": sp.Rational(beta_2), "epsilon": sp.Rational(1, 10**8)}
    derived = adam().defaults()
    return Outcome.check(derived == stated, ", ".join(f"{k} = {sp.latex(val)}"
                                                      for k, val in derived.items()))


@claim("002-bias-correction", basis="exact",
       seed="002", where="The Bias Correction — Why It's Necessary",
       quote="Both m and v are initialized to zero … The bias correction factors (1−β₁ᵗ) and "
       "(1−β₂ᵗ) counteract this", stated="for a constant g, m̂_t = g and v̂_t = g² at every t",
       perturbed={"power": 2})
def bias_correction(power=1):
    """m_t = (1 − β₁ᵗ)g and v_t = (1 − β₂ᵗ)g² exactly, so the corrected moments are unbiased."""
    steady = constant_gradient(adam()).value
    m_hat = sp.simplify(steady.states[m] / (1 - beta_1**(power * t)))
    v_hat = sp.simplify(steady.states[v] / (1 - beta_2**t))
    _, states = _run(adam(), [3] * 4, beta_1="0.9", beta_2="0.999")
    numeric = [st[m] / (1 - sp.Rational(9, 10) ** j) for j, st in enumerate(states) if j]
    holds = m_hat == g and v_hat == g**2 and numeric == [3] * 4
    return Outcome.check(holds, r"\hat m_t = " + sp.latex(m_hat) + r",\ \hat v_t = "
                         + sp.latex(v_hat), f"states {steady.states}; exact run with g = 3: "
                         f"m̂ = {numeric}.").with_derivation(adam_bias_correction())


@claim("002-bias-limit", basis="exact",
       seed="002", where="The Bias Correction — Why It's Necessary",
       quote="as t → ∞, β₁ᵗ → 0 and β₂ᵗ → 0, so the correction factors approach 1",
       stated="1 − βᵗ → 1 for 0 ≤ β < 1", perturbed={"stated": 0})
def bias_limit(stated=1):
    """The factors at the defaults, and the limit for a symbolic β ∈ (0, 1)."""
    b = sp.Symbol("b", positive=True)
    general = sp.limit((1 - (b / (1 + b)) ** t), t, sp.oo)  # β = b/(1+b) ∈ (0, 1)
    at_1000 = [1 - sp.Rational(9, 10) ** 1000, 1 - sp.Rational(999, 1000) ** 1000]
    return Outcome.check(general == stated, sp.Integer(1),
                         f"lim (1 − βᵗ) = {general}; at t = 1000 the defaults give "
                         f"{float(at_1000[0]):.6f} and {float(at_1000[1]):.4f} — β₂'s correction "
                         "still matters after 1000 steps.")


@claim("002-adam-sign", basis="exact", seed="002", where="Understanding Adam's Effective Step Size",
       quote="If gradient is consistent … m̂/√v̂ ≈ g/|g| = sign(g). The effective step is roughly "
       "±α", stated="constant g: the step is −αg/(|g| + ε) ≈ −α·sign(g)",
       perturbed={"scale": 2})
def adam_sign(scale=1):
    """Adam's step under a constant gradient, and the first step for any gradient."""
    steady = constant_gradient(adam()).value
    first = sp.simplify(adam().rule().x_next.subs({m: 0, v: 0, t: 1}) - x)
    stated = -scale * alpha * g / (sp.Abs(g) + eps)
    outcome = Outcome.compare(stated, steady.step, "every step t (not only the limit) is "
                              f"{steady.step}; the very first step is {first} for any g.")
    if outcome.verdict == "true" and sp.simplify(first - stated) != 0:
        return Outcome.check(False, first, "the first step differs")
    return outcome


@claim("002-adam-noisy", basis="exact",
       seed="002", where="Understanding Adam's Effective Step Size",
       quote="If gradient is noisy (alternates sign): m̂ ≈ 0 (signals cancel) while v̂ remains "
       "nonzero → very small update", stated="alternating ±g: |m| settles at (1 − β₁)/(1 + β₁)·|g|",
       perturbed={"stated": (1 - beta_1) / (1 + beta_1) ** 2})
def adam_noisy(stated=(1 - beta_1) / (1 + beta_1)):
    """The 2-cycle of m ← β₁m + (1 − β₁)g with g alternating, and a 150-step run."""
    rule = adam().rule()
    M = sp.Symbol("M")
    after_plus = rule.state_next[m].subs({m: M, g: 1})
    after_minus = rule.state_next[m].subs({m: after_plus, g: -1})
    (cycle,) = sp.solve(sp.Eq(after_minus, M), M)
    amplitude = sp.simplify(sp.Abs(cycle))
    xs, states = _run(adam(), [(-1) ** j for j in range(150)], alpha="0.001", beta_1="0.9",
                      beta_2="0.999")
    last = abs(states[-1][m])
    at_default = stated.subs(beta_1, sp.Rational(9, 10))
    holds = (sp.simplify(amplitude**2 - stated**2) == 0
             and abs(last - at_default) < sp.Rational(1, 10**6))
    return Outcome.check(holds, r"|m| \to \frac{1-\beta_1}{1+\beta_1}|g| = \tfrac{1}{19}|g|",
                         f"2-cycle amplitude {amplitude}; after 150 exact steps |m| = "
                         f"{float(last):.6f}, so each step is ≈ α/19 ≈ 0.053α.",
                         {"x_t (α = 0.001)": [float(val) for val in xs]})


@claim("002-adam-composition", basis="exact", seed="002 003", where="Adam — The Gold Standard",
       quote="Adam = Momentum + RMSProp + bias correction  /  Adam combines momentum and "
       "adaptive learning rates", stated="Adam's step is the EMA momentum divided by RMSProp's "
       "denominator, with both moments bias-corrected", perturbed={"momentum_beta": "rho"})
def adam_composition(momentum_beta="beta_1"):
    """Without the correction factors (β₁ᵗ, β₂ᵗ → 0) symopt's Adam rule is exactly RMSProp's
    rule (ρ = β₂) with g replaced by the EMA-momentum buffer of heavy_ball_ema (β = β₁)."""
    adam_rule = adam().rule().x_next.subs({beta_1**t: 0, beta_2**t: 0})
    rho, beta = symbol("rho"), symbol("beta")
    momentum = heavy_ball_ema().rule().state_next[v].subs({beta: symbol(momentum_beta), v: m})
    rms = rmsprop().rule().x_next
    composed = (x - alpha * momentum / (eps + sp.sqrt(g**2 * (1 - rho) + rho * v))).subs(
        rho, beta_2)
    same_denominator = sp.simplify(rms.subs(rho, beta_2) - (x - alpha * g / (
        eps + sp.sqrt(g**2 * (1 - beta_2) + beta_2 * v)))) == 0
    outcome = Outcome.compare(composed, adam_rule, "momentum numerator β₁m + (1 − β₁)g and "
                              "RMSProp denominator √(β₂v + (1 − β₂)g²) + ε.")
    return outcome if same_denominator else Outcome.check(False, rms, "RMSProp differs")


@claim("002-adamw", basis="counterexample", seed="002", where="Adam Variants Worth Knowing",
       quote="Standard Adam applies L2 regularization to the gradient before adaptive scaling — "
       "this inadvertently reduces the effective regularization. AdamW applies weight decay "
       "directly to the parameters", stated="per unit of λ, Adam + L2's decay of a weight is "
       "weaker than AdamW's", expect="conditional",
       note="the decay term passes through the adaptive scale: per unit of λ it is "
       "ε/(|g| + ε)² times AdamW's, weaker exactly where |g| > √ε − ε (≈ 10⁻⁴ for ε = 10⁻⁸); "
       "a weight whose gradient is 0 is decayed 1/ε = 10⁸ times more strongly (a full step α)",
       perturbed={"swap": True})
def adamw_decoupled(swap=False):
    """First step (m = v = 0, t = 1, and every step of a constant gradient, where m̂ = g and
    v̂ = g²): d(step)/dλ at λ = 0 is −αx for AdamW and −αxε/(|g| + ε)² for Adam with L2, a
    ratio r = ε/(|g| + ε)². r − 1 = −(|g| + ε − √ε)(|g| + ε + √ε)/(|g| + ε)², so r < 1
    exactly when |g| > √ε − ε: the claim holds for weights with gradients above ≈ √ε and
    fails for the others (g = 0: r = 1/ε)."""
    lam = symbol("lambda_wd")
    w_step = adamw().rule().x_next.subs({m: 0, v: 0, t: 1}) - x
    l2_step = adam(weight_decay=True).rule().x_next.subs({m: 0, v: 0, t: 1}) - x
    w_rate = sp.simplify(sp.diff(w_step, lam).subs(lam, 0))
    l2_rate = sp.simplify(sp.diff(l2_step, lam).subs(lam, 0))
    weaker, stronger = (w_rate, l2_rate) if swap else (l2_rate, w_rate)
    size = sp.Symbol("a", nonnegative=True)  # |g|
    ratio = sp.simplify((weaker / stronger).subs(g, size))
    # The claimed side is weaker where ratio < 1; factor ratio − 1 by hand and check the
    # identity, so the sign is that of the one factor that can change sign.
    threshold = sp.sqrt(eps) - eps
    changes_sign = size - threshold
    identity = sp.simplify(ratio - 1 - (-changes_sign * (size + eps + sp.sqrt(eps))
                                        / (size + eps) ** 2)) == 0
    holds_under = bool(identity)
    at_zero = ratio.subs(size, 0)  # 1/ε for the stated side: > 1 for every ε < 1
    fails_outside = bool(at_zero.subs(eps, sp.Rational(1, 10**8)) > 1)
    if not identity:  # the claimed side is not the weaker one above the threshold
        fails_outside = True
        holds_under = False
    return Outcome.conditional(
        holds_under, fails_outside, r"|g| > \sqrt{\epsilon} - \epsilon",
        r"g = 0:\ \frac{\partial_\lambda \Delta x_{\rm L2}}{\partial_\lambda \Delta x_{\rm W}} = "
        + sp.latex(at_zero),
        r"\frac{\partial_\lambda \Delta x_{\rm L2}}{\partial_\lambda \Delta x_{\rm W}} = "
        + sp.latex(sp.simplify((l2_rate / w_rate).subs(g, size))),
        f"per unit of λ, Adam + L2 ÷ AdamW = {sp.simplify((l2_rate / w_rate).subs(g, size))} "
        f"(a = |g|); ε = 1e-8: g = 1 gives "
        f"{float((l2_rate / w_rate).subs({g: 1, eps: sp.Rational(1, 10**8)})):.3g}, g = 0 gives "
        f"{float((l2_rate / w_rate).subs({g: 0, eps: sp.Rational(1, 10**8)})):.3g}.")


@claim("002-nadam", basis="instance", seed="002", where="Adam Variants Worth Knowing",
       quote="Adam with Nesterov momentum (NAG) replacing classical momentum. Uses the lookahead "
       "gradient for the first moment", stated="NAdam keeps Adam's second moment and, at the "
       "first step with β₁ = 0.9, gives the current gradient more weight than Adam's first "
       "moment does", note="in part: the weights are compared at t = 1, β₁ = 0.9 (torch's "
       "momentum decay ψ = 0.004); that the look-ahead weight is larger at every t and β₁ is "
       "not checked", perturbed={"heavier": "adam"})
def nadam_lookahead(heavier="nadam"):
    """NAdam's step vs Adam's: same denominator; NAdam's numerator is a·m + c·g with the new
    gradient entering beyond its (1 − β₁) share in m (torch's form)."""
    mu = symbol("mu_product")
    n_rule, a_rule = nadam().rule(), adam().rule()
    denominator = eps + sp.sqrt((beta_2 * v + g**2 * (1 - beta_2)) / (1 - beta_2**t))
    n_num = sp.cancel((x - n_rule.x_next) * denominator / alpha)
    a_num = sp.cancel((x - a_rule.x_next) * denominator / alpha)
    at = {beta_1: sp.Rational(9, 10), t: 1, mu: 1, symbol("psi"): sp.Rational(4, 1000)}
    numerator = n_num.subs(at)
    linear = all(sp.diff(numerator, *pair) == 0 for pair in ((m, m), (g, g), (m, g)))
    g_weight = sp.N(numerator.diff(g))
    adam_g = sp.N(a_num.diff(g).subs(at))
    holds = linear and not n_num.has(v) and (g_weight > adam_g) == (heavier == "nadam")
    return Outcome.check(holds, r"\text{numerator} = a\,m + c\,g", f"at t = 1 the current "
                         f"gradient's weight is {float(g_weight):.4f} in NAdam vs "
                         f"{float(adam_g):.4f} in Adam (bias-corrected EMA).")


@claim("002-amsgrad", basis="exact", seed="002", where="Adam Variants Worth Knowing",
       quote="Maintains the maximum of past second moments … Ensures the learning rate is "
       "monotonically non-increasing per parameter",
       stated="v̂ = max(v̂_{t−1}, v_t) never decreases, so α/(√v̂ + ε) never increases",
       note="true of the text's formula (the max of bias-corrected moments) and of Reddi et al.; "
       "torch's AMSGrad keeps the max of the raw v and divides by (1 − β₂ᵗ) afterwards, so its "
       "denominator can shrink: with g = 1, 0, 0, … it falls from 1 to √0.001/√(1 − 0.999ᵗ)",
       perturbed={"state": "v"})
def amsgrad_monotone(state="v_max"):
    """symopt's AMSGrad state v_max is a running maximum; a run with a gradient burst."""
    vmax = symbol(state)  # the stated running maximum
    rule = amsgrad().rule()
    new = rule.state_next[vmax]
    nondecreasing = isinstance(new, sp.Max) and vmax in new.args
    _, states = _run(amsgrad(), [1, 0, 0, 0, 0], beta_1="0.9", beta_2="0.999")
    trace = [st[vmax] for st in states]
    monotone = all(b >= a for a, b in itertools.pairwise(trace))
    return Outcome.check(nondecreasing and monotone, r"v_{\max}' = \max(v_{\max}, v')",
                         f"v_max over g = 1, 0, 0, 0, 0: {[str(val) for val in trace]}.")


@claim("002-lion", basis="exact", seed="002", where="Adam Variants Worth Knowing",
       quote="Uses only the sign of the momentum update, not its magnitude. More memory "
       "efficient (no second moment)", stated="|Δx| = α per coordinate; one state buffer "
       "(Adam: two)", perturbed={"buffers": 2})
def lion_sign(buffers=1):
    """Lion's step (no weight decay, symbolic β₁) is −α·sign(β₁m + (1 − β₁)g): m, g and β₁
    enter only through one sign, so with its argument z ≠ 0 the step has modulus α for
    every m, g, β₁; three (m, g) at β₁ = 0.9 as a check. State sizes compared."""
    step = lion().rule(lambda_wd=0).x_next - x
    z = sp.Symbol("z", real=True, nonzero=True)
    (interpolation,) = step.atoms(sp.sign)
    general = sp.simplify(sp.Abs(step.subs(interpolation, sp.sign(z)))) == alpha
    rule = lion().rule(lambda_wd=0, beta_1="0.9")
    step = rule.x_next - x
    sizes = {sp.Abs(step.subs({m: mm, g: gg})) for mm, gg in ((1, 2), (-3, 1), (5, -100))}
    holds = (general and sizes == {alpha} and len(lion().state) == buffers
             and len(adam().state) == 2)
    return Outcome.check(holds, r"\Delta x = -\alpha\,\mathrm{sign}(\beta_1 m + (1-\beta_1)g)",
                         f"|Δx| = α whenever β₁m + (1 − β₁)g ≠ 0: {general}; at three (m, g): "
                         f"{sizes}; state: Lion {_names(lion())}, "
                         f"Adam {_names(adam())}.")


@claim("003-adam-no-bias-correction", basis="counterexample",
       seed="003", where="Adam Optimizer (Briefly)",
       quote="θ_{t+1} = θ_t − η m_t/(√v_t + ε)", stated="this update (no bias correction) is Adam",
       expect=False,
       note="Kingma & Ba divide by (1 − β₁ᵗ) and (1 − β₂ᵗ): the text's first step is "
       "(1 − β₁)/√(1 − β₂) ≈ 3.16 times Adam's", perturbed={"corrected": True})
def adam_without_correction(corrected=False):
    """The text's rule written with symopt's Adam moments, against symopt's Adam, at t = 1
    (``corrected``: the text's rule with Kingma & Ba's bias correction added)."""
    rule = adam().rule()
    eta = alpha
    m_t, v_t = rule.state_next[m], rule.state_next[v]
    if corrected:
        m_t, v_t = m_t / (1 - beta_1**t), v_t / (1 - beta_2**t)
    text_rule = x - eta * m_t / (sp.sqrt(v_t) + eps)
    at = {m: 0, v: 0, t: 1, g: 1, beta_1: sp.Rational(9, 10), beta_2: sp.Rational(999, 1000),
          eps: sp.Rational(1, 10**8), x: 0, alpha: 1}
    text_first, adam_first = text_rule.subs(at), rule.x_next.subs(at)
    ratio = sp.N(text_first / adam_first, 6)
    return Outcome.check(text_first == adam_first,
                         r"x_1 = x_0 - \eta\frac{\hat m_1}{\sqrt{\hat v_1}+\epsilon},\ "
                         r"\hat m = \frac{m}{1-\beta_1^t},\ \hat v = \frac{v}{1-\beta_2^t}",
                         f"first step with g = 1 and the defaults: text {sp.N(text_first, 6)}·η "
                         f"vs Adam {sp.N(adam_first, 6)}·η (ratio {ratio} = 0.1/√0.001).")


@claim("003-adam-fails", basis="numeric", seed="003", where="Adam Optimizer (Briefly)",
       quote="Adam works fast, but may fail to converge on certain convex problems",
       stated="there is a convex problem on which Adam does not converge to the minimizer",
       note="Reddi, Kale & Kumar (2018), §3: f_t(x) = Cx for t ≡ 1 (mod 3), −x otherwise, on "
       "[−1, 1], with β₁ = 0, β₂ = 1/(1 + C²); run here with C = 3 and α_t = 0.1/√t",
       perturbed={"C": 1})
def adam_fails(C=3):
    """Projected Adam and AMSGrad on Reddi et al.'s online problem (minimizer x = −1 for
    C > 2: the average gradient is (C − 2)/3). An instance where Adam does reach the
    minimizer witnesses nothing: the verdict is then unknown."""
    import numpy as np

    from symopt.kernels import compile as compile_step

    schedule = sp.Rational(1, 10) / sp.sqrt(t)  # Reddi et al.'s α_t = α/√t
    grads = [C if j % 3 == 1 else -1 for j in range(1, 3001)]
    finals, series = {}, {}
    for name, method in (("Adam", adam(rate=schedule)), ("AMSGrad", amsgrad(rate=schedule))):
        step = compile_step(method, beta_1=0, beta_2=1 / (1 + C**2), epsilon=1e-8)
        point = np.zeros(1)
        state = step.init_state(point)
        path = [0.0]
        for k, grad in enumerate(grads, start=1):
            step(point, np.array([float(grad)]), state, k)
            np.clip(point, -1.0, 1.0, out=point)  # projection on the feasible set [−1, 1]
            path.append(float(point[0]))
        finals[name] = path[-1]
        series[name] = path[::30]
    minimizer = -1 if C > 2 else 1
    witness = abs(finals["Adam"] - minimizer) > 1.9 and abs(finals["AMSGrad"] - minimizer) < 0.1
    return Outcome.check(True if witness else None, r"x_{Adam} \to +1,\ x_{AMSGrad} \to -1 = x^*",
                         f"after 3000 steps: Adam at {finals['Adam']:.3f}, AMSGrad at "
                         f"{finals['AMSGrad']:.3f}; the minimizer is {minimizer}.", series)


#: ½xᵀHx with the curvatures 1 and 100 (κ = 100) on the axes, and turned by 45°:
#: H = R diag(1, 100) Rᵀ = [[101/2, −99/2], [−99/2, 101/2]]; and the unit bowl (κ = 1).
CURVED = {"diagonal": Problem("x**2/2 + 50*y**2"),
          "rotated": Problem("(101*(x**2 + y**2) - 198*x*y)/4")}
UNIT_BOWL = Problem("(x**2 + y**2)/2")
#: How each state scales when every gradient is multiplied by c > 0 (m like g, s and v like g²).
_STATE_DEGREE = {"s": 2, "v": 2, "m": 1}


def _without_eps():
    return adagrad(eps=False), rmsprop(eps=False), adam(eps=False)


def _scale_invariant(method):
    """Whether x' is unchanged and every state scales by c^p when g → cg, state → c^p·state
    (c > 0): then, by induction over the steps, a coordinate whose gradient is c times
    another's follows the same iterates."""
    c = sp.Symbol("c", positive=True)
    rule = method.rule()
    scaled = {g: c * g, **{st: c ** _STATE_DEGREE[str(st)] * st for st in rule.state_next}}
    same_x = sp.expand(sp.factor_terms(rule.x_next.xreplace(scaled)) - rule.x_next) == 0
    same_state = all(sp.expand(e.xreplace(scaled) - c ** _STATE_DEGREE[str(st)] * e) == 0
                     for st, e in rule.state_next.items())
    return same_x and same_state


def _steps_to(problem, tolerance=1e-6, steps=2000):
    """AdaGrad (ε = 0, α = 1) from (1, 2) in floats: the first step with ‖x‖ ≤ tolerance."""
    path = iterate(problem, adagrad(eps=False), [1, 2], steps, numeric=True, alpha=1)
    return next((k for k, p in enumerate(path) if math.hypot(*p) <= tolerance), None)


@claim("001-adaptive-curvature", basis="counterexample", seed="000 001",
       where="Implications for Deep Learning (seed 001)  /  Level Up (seed 000)",
       quote="modern optimizers like Adam, RMSprop, and AdaGrad, which use adaptive, "
       "per-parameter learning rates based on gradient history. These methods approximate the "
       "benefits of second-order information (curvature) without the computational cost  /  "
       "Optimizers like Adam and RMSProp approximate curvature and adjust step sizes "
       "automatically per parameter", stated="AdaGrad, RMSProp and Adam get Newton's benefit: "
       "their iterates on ½Σλᵢxᵢ² do not depend on the curvatures (κ drops out)",
       expect="conditional",
       note="a per-coordinate rescaling of the gradient leaves their steps unchanged (ε = 0), so "
       "on an axis-aligned quadratic the curvatures drop out as with a diagonal Newton step; "
       "the same quadratic turned by 45° (κ = 100) is not: from (1, 2) the gradient is "
       "(−97/2, 103/2), so the first step already moves x away from the minimum (1 → 1 + α)",
       perturbed={"hessian": "rotated"})
def adaptive_curvature(hessian="diagonal"):
    """With ε = 0 each method's step is unchanged when g → cg (c > 0) and its states are
    scaled as m → cm, s → c²s, v → c²v: m̂/√v̂ and g/√s are invariant (checked on each
    method's own rule). On ½Σλᵢxᵢ² coordinate i sees gᵢ = λᵢxᵢ, λᵢ times what it sees on the
    unit bowl ½Σxᵢ², so by induction over the steps its iterates are those of the unit bowl:
    κ drops out. On a quadratic whose Hessian is not diagonal the gradient of one coordinate
    mixes the others and no rescaling maps it to the unit bowl: turned by 45° with
    curvatures 1 and 100, from (1, 2) the gradient is (−97/2, 103/2) against (1, 2) on the
    unit bowl, so the first step (x − α·sign g for AdaGrad and Adam, x − α·sign g/√(1 − ρ)
    for RMSProp) goes to (1 + α, 2 − α) instead of (1 − α, 2 − α). ``hessian``: the
    quadratic on which the curvatures are claimed to drop out."""
    methods = _without_eps()
    invariant = {m.name: _scale_invariant(m) for m in methods}
    hyper = {"alpha": sp.Rational(1, 10)}
    first = {name: [iterate(problem, m, [1, 2], 1, **{**m.defaults(), **hyper})[-1]
                    for m in methods]
             for name, problem in (("unit", UNIT_BOWL), *CURVED.items())}
    counts = {name: _steps_to(problem) for name, problem in
              (("unit", UNIT_BOWL), *CURVED.items())}

    def like_unit(name):
        return first[name] == first["unit"] and counts[name] == counts["unit"]

    diagonal = CURVED[hessian].hessian.is_diagonal()
    holds_under = (all(invariant.values()) and diagonal) if like_unit(hessian) else False
    fails_outside = not like_unit("rotated")
    names = [m.name for m in methods]
    return Outcome.conditional(
        holds_under, fails_outside,
        r"\nabla^2 f \text{ diagonal (the curvature axis-aligned)},\ \epsilon = 0",
        r"\tfrac14\left(101(x^2 + y^2) - 198xy\right)\ (\kappa = 100,\ \text{turned by }"
        r"45^\circ):\ x_1^{\rm AdaGrad} = " + sp.latex(tuple(first["rotated"][0]))
        + r" \ne " + sp.latex(tuple(first["unit"][0])) + r" \text{ on the unit bowl}",
        r"\frac{\hat m_i}{\sqrt{\hat v_i}},\ \frac{g_i}{\sqrt{s_i}} \text{ unchanged by } "
        r"g_i \to c_i g_i",
        f"step unchanged by g → cg, states scaled (m → cm, s, v → c²s, c²v): {invariant}. "
        f"First step from (1, 2) at α = 1/10 ({', '.join(names)}): unit bowl {first['unit']}, "
        f"diag(1, 100) {first['diagonal']}, turned by 45° {first['rotated']}. AdaGrad "
        f"(ε = 0, α = 1) in floats, steps to ‖x‖ ≤ 1e-6: unit bowl {counts['unit']}, "
        f"diag(1, 100) {counts['diagonal']}, turned by 45° {counts['rotated']}. Rests on the "
        "exact invariance of each rule and induction over the steps; the runs are checks.")
