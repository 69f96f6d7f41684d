"""Derivations the engine produces from Problem and Method objects.

Each builder returns a :class:`~symopt.derivation.Derivation` whose every step
was checked when it was added; :data:`BUILDERS` maps the ``--method`` names of
``symopt derive`` to them.

>>> from symopt.derivations import gd_derivation
>>> gd_derivation("2*w**2").results["alpha_star"]
1/4
"""

from symopt.derivations.gradient_descent import gd_derivation
from symopt.derivations.momentum import heavy_ball_derivation
from symopt.derivations.newton import newton_multivariate, newton_on_problem, newton_scalar

__all__ = [
    "gd_derivation",
    "heavy_ball_derivation",
    "newton_multivariate",
    "newton_on_problem",
    "newton_scalar",
]
