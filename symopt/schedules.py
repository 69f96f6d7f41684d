"""Step-size schedules as symbolic functions of the step counter t.

Each function returns a SymPy expression in ``symbol("t")`` that any method
takes as its step size: ``gradient_descent(rate=cosine(0.1, 100))``.

Index convention: methods count steps from ``t = 1``. A schedule's own index is
``k = t − 1``, the number of steps already taken, so the first step uses the
initial rate η₀. This is exactly ``torch.optim.lr_scheduler``'s value at the
t-th ``optimizer.step()`` when ``scheduler.step()`` is called once after every
optimizer step (``last_epoch = t − 1``). Piecewise schedules use
``sp.Piecewise``, ``floor`` and ``Min``/``Max``; every value stays exact.

Numbers are checked when the schedule is built (a non-positive rate, a decay
factor outside (0, 1], a non-integer period raise :class:`~symopt.errors.DomainError`);
symbols are kept and become hyperparameters of the method.

>>> from symopt.schedules import step_decay
>>> from symopt.symbols import symbol
>>> eta = step_decay(0.1, gamma=0.5, step_size=10)
>>> eta
1/(10*2**floor(t/10 - 1/10))
>>> [eta.subs(symbol("t"), t) for t in (1, 10, 11, 21)]
[1/10, 1/10, 1/20, 1/40]
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from symopt.errors import DomainError
from symopt.methods.base import Hyperparameter
from symopt.symbols import symbol

__all__ = [
    "SCHEDULES",
    "constant",
    "cosine",
    "cosine_restarts",
    "cyclical",
    "exponential",
    "inverse_time",
    "linear",
    "linear_warmup",
    "step_decay",
]

T = symbol("t")
#: The schedule's own index: steps already taken before step t.
K = T - 1

_POSITIVE = sp.Interval.open(0, sp.oo)
_NONNEGATIVE = sp.Interval(0, sp.oo)
_DECAY = sp.Interval.Lopen(0, 1)
_FACTOR = sp.Interval.Lopen(0, 1)


def _check(name: str, value: object, domain: sp.Set) -> sp.Expr:
    return Hyperparameter(symbol(name), domain).check(value)


def _period(name: str, value: object) -> sp.Expr:
    number = _check(name, value, _POSITIVE)
    if number.is_number and not number.is_integer:
        raise DomainError(f"{name} must be a positive whole number of steps, got {number}")
    return number


def constant(rate: object) -> sp.Expr:
    """α(t) = η₀.

    >>> constant("1/10")
    1/10
    """
    return _check("eta_0", rate, _POSITIVE)


def step_decay(rate: object, gamma: object, step_size: object) -> sp.Expr:
    """α(t) = η₀ γ^⌊(t − 1)/s⌋: multiply by γ every s steps (torch StepLR).

    >>> step_decay(1, "1/2", 2).subs(symbol("t"), 3)
    1/2
    """
    eta0 = _check("eta_0", rate, _POSITIVE)
    factor = _check("gamma", gamma, _DECAY)
    period = _period("step_size", step_size)
    return eta0 * factor ** sp.floor(K / period)


def exponential(rate: object, gamma: object) -> sp.Expr:
    """α(t) = η₀ γ^(t − 1) (torch ExponentialLR).

    >>> exponential(1, "9/10").subs(symbol("t"), 3)
    81/100
    """
    eta0 = _check("eta_0", rate, _POSITIVE)
    return eta0 * _check("gamma", gamma, _DECAY) ** K


def inverse_time(rate: object, decay: object) -> sp.Expr:
    """α(t) = η₀ / (1 + k(t − 1)): inverse-time decay η₀/(1 + k·τ) at index τ = t − 1.

    torch.optim.Adagrad's ``lr_decay`` is this schedule.

    >>> inverse_time(1, "1/2").subs(symbol("t"), 3)
    1/2
    """
    eta0 = _check("eta_0", rate, _POSITIVE)
    return eta0 / (1 + _check("k", decay, _NONNEGATIVE) * K)


def cosine(rate: object, total_steps: object, final: object = 0) -> sp.Expr:
    """Cosine annealing from η₀ at t = 1 to η_min at t = T + 1, then held at η_min.

    α(t) = η_min + (η₀ − η_min)(1 + cos(π(t − 1)/T))/2 for t − 1 ≤ T (torch
    CosineAnnealingLR with T_max = T, eta_min = η_min); beyond T it stays at η_min
    (optax's convention; torch's closed form would rise again).

    >>> cosine(1, 4).subs(symbol("t"), 3)
    1/2
    """
    eta0 = _check("eta_0", rate, _POSITIVE)
    period = _period("T_max", total_steps)
    low = _check("eta_min", final, _NONNEGATIVE)
    if (eta0 - low).is_negative:
        raise DomainError(f"eta_min = {low} must not exceed the initial rate {eta0}")
    annealed = low + (eta0 - low) * (1 + sp.cos(sp.pi * K / period)) / 2
    return sp.Piecewise((annealed, K <= period), (low, True))


def cosine_restarts(rate: object, period: object, final: object = 0) -> sp.Expr:
    """SGDR: cosine annealing restarted every P steps (torch CosineAnnealingWarmRestarts).

    With k = t − 1 and k' = k − P⌊k/P⌋ (steps since the last restart):
    α(t) = η_min + (η₀ − η_min)(1 + cos(πk'/P))/2 (T_mult = 1). Loshchilov & Hutter (2017).

    >>> [cosine_restarts(1, 2).subs(symbol("t"), t) for t in (1, 2, 3, 4)]
    [1, 1/2, 1, 1/2]
    """
    eta0 = _check("eta_0", rate, _POSITIVE)
    length = _period("T_0", period)
    low = _check("eta_min", final, _NONNEGATIVE)
    if (eta0 - low).is_negative:
        raise DomainError(f"eta_min = {low} must not exceed the initial rate {eta0}")
    since_restart = K - length * sp.floor(K / length)
    return low + (eta0 - low) * (1 + sp.cos(sp.pi * since_restart / length)) / 2


def linear(rate: object, start_factor: object = sp.Rational(1, 3), end_factor: object = 1,
           total_steps: object = 5) -> sp.Expr:
    """α(t) = η₀(s + (e − s)·min(t − 1, N)/N): torch LinearLR, same defaults.

    >>> linear(3).subs(symbol("t"), 1), linear(3).subs(symbol("t"), 9)
    (1, 3)
    """
    eta0 = _check("eta_0", rate, _POSITIVE)
    start = _check("start_factor", start_factor, _FACTOR)
    end = _check("end_factor", end_factor, _NONNEGATIVE)
    period = _period("total_iters", total_steps)
    return eta0 * (start + (end - start) * sp.Min(K, period) / period)


def linear_warmup(rate: object, warmup_steps: object, then: sp.Expr | None = None) -> sp.Expr:
    """Linear warm-up α(t) = η₀ t/W for t ≤ W, then the schedule ``then`` restarted.

    The first step uses η₀/W and step W uses η₀ (torch LinearLR with
    start_factor = 1/W, total_iters = W − 1). After the warm-up, ``then`` (a
    schedule in t, default the constant η₀) runs with its own count restarted:
    step W + 1 is its first step.

    >>> warm = linear_warmup(1, 4, then=cosine(1, 10))
    >>> [warm.subs(symbol("t"), t) for t in (1, 4, 5)]
    [1/4, 1, 1]
    """
    eta0 = _check("eta_0", rate, _POSITIVE)
    period = _period("warmup_steps", warmup_steps)
    after = eta0 if then is None else _check("then", then, _POSITIVE).subs(T, T - period)
    return sp.Piecewise((eta0 * T / period, T <= period), (after, True))


def cyclical(low: object, high: object, step_size: object) -> sp.Expr:
    """Triangular cyclical rate between η_min and η_max, half-period s (torch CyclicLR).

    With k = t − 1: cycle = ⌊1 + k/(2s)⌋, x = |k/s − 2·cycle + 1| and
    α(t) = η_min + (η_max − η_min)(1 − x) (Smith 2017, mode 'triangular').

    >>> [cyclical(1, 3, 2).subs(symbol("t"), t) for t in (1, 2, 3, 4, 5)]
    [1, 2, 3, 2, 1]
    """
    eta_min = _check("eta_min", low, _POSITIVE)
    eta_max = _check("eta_max", high, _POSITIVE)
    if (eta_max - eta_min).is_negative:
        raise DomainError(f"eta_max = {eta_max} must not be below eta_min = {eta_min}")
    half = _period("step_size", step_size)
    cycle = sp.floor(1 + K / (2 * half))
    x = sp.Abs(K / half - 2 * cycle + 1)
    return eta_min + (eta_max - eta_min) * (1 - x)


#: Schedules by name (for the CLI and claims files).
SCHEDULES: dict[str, Callable[..., sp.Expr]] = {
    "constant": constant,
    "step": step_decay,
    "step_decay": step_decay,
    "exponential": exponential,
    "inverse_time": inverse_time,
    "cosine": cosine,
    "cosine_restarts": cosine_restarts,
    "sgdr": cosine_restarts,
    "linear": linear,
    "linear_warmup": linear_warmup,
    "warmup": linear_warmup,
    "cyclical": cyclical,
    "triangular": cyclical,
}
