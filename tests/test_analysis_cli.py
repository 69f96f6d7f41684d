"""``symopt analyze`` and the analysis plots."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symopt.cli import run

SEED = "0.5*(w1**2 + 4*w2**2)"


def test_analyze_json_gives_the_seed_results(capsys):
    assert run(["analyze", SEED, "--method", "gd", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stability"]["value"] == "(0 < alpha) & (alpha < 1/2)"
    assert data["optimal"]["value"]["hyperparameters"] == {"alpha": "2/5"}
    assert data["optimal"]["value"]["rate"] == "3/5"


def test_analyze_with_values_classifies_each_direction(capsys):
    assert run(["analyze", "2*w**2", "--method", "gd", "--hp", "alpha=0.3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["behaviour"]["value"] == "oscillates (converges)"
    assert data["directions"] == [{"lambda": "4", "radius": "1/5",
                                   "kind": "oscillates (converges)"}]
    assert data["rate"]["value"] == "1/5"


def test_analyze_table_and_errors(capsys):
    assert run(["analyze", SEED, "--method", "heavy_ball"]) == 0
    out = capsys.readouterr().out
    assert "stability" in out and "4/9" in out
    assert "On quadratics" in out and "not guarantees for a function class" in out
    assert run(["analyze", SEED, "--method", "gd", "--hp", "alpha"]) == 2
    assert run(["analyze", SEED, "--method", "gd", "--hp", "alpha=-1"]) == 2
    assert run(["analyze", SEED, "--method", "no_such_method"]) == 2
    err = capsys.readouterr().err
    assert "NAME=VALUE" in err and "outside its domain" in err and "unknown method" in err


def test_analyze_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "hb.png"
    assert run(["analyze", SEED, "--method", "heavy_ball", "--plot", str(path)]) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plot saved" in capsys.readouterr().out


def test_radius_grid_matches_hand_values():
    # GD: ρ(α) = max(|1 − α|, |1 − 4α|) on λ ∈ {1, 4}.
    from symopt.analysis import LAMBDA, linear_recurrence
    from symopt.analysis.numeric import radius_grid
    from symopt.methods import get_method
    from symopt.symbols import symbol

    alphas = np.linspace(0.01, 0.6, 50)
    T = linear_recurrence(get_method("gd")).matrix
    rho = radius_grid(T, [symbol("alpha")], [alphas], [1.0, 4.0], LAMBDA)
    assert np.allclose(rho, np.maximum(abs(1 - alphas), abs(1 - 4 * alphas)))
