"""Momentum (heavy ball): its unrolled sum, steady state, EMA form, seed 004's run and a
plateau (a constant gradient), where only the classical form gets ahead of GD.

Seed 002 writes the classical form v ← βv − α∇J, θ ← θ + v (symopt's
``heavy_ball`` keeps b = −v/α, torch's buffer); seeds 003 and 004 use the EMA
form v ← βv + (1 − β)∇L, θ ← θ − ηv (``heavy_ball_ema``).
"""

import functools
import itertools

import sympy as sp

from symopt import Problem
from symopt.analysis import analyze
from symopt.analysis.steady import constant_gradient
from symopt.catalogue import Outcome, claim, iterate
from symopt.methods import gradient_descent, heavy_ball, heavy_ball_ema
from symopt.symbols import symbol

alpha, beta, g = symbol("alpha"), symbol("beta"), symbol("g")
b_state, v_state = symbol("b"), symbol("v")


@claim("002-momentum-expansion", basis="exact",
       seed="002", where="Classical Momentum (Heavy Ball Method)",
       quote="The velocity v⁽ᵗ⁾ is an exponentially weighted average of past gradients. "
       "Expanding recursively:", stated="v⁽ᵗ⁾ = −α Σₖ β^{t−k} g⁽ᵏ⁾ (v⁽⁰⁾ = 0)",
       note="a weighted *sum*: the weights total α(1 − βᵗ)/(1 − β), not 1",
       perturbed={"offset": 1})
def expansion(offset=0):
    """Every t, by induction on the weights: heavy ball's buffer rule b' = βb + g is linear
    (read off the method's rule: ∂b'/∂b = β, ∂b'/∂g = 1, no other terms), so if g⁽ᵏ⁾ has
    weight c(t − 1, k) in b⁽ᵗ⁻¹⁾ it has β·c(t − 1, k) in b⁽ᵗ⁾, and the new g⁽ᵗ⁾ has weight
    1. The stated weights c(t, k) = β^{t−k} satisfy both with t, k symbols, and b⁽⁰⁾ = 0
    is the empty sum. Also unrolled for five symbolic gradients g₁…g₅ from b = 0."""
    rule = heavy_ball().rule().state_next[b_state]
    t_, k_ = sp.Symbol("t", integer=True, positive=True), sp.Symbol("k", integer=True)
    weight = lambda t, k: beta ** (t - k + offset)  # noqa: E731 - the stated weight
    on_b, on_g = sp.diff(rule, b_state), sp.diff(rule, g)
    linear = sp.expand(rule - on_b * b_state - on_g * g) == 0 and not (
        on_b.free_symbols | on_g.free_symbols) & {b_state, g}
    induction = (linear and sp.simplify(on_b * weight(t_ - 1, k_) - weight(t_, k_)) == 0
                 and sp.simplify(weight(t_, t_) - on_g) == 0)
    method = heavy_ball()
    grads = sp.symbols("g1:6", real=True)
    state = method.initial_state()
    ok = True
    for t, gt in enumerate(grads, start=1):
        _, state = method.step(symbol("x"), gt, state, sp.Integer(t))
        velocity = -alpha * state[b_state]  # classical v = −αb
        stated = -alpha * sum(beta ** (t - k + offset) * grads[k - 1] for k in range(1, t + 1))
        ok = ok and sp.expand(velocity - stated) == 0
    weights = sp.simplify(sum(alpha * beta ** (5 - k) for k in range(1, 6)))
    total = sp.simplify(weights - alpha * (1 - beta**5) / (1 - beta))
    return Outcome.check(induction and ok and total == 0,
                         r"v^{(t)} = -\alpha\sum_{k=1}^{t}\beta^{t-k}g^{(k)}",
                         f"every t by induction on the weights (the rule is linear: "
                         f"∂b'/∂b = {on_b}, ∂b'/∂g = {on_g}): {induction}; unrolled for "
                         "t = 1…5 with the method's own state update; the weights sum to "
                         "α(1 − βᵗ)/(1 − β).")


