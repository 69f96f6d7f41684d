"""``compile(method)``: a method's symbolic rule as an in-place step function.

>>> import numpy as np
>>> from symopt.kernels import compile
>>> step = compile("gd", alpha=0.1)
>>> x, g = np.array([2.0]), np.array([4.0])
>>> step(x, g, step.init_state(x), 1)
>>> x
array([1.6])
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from symopt.errors import CodegenError, DomainError, UnsupportedError
from symopt.kernels.codegen import NameTable, check_supported, lower, traffic
from symopt.methods import Method, get_method
from symopt.methods.base import X

__all__ = ["BACKENDS", "CompiledStep", "compile", "resolve_method", "split_hyperparameters"]

#: Backend names accepted by :func:`compile`.
BACKENDS = ("numpy", "numba", "numexpr")
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def resolve_method(method: Method | str) -> Method:
    """A Method, looked up by name when given as text."""
    if isinstance(method, Method):
        return method
    if isinstance(method, str):
        return get_method(method)
    raise UnsupportedError(f"expected a Method or a method name, got {type(method).__name__}")


def _dtype(dtype: Any) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise UnsupportedError(f"unknown dtype {dtype!r}; use float32 or float64") from None
    if dt not in DTYPES:
        raise UnsupportedError(f"dtype {dt} is not supported; use float32 or float64")
    return dt


def split_hyperparameters(
    method: Method, values: Mapping[str, object]
) -> tuple[dict[sp.Symbol, sp.Expr], dict[sp.Symbol, np.ndarray], int | None]:
    """Checked hyperparameters: fixed ones (exact numbers) and swept ones (arrays of shape (B,)).

    Defaults fill the hyperparameters not given; one without a default is an error.

    >>> from symopt.methods import heavy_ball
    >>> fixed, swept, batch = split_hyperparameters(heavy_ball(), {"alpha": [0.1, 0.2]})
    >>> fixed, swept, batch
    ({beta: 9/10}, {alpha: array([0.1, 0.2])}, 2)
    """
    fixed: dict[sp.Symbol, sp.Expr] = {}
    swept: dict[sp.Symbol, np.ndarray] = {}
    batch: int | None = None
    for name, value in values.items():
        if isinstance(value, (numbers.Number, str, sp.Basic)) or np.ndim(value) == 0:
            fixed.update(method.substitution({name: value}))
            continue
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise DomainError(f"{name} must be a number or a 1-D array of numbers") from None
        if array.ndim != 1 or array.size == 0:
            raise DomainError(f"{name} must be a number or a non-empty 1-D array (a sweep), "
                              f"got shape {array.shape}")
        if batch is not None and array.size != batch:
            raise DomainError(f"swept hyperparameters have different lengths ({batch} and "
                              f"{array.size} for {name})")
        batch = array.size
        if not np.all(np.isfinite(array)):
            raise DomainError(f"{name} must be finite, got {array[~np.isfinite(array)][0]}")
        # On an interval domain the smallest and largest values decide for all between.
        domains = [h.domain for h in method.hyperparameters
                   if name == h.symbol.name or name in h.aliases]
        checked = (array.min(), array.max()) if domains and \
            isinstance(domains[0], sp.Interval) else np.unique(array)
        symbol = None
        for element in checked:
            (symbol,) = method.substitution({name: float(element)})
        swept[symbol] = array
    given = set(fixed) | set(swept)
    for hp in method.hyperparameters:
        if hp.symbol in given:
            continue
        if hp.default is None:
            raise DomainError(f"{method.name} needs a value for {hp.symbol.name} "
                              f"({hp.description or 'no default'})")
        fixed[hp.symbol] = hp.default
    return _numbers(fixed), swept, batch


def _numbers(fixed: dict[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    """Fixed values as finite real numbers (an expression may use the other fixed values)."""
    for _ in range(len(fixed)):
        resolved = {s: sp.sympify(v).xreplace(fixed) for s, v in fixed.items()}  # safe: SymPy
        if resolved == fixed:
            break
        fixed = resolved
    for s, value in fixed.items():
        if value.free_symbols:
            names = ", ".join(sorted(f.name for f in value.free_symbols))
            raise DomainError(f"{s.name} = {value} is not a number (it names {names}); a "
                              "compiled step needs numbers, or expressions in the other "
                              "hyperparameters' values")
        try:
            number = float(value)
        except (TypeError, OverflowError):
            number = float("nan") if value.is_real is False else float("inf")
        if not np.isfinite(number):
            raise DomainError(f"{s.name} = {sp.N(value, 6)} is not a finite real number a step "
                              "can use")
    return fixed


def _check_cast(fixed: Mapping[sp.Symbol, sp.Expr], swept: Mapping[sp.Symbol, np.ndarray],
                dtype: np.dtype) -> None:
    """Refuse values that do not survive the cast to ``dtype`` (overflow, or a nonzero → 0)."""
    items = [(s, v, float(v)) for s, v in fixed.items()]
    items += [(s, e, float(e)) for s, a in swept.items() for e in a]
    with np.errstate(over="ignore", under="ignore"):
        for s, value, number in items:
            cast = dtype.type(number)
            if not np.isfinite(cast) or (value != 0 and cast == 0):
                raise DomainError(f"{s.name} = {sp.N(value, 6)} does not survive the cast to "
                                  f"{dtype.name} (it becomes {cast})")


class CompiledStep:
    """A compiled step ``step(params, grads, state, t)`` updating arrays in place.

    ``t`` is the 1-based step counter; methods that use the Newton direction
    take it as ``p=``. ``source`` is the generated source. With swept
    hyperparameters (``batch`` rows) the arrays have shape ``(batch, n)``.
    """

    def __init__(self, method: Method, backend: str, dtype: np.dtype, kernel: Any,
                 fixed: dict[sp.Symbol, sp.Expr], swept: dict[sp.Symbol, np.ndarray],
                 batch: int | None, batched: bool, hp_order: Sequence[sp.Symbol],
                 slots: Sequence[Any] = (), data: Mapping[str, np.ndarray] | None = None,
                 arrays_moved: tuple[int, int] = (0, 0)):
        self.method = method
        self.backend = backend
        self.dtype = dtype
        self.batch = batch
        self.batched = batched
        self.hyperparameters: dict[str, object] = {s.name: v for s, v in fixed.items()}
        self.hyperparameters.update({s.name: v for s, v in swept.items()})
        self.state_names = tuple(s.symbol.name for s in method.state)
        self.uses_p = method.uses_newton_direction
        #: Full arrays one step must read and write at the least (reductions' passes
        #: included): ``(reads, writes)``; see :func:`symopt.kernels.codegen.traffic`.
        self.traffic = arrays_moved
        self._kernel = kernel
        self._hp_values = [np.array(swept[h], dtype=np.float64) if h in swept
                           else np.array([float(fixed[h])]) for h in hp_order]
        self._hp_order = list(hp_order)
        self._swept = set(swept)
        self._slots = [(slot.role, slot.symbol.name) for slot in slots]
        self._data = dict(data or {})
        self._data_views: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}
        self._buffers: dict[tuple[int, ...], list[np.ndarray]] = {}
        self._init = {s.symbol.name: _initializer(s.init, fixed) for s in method.state}

    @property
    def source(self) -> str:
        """The generated source of the kernel."""
        return self._kernel.source

    def __repr__(self) -> str:
        return (f"CompiledStep({self.method.name!r}, backend={self.backend!r}, "
                f"dtype={self.dtype.name}, batch={self.batch})")

    def _check_params(self, params: object, what: str = "params") -> np.ndarray:
        if not isinstance(params, np.ndarray):
            raise DomainError(f"{what} must be a NumPy array, got {type(params).__name__}")
        if params.dtype != self.dtype:
            raise DomainError(f"{what} has dtype {params.dtype}; this step was compiled for "
                              f"{self.dtype}")
        if self.batched and (params.ndim != 2 or (self.batch and params.shape[0] != self.batch)):
            rows = self.batch or "B"
            raise DomainError(f"{what} must have shape ({rows}, n) for a batched step, "
                              f"got {params.shape}")
        return params

    def set_swept(self, name: str, values: np.ndarray) -> None:
        """Overwrite the per-row values of a swept hyperparameter in place.

        For a value a run chooses at every step (a line search's step τ): no
        recompilation, no allocation. Values are not domain-checked here; the caller
        chooses them.

        >>> step = compile("gd", alpha=[0.1, 0.2])
        >>> step.set_swept("alpha", np.array([0.5, 0.5]))
        >>> x = np.ones((2, 1)); step(x, x.copy(), step.init_state(x), 1); x[:, 0]
        array([0.5, 0.5])
        """
        names = [s.name for s in self._hp_order]
        if name not in names or self._hp_order[names.index(name)] not in self._swept:
            raise DomainError(f"{name} is not a swept hyperparameter of this step")
        target = self._hp_values[names.index(name)]
        if np.shape(values) != target.shape:
            raise DomainError(f"{name} needs {target.shape[0]} value(s), got shape "
                              f"{np.shape(values)}")
        target[:] = values

    def init_state(self, params: np.ndarray) -> dict[str, np.ndarray]:
        """Fresh state arrays for ``params`` (and the work buffers for that shape)."""
        params = self._check_params(params)
        state = {name: make(params) for name, make in self._init.items()}
        self._work(params.shape)
        return state

    def _work(self, shape: tuple[int, ...]) -> list[np.ndarray]:
        buffers = self._buffers.get(shape)
        if buffers is None:
            buffers = [np.empty(shape, self.dtype) for _ in range(self._kernel.n_buffers)]
            buffers += [np.empty(shape, self.dtype if kind is None else np.dtype(kind))
                        for kind in getattr(self._kernel, "extra_buffers", ())]
            self._buffers[shape] = buffers
        return buffers

    def __call__(self, params: np.ndarray, grads: np.ndarray, state: Mapping[str, np.ndarray],
                 t: int, p: np.ndarray | None = None) -> None:
        """One step in place: ``params`` and the ``state`` arrays are overwritten."""
        try:
            arrays = [params if role == "x" else grads if role == "g" else p if role == "p"
                      else state[name] if role == "state" else params  # data: below
                      for role, name in self._slots]
        except (KeyError, TypeError):
            arrays = []
        # Fast path: every array an ndarray of the params' shape and this dtype.
        shape, dtype = getattr(params, "shape", None), self.dtype
        if len(arrays) != len(self._slots) or not all(
            type(a) is np.ndarray and a.shape == shape and a.dtype == dtype for a in arrays
        ) or (self.batched and not self._rows_ok(params)) or not params.flags.writeable:
            self._explain(params, grads, state, p)
        if self._data:
            arrays = [self._data_for(name, shape) if role == "data" else a
                      for a, (role, name) in zip(arrays, self._slots)]
        if (type(t) is not int and (isinstance(t, (bool, np.bool_))
                                   or not isinstance(t, np.integer))) or t < 1:
            raise DomainError(f"t must be the 1-based step counter (an integer ≥ 1), got {t!r}")
        self._kernel.call(arrays, int(t), self._hp_values, self._work(shape))

    def _rows_ok(self, params: np.ndarray) -> bool:
        return params.ndim == 2 and (not self.batch or params.shape[0] == self.batch)

    def _explain(self, params: object, grads: object, state: Mapping[str, object],
                 p: object) -> None:
        """Raise the DomainError that says what is wrong with the arrays."""
        params = self._check_params(params)
        if not params.flags.writeable:
            raise DomainError("params is read-only")
        for role, name in self._slots:
            if role == "g":
                self._same(grads, params, "grads")
            elif role == "p":
                if p is None:
                    raise DomainError(f"{self.method.name} needs the Newton direction p=")
                self._same(p, params, "p")
            elif role == "state":
                if not isinstance(state, Mapping) or name not in state:
                    raise DomainError(f"state has no array {name!r}; use step.init_state(params)")
                self._same(state[name], params, f"state[{name!r}]")
        raise DomainError("the arrays do not match this step")  # pragma: no cover

    def _data_for(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The data array ``name`` as a contiguous array of the params' shape (cached)."""
        key = (name, shape)
        if key not in self._data_views:
            array = self._data[name]
            try:
                view = np.broadcast_to(array, shape)
            except ValueError:
                raise DomainError(f"data {name!r} has shape {array.shape}; params have shape "
                                  f"{shape}") from None
            self._data_views[key] = np.ascontiguousarray(view)
        return self._data_views[key]

    def _same(self, array: object, params: np.ndarray, what: str) -> np.ndarray:
        if not isinstance(array, np.ndarray) or array.shape != params.shape \
                or array.dtype != params.dtype:
            shape = getattr(array, "shape", None)
            dtype = getattr(array, "dtype", type(array).__name__)
            raise DomainError(f"{what} must be a {params.dtype} array of shape {params.shape} "
                              f"like params, got {dtype} {shape}")
        return array


def _initializer(init: sp.Expr, fixed: Mapping[sp.Symbol, sp.Expr]):
    """A function params -> initial state array for the expression ``init`` (in x)."""
    init = sp.sympify(init).xreplace(fixed)  # safe: a SymPy expression, not text
    if not init.free_symbols:
        value = float(init)
        return lambda params: np.full(params.shape, value, params.dtype)
    if init == X:
        return lambda params: np.array(params, order="C")
    if init.free_symbols - {X}:
        names = ", ".join(sorted(s.name for s in init.free_symbols - {X}))
        raise UnsupportedError(f"a state's initial value depends on {names}; only on x is "
                               "supported")
    check_supported([init], "initial state")
    from symopt.kernels.numpy_backend import ScalarPrinter

    name = NameTable({X: "x"}).name(X, "_a")
    text = ScalarPrinter({"fully_qualified_modules": True}).doprint(
        init.xreplace({X: sp.Symbol(name)}))
    namespace: dict[str, Any] = {"numpy": np}
    source = f"def init(x):\n    return numpy.broadcast_to({text}, x.shape)\n"
    exec(compile_source(source), namespace)  # safe: generated source, one generated name
    make = namespace["init"]
    return lambda params: np.array(make(params), dtype=params.dtype)


def compile_source(source: str) -> Any:
    """Python's ``compile`` (shadowed by :func:`compile` in this module)."""
    import builtins

    return builtins.compile(source, "<symopt generated>", "exec")


def compile(method: Method | str, backend: str = "numpy", dtype: Any = np.float64, *,
            batched: bool | None = None, data: Mapping[str, object] | None = None,
            **hyperparameters: object) -> CompiledStep:
    """Compile ``method`` to an in-place step function for arrays of ``dtype``.

    ``backend`` is ``"numpy"`` (in-place ufunc calls), ``"numba"`` (one fused,
    multithreaded loop) or ``"numexpr"`` (one fused evaluate per output); the
    last two need the extra ``[fast]``. ``dtype`` is float32 or float64.
    Hyperparameters are numbers (checked against their domains) or 1-D arrays
    of one length B (a sweep: the step then works on arrays of shape (B, n), one
    row per value). ``batched=True`` asks for row-wise reductions without a
    sweep (a batch of starting points). Missing ones take the method's defaults.
    ``data`` gives per-coordinate constant arrays by symbol name (the normal ``a``
    of a half-space projection), of the params' shape or broadcastable to it.

    >>> step = compile("heavy_ball", alpha=[0.1, 0.2])
    >>> x = np.ones((2, 3)); state = step.init_state(x)
    >>> step(x, np.ones((2, 3)), state, 1)
    >>> x[:, 0]
    array([0.9, 0.8])
    """
    method = resolve_method(method)
    dt = _dtype(dtype)
    if backend not in BACKENDS:
        raise UnsupportedError(f"unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    fixed, swept, batch = split_hyperparameters(method, hyperparameters)
    _check_cast(fixed, swept, dt)
    is_batched = bool(swept) or bool(batched)
    # Zero-valued hyperparameters (a weight decay of 0) remove their terms outright.
    zeros = {s: v for s, v in fixed.items() if v == 0}
    rule = method.rule(**{s.name: v for s, v in zeros.items()})
    symbols = [h.symbol for h in method.hyperparameters if h.symbol not in zeros]
    nonzero = {s: v for s, v in fixed.items() if s not in zeros}
    # numba kernels take every hyperparameter at run time (one compilation per method,
    # whatever the values); NumPy kernels fold fixed values into module constants.
    arrays = _data_arrays(rule, data or {}, dt)
    plan = lower(rule, symbols, nonzero if backend != "numba" else {},
                 [s.symbol for s in method.state], [sym for sym, _ in arrays.values()])
    hp_order = [sym for _, sym in plan.hyperparameters]
    if backend == "numpy":
        from symopt.kernels.numpy_backend import generate
    elif backend == "numexpr":
        from symopt.kernels.numexpr_backend import generate
    else:
        from symopt.kernels.numba_backend import generate
    try:
        kernel = generate(plan, dt, batched=is_batched)
    except SyntaxError as exc:  # pragma: no cover - a printer bug, never user input
        raise CodegenError(f"generated source does not parse: {exc}") from None
    return CompiledStep(method, backend, dt, kernel, fixed, swept, batch, is_batched, hp_order,
                        plan.arrays, {name: array for name, (_, array) in arrays.items()},
                        traffic(plan))


def _data_arrays(rule: Any, data: Mapping[str, object],
                 dtype: np.dtype) -> dict[str, tuple[sp.Symbol, np.ndarray]]:
    """Per-coordinate data by name: the rule's symbol and a finite array of ``dtype``."""
    free = {s.name: s for e in [rule.x_next, *rule.state_next.values()] for s in e.free_symbols}
    arrays = {}
    for name, value in data.items():
        if name not in free:
            raise DomainError(f"data {name!r} is not a symbol of the update rule")
        try:
            array = np.asarray(value, dtype=dtype)
        except (TypeError, ValueError):
            raise DomainError(f"data {name!r} must be an array of numbers") from None
        if not np.all(np.isfinite(array)):
            raise DomainError(f"data {name!r} contains NaN or infinite values")
        arrays[name] = (free[name], array)
    return arrays
