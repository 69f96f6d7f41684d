"""The regression data the vector tests share: X ∈ ℝ^{m×n}, w ∈ ℝⁿ, y ∈ ℝᵐ.

The shape declaration (``DATA``), the same names as SymPy matrix symbols built here with
SymPy alone (positive integer dimensions m, n, as a shape declaration makes them), the
calculus's :class:`symopt.vector.Data` of them, the least-squares problems ½‖Xw − y‖² and
(1/2m)‖Xw − y‖², and a claims file stating the textbook gradient Xᵀ(Xw − y) (d2l.ai §3.1).
"""

from __future__ import annotations

import sympy as sp

from symopt.claims import ProblemSpec
from symopt.vector import Data

DATA = {"X": "m x n", "w": "n", "y": "m"}
m, n = sp.symbols("m n", integer=True, positive=True)
X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
D = Data(m, n, X, w, y)

LS = ProblemSpec("norm(X*w - y)**2/2", ("w",), shapes=DATA)
MSE = ProblemSpec("norm(X*w - y)**2/(2*m)", ("w",), shapes=DATA)

#: A claims file: the least-squares problem with its shapes, and its gradient claimed.
LEAST_SQUARES_FILE = '''
title = "least squares in general dimension"
[problems.ls]
objective = "norm(X*w - y)**2/2"
variables = ["w"]
shapes = {X = "m x n", w = "n", y = "m"}
[[claims]]
id = "grad"
kind = "gradient"
problem = "ls"
stated = "X.T*(X*w - y)"
'''
