"""Seed 004's optimizer comparison in torch: the loop compares nothing (catalogue README, n/c).

The text builds the three optimizers on one model, then re-creates the model inside
the loop; each optimizer still steps the first model's parameters, whose gradients
are never computed, so every plotted loss curve is flat. Built per model, the same
optimizers do train.
"""

import pytest

torch = pytest.importorskip("torch")
nn, optim = torch.nn, torch.optim


def _losses(per_model_optimizers: bool) -> dict[str, list[float]]:
    torch.manual_seed(0)
    X = torch.randn(1000, 10)
    w = torch.tensor([1.5, -2.0, 0.5, 0, 0, 0, 0, 0, 0, 3.0], dtype=torch.float32)
    y = X @ w + 0.1 * torch.randn(1000)
    makers = {
        "SGD": lambda params: optim.SGD(params, lr=0.01),
        "Momentum": lambda params: optim.SGD(params, lr=0.01, momentum=0.9),
        "Adam": lambda params: optim.Adam(params, lr=0.01),
    }
    model = nn.Linear(10, 1)
    criterion = nn.MSELoss()
    optimizers = {name: make(model.parameters()) for name, make in makers.items()}  # the text
    losses: dict[str, list[float]] = {}
    for name in optimizers:
        model = nn.Linear(10, 1)  # the text re-creates the model here ...
        opt = makers[name](model.parameters()) if per_model_optimizers else optimizers[name]
        losses[name] = []
        for _ in range(100):
            opt.zero_grad()
            loss = criterion(model(X).squeeze(), y)
            loss.backward()
            opt.step()  # ... but steps the first model's parameters
            losses[name].append(loss.item())
    return losses


def test_the_texts_loop_never_changes_the_loss():
    for name, curve in _losses(per_model_optimizers=False).items():
        assert max(curve) == min(curve), name


def test_optimizers_built_per_model_do_train():
    for name, curve in _losses(per_model_optimizers=True).items():
        assert curve[-1] < 0.5 * curve[0], name