@claim("002-momentum-steady", basis="exact",
       seed="002", where="Classical Momentum (Heavy Ball Method)",
       quote="In steady state, if the gradient is constant g, the velocity converges to "
       "v* = −α/(1−β) g", stated="v* = −αg/(1 − β)",
       perturbed={"stated": -alpha * g / (1 + beta)})
def steady(stated=-alpha * g / (1 - beta)):
    """symopt's constant-gradient analysis of heavy ball, and an exact run on f = x."""
    found = constant_gradient(heavy_ball())
    derived = found.value.step_limit
    path = iterate(Problem("x"), heavy_ball(), [0], 200, alpha="0.1", beta="0.9")
    last_step = path[-1][0] - path[-2][0]
    numeric = abs(last_step - (-1)) < sp.Rational(1, 10**8)
    outcome = Outcome.compare(stated, derived,
                              f"{found.reason}. Exact run on f = x (g = 1), α = 0.1, β = 0.9: "
                              f"the 200th step is {float(last_step):.10f} → −α/(1 − β) = −1.",
                              {"x_{t} − x_{t−1}": [float(b - a) for (a,), (b,) in
                                                   itertools.pairwise(path)]})
    return outcome if numeric else Outcome.check(False, derived, "the run disagrees")


@claim("002-effective-lr", basis="exact",
       seed="002", where="Classical Momentum (Heavy Ball Method)",
       quote="With β = 0.9, the effective learning rate is α/(1−0.9) = 10α",
       stated="effective learning rate 10α", perturbed={"stated": 9 * alpha})
def effective_lr(stated=10 * alpha):
    """The steady step divided by −g, at β = 0.9."""
    found = constant_gradient(heavy_ball(), beta="0.9").value
    return Outcome.compare(stated, sp.simplify(-found.step_limit / g),
                           "amplification 1/(1 − β) = 10.")


@claim("002-alternating-cancel", basis="exact",
       seed="002", where="Classical Momentum (Heavy Ball Method)",
       quote="gradients in the across-valley direction alternate signs each step → they cancel "
       "in the average", stated="alternating ±g gives a bounded velocity of size α|g|/(1 + β)",
       perturbed={"stated": alpha / (1 - beta)})
def alternating(stated=alpha / (1 + beta)):
    """The 2-periodic steady state of b ← βb + g with g alternating: |b| = |g|/(1 + β)."""
    rule = heavy_ball().rule()
    b_even = sp.Symbol("B")
    after_plus = rule.state_next[b_state].subs({b_state: b_even, g: 1})
    after_minus = rule.state_next[b_state].subs({b_state: after_plus, g: -1})
    (fixed,) = sp.solve(sp.Eq(after_minus, b_even), b_even)
    amplitude = sp.simplify(sp.Abs(alpha * fixed))
    ratio = sp.simplify(amplitude / (alpha / (1 - beta)))
    holds = sp.simplify(amplitude - stated) == 0
    return Outcome.check(holds, r"|v| = \frac{\alpha|g|}{1+\beta}\ \text{vs}\ "
                         r"\frac{\alpha|g|}{1-\beta}\ \text{for a constant } g",
                         f"2-cycle of the buffer: b = {fixed} after a −g step; the ratio to the "
                         f"constant-gradient velocity is {ratio} (= 1/19 at β = 0.9).")


@claim("003-momentum-ema", basis="exact", seed="003 004", where="Momentum Method",
       quote="v_t = βv_{t−1} + (1 − β)∇L(θ_t); θ_{t+1} = θ_t − ηv_t",
       stated="the EMA form is heavy ball with α = η(1 − β); its steady step is −ηg",
       note="so the EMA form does not amplify the step by 1/(1 − β): with the same η it is "
       "(1 − β) times the classical momentum of seed 002", perturbed={"scale": "1"})
