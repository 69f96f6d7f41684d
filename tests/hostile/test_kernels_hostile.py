"""Hostile hyperparameter values and symbol names for compiled steps (issue: hardening).

Expected behaviour comes from the house rules: user text never reaches generated
source, a value that is not a finite number of the dtype is refused.
"""

import numpy as np
import pytest

from symopt.errors import CodegenError, DomainError, SymoptError
from symopt.kernels import compile
from symopt.methods.base import StateVar, Transform, chain
from symopt.symbols import symbol


@pytest.mark.parametrize("value", ["x", "g", "t", "p", "np", "print", "numpy", "_w", "beta",
                                   "2*x", "x + 1", "I", "L"])
def test_a_value_naming_a_variable_or_a_module_never_reaches_the_kernel(value):
    with pytest.raises(SymoptError):
        compile("gd", alpha=value)


def test_heavy_ball_beta_naming_the_gradient_is_refused():
    with pytest.raises(DomainError, match="variable g"):
        compile("heavy_ball", alpha=0.1, beta="g")


def test_a_value_in_another_hyperparameter_is_resolved_to_a_number():
    step = compile("heavy_ball", alpha="0.1", beta="alpha")  # beta = 1/10
    x, g = np.array([1.0]), np.array([1.0])
    state = step.init_state(x)
    step(x, g, state, 1)
    step(x, g, state, 2)
    # b1 = 1, x1 = 0.9; b2 = 0.1*1 + 1 = 1.1, x2 = 0.9 - 0.11 = 0.79
    assert x[0] == pytest.approx(0.79)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity", " nan "])
def test_nan_and_inf_text_are_refused_as_numbers(text):
    with pytest.raises(DomainError, match="finite"):
        compile("gd", alpha=text)


@pytest.mark.parametrize(("value", "dtype"), [("1/10**400", "float64"), ("10**400", "float64"),
                                              ("1e-50", "float32"), ("1e39", "float32")])
def test_values_that_do_not_survive_the_cast_are_refused(value, dtype):
    with pytest.raises(DomainError):
        compile("gd", dtype=dtype, alpha=value)


def test_a_swept_value_that_underflows_is_refused():
    with pytest.raises(DomainError, match="float32"):
        compile("gd", dtype="float32", alpha=[0.1, 1e-50])


def _state_named(name):
    s = symbol(name)
    return chain("bad", Transform("bad", lambda u, st, c: (u, {s: st[s] + u}),
                                  state=(StateVar(s),)))


@pytest.mark.parametrize("backend", ["numpy", "numexpr", "numba"])
@pytest.mark.parametrize("name", ["x", "g", "t"])
def test_a_state_named_like_a_kernel_variable_is_refused_by_every_backend(backend, name):
    if backend != "numpy":
        pytest.importorskip(backend)
    with pytest.raises(CodegenError, match="name of"):
        compile(_state_named(name), backend)


def test_errors_are_symopt_errors():
    assert issubclass(DomainError, SymoptError) and issubclass(CodegenError, SymoptError)
