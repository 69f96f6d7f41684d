"""Seed 004's optimizer comparison in torch: the loop compares nothing (catalogue README, n/c).

The text builds the three optimizers on one model, then re-creates the model inside
the loop; each optimizer still steps the first model's parameters, whose gradients
are never computed, so every plotted loss curve is flat. Built per model, the same
optimizers do train, and symopt's compiled SGD, heavy ball and Adam steps, run on
the same model from the same initial weights, trace torch's loss curves.
"""

import numpy as np
import pytest

from symopt.kernels import compile
from symopt.methods import adam, get_method, heavy_ball

torch = pytest.importorskip("torch")
nn, optim = torch.nn, torch.optim

STEPS = 100
#: torch.optim's optimizer, its kwargs, and symopt's method with the same hyperparameters
#: (heavy ball is torch.optim.SGD's buffer form b ← βb + g, see docs/kernels.md)
MAKERS = {
    "SGD": (lambda params: optim.SGD(params, lr=0.01), lambda: get_method("gd"),
            {"alpha": 0.01}),
    "Momentum": (lambda params: optim.SGD(params, lr=0.01, momentum=0.9), heavy_ball,
                 {"alpha": 0.01, "beta": 0.9}),
    "Adam": (lambda params: optim.Adam(params, lr=0.01), adam, {"alpha": 0.01}),
}


def _data():
    torch.manual_seed(0)
    X = torch.randn(1000, 10, dtype=torch.float64)
    w = torch.tensor([1.5, -2.0, 0.5, 0, 0, 0, 0, 0, 0, 3.0], dtype=torch.float64)
    y = X @ w + 0.1 * torch.randn(1000, dtype=torch.float64)
    return X, y


def _model():
    torch.manual_seed(1)
    return nn.Linear(10, 1).double()


def _torch_losses(per_model_optimizers: bool) -> dict[str, list[float]]:
    X, y = _data()
    model = _model()
    criterion = nn.MSELoss()
    optimizers = {name: make(model.parameters()) for name, (make, _, _) in MAKERS.items()}
    losses: dict[str, list[float]] = {}
    for name, (make, _, _) in MAKERS.items():
        model = _model()  # the text re-creates the model here ...
        opt = make(model.parameters()) if per_model_optimizers else optimizers[name]
        losses[name] = []
        for _ in range(STEPS):
            opt.zero_grad()
            loss = criterion(model(X).squeeze(), y)
            loss.backward()
            opt.step()  # ... but steps the first model's parameters
            losses[name].append(loss.item())
    return losses


def _symopt_losses() -> dict[str, list[float]]:
    """The same loop with symopt's compiled steps; ∇ of the mean squared error by hand."""
    X, y = (t.numpy() for t in _data())
    model = _model()
    start = np.concatenate([model.weight.detach().numpy().ravel(),
                            model.bias.detach().numpy()])
    design = np.hstack([X, np.ones((len(X), 1))])  # [w, b] ↦ Xw + b
    losses: dict[str, list[float]] = {}
    for name, (_, method, values) in MAKERS.items():
        step = compile(method(), "numpy", np.float64, **values)
        params = start.copy()
        state = step.init_state(params)
        losses[name] = []
        for t in range(1, STEPS + 1):
            residual = design @ params - y
            losses[name].append(float(np.mean(residual**2)))
            step(params, 2 * design.T @ residual / len(y), state, t)
    return losses


def test_the_texts_loop_never_changes_the_loss():
    ours = _symopt_losses()
    for name, curve in _torch_losses(per_model_optimizers=False).items():
        assert max(curve) == min(curve), name
        # the same optimizer on the same model from the same start does move the loss
        assert curve[0] == pytest.approx(ours[name][0], rel=1e-12)
        assert ours[name][-1] < 0.5 * curve[0], name


def test_optimizers_built_per_model_train_like_symopts_compiled_steps():
    ours = _symopt_losses()
    for name, curve in _torch_losses(per_model_optimizers=True).items():
        assert curve[-1] < 0.5 * curve[0], name
        np.testing.assert_allclose(ours[name], curve, rtol=1e-9, err_msg=name)