def ema_form(scale="1 - beta"):
    """Both rules side by side: with v = (1 − β)b they produce the same iterates."""
    eta = symbol("eta")
    ema = heavy_ball_ema().rule(alpha=eta)
    classical = heavy_ball().rule(alpha=eta * {"1 - beta": 1 - beta, "1": 1}[scale])
    b = b_state
    ema_x = ema.x_next.subs(v_state, (1 - beta) * b)
    ema_v = ema.state_next[v_state].subs(v_state, (1 - beta) * b)
    same_x = sp.simplify(ema_x - classical.x_next) == 0
    same_state = sp.simplify(ema_v - (1 - beta) * classical.state_next[b]) == 0
    steady_step = constant_gradient(heavy_ball_ema()).value.step_limit
    holds = same_x and same_state and sp.simplify(steady_step + alpha * g) == 0
    return Outcome.check(holds, r"\text{EMA}(\eta,\beta) = \text{heavy ball}(\alpha = "
                         r"\eta(1-\beta), \beta),\ \lim \Delta x = -\eta g",
                         f"x' agree ({same_x}) and v = (1 − β)b is preserved ({same_state}); "
                         f"symopt's steady step of the EMA form is {steady_step}.")


@claim("003-momentum-smooths", basis="exact", seed="003", where="Step 4: Key Ideas",
       quote="Momentum helps smooth noisy updates.",
       stated="fed gradients ḡ + noise (independent, variance σ²), the EMA momentum keeps the "
       "mean and divides the noise variance by (1 + β)/(1 − β)",
       perturbed={"stated_ratio": 1})
def momentum_smooths(stated_ratio=(1 - beta) / (1 + beta)):
    """v_t = (1 − β)Σ_{k≤t} β^{t−k} g_k (v₀ = 0), so with g_k = ḡ + ξ_k, ξ_k independent with
    variance σ²: E v_t = (1 − βᵗ)ḡ → ḡ and Var v_t = σ²(1 − β)²Σ_{j<t} β^{2j}
    = σ²(1 − β)(1 − β^{2t})/(1 + β) → σ²(1 − β)/(1 + β) (β = 0.9: σ²/19), below σ² for
    every β ∈ (0, 1). The weights are read off the method's own rule: it is linear
    (∂v'/∂v = β, ∂v'/∂g = 1 − β), so by induction g_k's weight in v_T is (1 − β)β^{T−k} for
    every T (t, k symbols), and Σ_k of their squares V(T) = β²V(T − 1) + (1 − β)² is the
    closed form above (by induction on T); unrolled for six steps as a check."""
    rule = heavy_ball_ema().rule()
    T_, k_ = sp.Symbol("T", integer=True, positive=True), sp.Symbol("k", integer=True)
    on_v, on_g = sp.diff(rule.state_next[v_state], v_state), sp.diff(rule.state_next[v_state], g)
    weight = lambda T, k: (1 - beta) * beta ** (T - k)  # noqa: E731
    linear = sp.expand(rule.state_next[v_state] - on_v * v_state - on_g * g) == 0
    induction = (linear and sp.simplify(on_v * weight(T_ - 1, k_) - weight(T_, k_)) == 0
                 and sp.simplify(weight(T_, T_) - on_g) == 0)
    # Σ_k weight(T, k)² by induction on T: the old weights are multiplied by β, the new one
    # is on_g, so V(T) = β²V(T − 1) + (1 − β)², V(1) = (1 − β)²; the closed form obeys both
    closed_T = (1 - beta) * (1 - beta ** (2 * T_)) / (1 + beta)
    variance_ok = (sp.simplify(sp.expand(sp.powsimp(sp.expand(
        closed_T - on_v**2 * closed_T.subs(T_, T_ - 1) - on_g**2)))) == 0
                   and sp.simplify(closed_T.subs(T_, 1) - on_g**2) == 0)
    steps = 6
    noise = sp.symbols(f"g_1:{steps + 1}")
    state = sp.Integer(0)
    for grad in noise:  # v_t as a linear form in the gradients g_1, …, g_t
        state = sp.expand(rule.state_next[v_state].xreplace({v_state: state, g: grad}))
    weights = [state.coeff(grad) for grad in noise]
    mean_factor = sp.factor(sum(weights))
    variance_factor = sp.factor(sum(w**2 for w in weights))
    T = sp.Symbol("T", integer=True, positive=True)
    closed = (1 - beta) * (1 - beta ** (2 * T)) / (1 + beta)
    unrolled_ok = (sp.simplify(mean_factor - (1 - beta**steps)) == 0
                   and sp.simplify(variance_factor - closed.subs(T, steps)) == 0)
    b = sp.Symbol("b", positive=True)  # β as a number in (0, 1)
    limit = sp.limit(closed.subs(beta, b / (1 + b)), T, sp.oo)
    limit = sp.simplify(limit.subs(b, beta / (1 - beta)))
    smaller = bool(sp.simplify(1 - limit).subs(beta, b / (1 + b)).is_positive)
    holds = (induction and variance_ok and unrolled_ok and smaller
             and sp.simplify(limit - stated_ratio) == 0)
    return Outcome.check(holds, r"\operatorname{Var} v_t = \sigma^2 " + sp.latex(closed)
                         + r" \to \sigma^2 " + sp.latex(limit),
                         f"every T: weights (1 − β)β^(T−k) by induction ({induction}), "
                         f"Σ weights² = the closed form ({variance_ok}); "
                         f"unrolled rule, t = {steps}: mean factor {mean_factor}, variance "
                         f"factor {variance_factor}; β = 0.9: "
                         f"{limit.subs(beta, sp.Rational(9, 10))} of the noise variance.")


RAVINE = Problem("theta_0**2 + 10*theta_1**2")


@claim("004-momentum-run", basis="instance", seed="004", where="§4 Momentum",
       quote="path_mom = gradient_descent_with_momentum(grad_quad, np.array([5.0, 1.0]), "
       "lr=0.1, beta=0.9)", stated="momentum converges on the ill-conditioned problem",
       perturbed={"lr": "2"})
def momentum_run(lr="0.1"):
    """symopt's analysis: per eigenvalue λ ∈ {2, 20} the roots of z² − (1.9 − 0.01λ)z + 0.9 are
    complex with modulus √0.9 ≈ 0.949; an exact 150-step run confirms it."""
    analysis = analyze(RAVINE, "heavy_ball_ema", alpha=lr, beta="0.9")
    rate = analysis.rate.value
    path = iterate(RAVINE, heavy_ball_ema(), [5, 1], 150, numeric=True, alpha=lr,
                   beta="0.9")
    size = max(abs(v) for v in path[-1])
    holds = (rate is not None and bool(rate < 1)
             and size < 5 * float(rate) ** 150 * 100)
    return Outcome.check(holds, r"\rho = \sqrt{0.9} \approx " + f"{float(rate):.4f}",
                         f"{analysis.behaviour.value}: {analysis.rate.reason}. After 150 "
                         f"steps (floats) max|θ| = {float(size):.2e}.",
                         {"θ₀": [float(p[0]) for p in path], "θ₁": [float(p[1]) for p in path]})


@functools.cache
def _radii(method, **hyper):
    """symopt's spectral radius per eigenvalue of the ravine (λ = 2: θ₀, λ = 20: θ₁)."""
    return {d.lam: d.radius for d in analyze(RAVINE, method, **hyper).directions}


@claim("004-momentum-helps", basis="instance", seed="004", where="§4 Momentum",
       quote="Momentum accumulates past gradients to dampen oscillations …",
       stated="on the same run momentum damps θ₁'s oscillation that plain GD never damps",
       perturbed={"damped_by": "gd"})
def momentum_helps(damped_by="momentum"):
    """The oscillating direction is θ₁ (λ = 20: GD's factor 1 − 0.1·20 = −1). symopt's
    spectral radius there: GD 1 (θ₁ = ±1 forever), momentum √0.9 < 1; the runs agree after
    150 steps (GD exact, momentum in floats)."""
    radius = {"gd": _radii("gd", alpha="0.1")[20],
              "momentum": _radii("heavy_ball_ema", alpha="0.1", beta="0.9")[20]}
    gd = iterate(RAVINE, gradient_descent(), ["5.0", "1.0"], 150, alpha="0.1")
    mom = iterate(RAVINE, heavy_ball_ema(), [5, 1], 150, numeric=True, alpha="0.1", beta="0.9")
    runs_agree = abs(gd[-1][1]) == 1 and abs(mom[-1][1]) < sp.Rational(1, 1000)
    other = "gd" if damped_by == "momentum" else "momentum"
    holds = bool(radius[damped_by] < 1 <= radius[other]) and runs_agree
    return Outcome.check(holds, r"\rho_{\theta_1}^{GD} = " + sp.latex(radius["gd"])
                         + r",\ \rho_{\theta_1}^{mom} = " + sp.latex(radius["momentum"]),
                         f"θ₁ after 150 steps: GD {gd[-1][1]} (exact), momentum "
                         f"{float(mom[-1][1]):.2e}.",
                         {"GD θ₁": [float(p[1]) for p in gd[:60]],
                          "momentum θ₁": [float(p[1]) for p in mom[:60]]})


@claim("004-momentum-speeds-up", basis="counterexample", seed="004", where="§4 Momentum",
       quote="Momentum accumulates past gradients to … speed up progress.",
       stated="on the same run momentum moves θ₀ to the minimum faster than plain GD",
       expect=False,
       note="along θ₀ (λ = 2) GD contracts by 0.8 per step and momentum (β = 0.9, lr = 0.1) "
       "only by √0.9 ≈ 0.949: momentum is slower there; its loss is lower only because GD "
       "never converges along θ₁ (the damping half, 004-momentum-helps)",
       perturbed={"faster": "gd"})
def momentum_speeds_up(faster="momentum"):
    """symopt's spectral radius along θ₀ (λ = 2): GD 4/5, momentum 3√10/10 ≈ 0.949; after the
    text's 50 steps |θ₀| is 5·0.8⁵⁰ ≈ 7e-5 for GD and ≈ 0.37 for momentum."""
    radius = {"gd": _radii("gd", alpha="0.1")[2],
              "momentum": _radii("heavy_ball_ema", alpha="0.1", beta="0.9")[2]}
    gd = iterate(RAVINE, gradient_descent(), [5, 1], 50, alpha="0.1")
    mom = iterate(RAVINE, heavy_ball_ema(), [5, 1], 50, numeric=True, alpha="0.1", beta="0.9")
    slower = "gd" if faster == "momentum" else "momentum"
    holds = bool(radius[faster] < radius[slower])
    return Outcome.check(holds, r"\rho_{\theta_0}^{GD} = " + sp.latex(radius["gd"])
                         + r" < \rho_{\theta_0}^{mom} = " + sp.latex(radius["momentum"]),
                         f"|θ₀| after 50 steps: GD {float(abs(gd[-1][0])):.2e} (exact), "
                         f"momentum {abs(mom[-1][0]):.2e}.",
                         {"GD |θ₀|": [abs(float(p[0])) for p in gd],
                          "momentum |θ₀|": [abs(p[0]) for p in mom]})


PLATEAU = Problem("3*theta")  # a plateau's constant slope: g = 3 everywhere
_HAND_PROGRESS = {  # distance covered after T steps in units of lr·g (hand derivation)
    "ema": lambda T: T - beta * (1 - beta**T) / (1 - beta),
    "classical": lambda T: (T - beta * (1 - beta**T) / (1 - beta)) / (1 - beta),
}


@claim("004-momentum-plateau", basis="exact", seed="004", where="Summary",
       quote="Through intuitive explanations and executable Python code, you'll learn how "
       "momentum helps escape plateaus",
       stated="on a plateau (a constant gradient g) the text's momentum (§4: v ← βv + "
       "(1 − β)g, θ ← θ − lr·v) moves farther than gradient descent with the same lr",
       expect=False,
       note="the text's code is the EMA form, and its GD is the same function with β = 0: "
       "after T steps it has moved lr·g(T − β(1 − βᵀ)/(1 − β)), less than GD's lr·g·T for "
       "every T ≥ 1 (β = 0.9, T = 10: 10 − 9(1 − 0.9¹⁰) ≈ 4.14 against 10). The sentence is "
       "right of the classical heavy ball (v ← βv − lr·g, seed 002), which moves "
       "lr·g(T − β(1 − βᵀ)/(1 − β))/(1 − β): ahead of GD from T = 2 on, 1/(1 − β) = 10 times "
       "as fast per step in the limit — or of the EMA form with lr/(1 − β)",
       perturbed={"form": "classical"})
def momentum_plateau(form="ema"):
    """Under a constant gradient g the EMA state is v_t = (1 − βᵗ)g, so step t is
    −lr·g(1 − βᵗ): GD's step −lr·g times 1 − βᵗ, behind it by lr·g·βᵗ at every step; summed,
    Σ_{t≤T}(1 − βᵗ) = T − β(1 − βᵀ)/(1 − β) < T. The classical buffer is
    b_t = g(1 + β + … + βᵗ⁻¹), so step t is GD's times Σ_{j<t}βʲ, ahead of it by
    lr·g(β + … + βᵗ⁻¹) > 0 for t ≥ 2. symopt's constant-gradient closed form of each rule is
    compared with these sums (for every t), and exact runs on f = 3θ (lr = 0.1, β = 0.9)
    with the closed totals for T = 1…30. (``form``: the momentum the sentence is read of.)"""
    method = {"ema": heavy_ball_ema, "classical": heavy_ball}[form]()
    t, j = symbol("t"), sp.Symbol("j", integer=True, positive=True)
    n = sp.Symbol("n", integer=True, positive=True)  # t = n + 1 ≥ 2
    b = sp.Symbol("b", positive=True)  # β > 0
    ratio = sp.simplify(constant_gradient(method).value.step
                        / constant_gradient(gradient_descent()).value.step)
    excess = {"ema": -beta**t, "classical": sp.Sum(beta**j, (j, 1, t - 1))}[form]
    # (1 − β)·(…): the geometric sum's β = 1 branch lies outside β ∈ [0, 1)
    matches = sp.simplify(sp.piecewise_fold((1 - beta) * (ratio - 1 - excess.doit()))) == 0
    ahead = excess.subs(t, n + 1).subs(beta, b).is_positive
    tenth, nine = sp.Rational(1, 10), sp.Rational(9, 10)
    runs = {name: iterate(PLATEAU, m, [0], 30, alpha=tenth, beta=nine)
            for name, m in (("ema", heavy_ball_ema()), ("classical", heavy_ball()))}
    runs["gd"] = iterate(PLATEAU, gradient_descent(), [0], 30, alpha=tenth)
    hand = {name: [3 * tenth * _HAND_PROGRESS[name](T).subs(beta, nine) for T in range(31)]
            for name in _HAND_PROGRESS}
    hand["gd"] = [3 * tenth * T for T in range(31)]
    agree = all([-p[0] for p in runs[name]] == hand[name] for name in runs)
    if not (matches and agree) or ahead is None:
        return Outcome.unknown(f"the closed form and the sums do not agree (step ratio {ratio}, "
                               f"sums agree: {matches}, runs agree: {agree}, sign: {ahead})")
    at10 = {name: float(-runs[name][10][0] / (3 * tenth)) for name in runs}
    total = r"T - \frac{\beta(1 - \beta^T)}{1 - \beta}"
    if form == "ema":
        derived = (r"\theta_0 - \theta_T = \mathrm{lr}\,g\left(" + total
                   + r"\right) < \mathrm{lr}\,g\,T\ \text{(GD, } T \ge 1)")
    else:
        derived = (r"\theta_0 - \theta_T = \frac{\mathrm{lr}\,g}{1 - \beta}\left(" + total
                   + r"\right) > \mathrm{lr}\,g\,T\ \text{(GD, } T \ge 2)")
    return Outcome.check(
        ahead, derived,
        f"step t of {method.name} over GD's: {ratio} = 1 + ({excess}); the excess is "
        f"{'positive' if ahead else 'negative'} for every t ≥ 2 and β > 0. Exact runs on f = 3θ, "
        f"lr = 0.1, β = 0.9, equal to the closed totals for T = 0…30; after 10 steps (in units "
        f"of lr·g): EMA momentum {at10['ema']:.4f}, classical {at10['classical']:.4f}, GD "
        f"{at10['gd']:.0f}.",
        {f"θ₀ − θ_T ({name})": [float(-p[0]) for p in runs[name]] for name in runs})
