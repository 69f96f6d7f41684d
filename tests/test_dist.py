"""The scale-out engine: corpus truth, verdicts on a LocalCluster, killed workers, resume.

The corpus's truth is checked here independently of symopt (SymPy derivatives and
NumPy eigenvalues); the cluster tests compare the cluster's verdicts with the
single process's and with that truth.
"""

from __future__ import annotations

import json
import os
import signal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symopt.claims import Claim
from symopt.cli import run
from symopt.corpus import corpus, to_toml
from symopt.dist import (
    DaskEngine,
    InProcessEngine,
    open_engine,
    read_pairs,
    run_tasks,
    tasks_from_claims,
    tasks_from_file,
    verify,
)
from symopt.errors import DomainError, SymoptError


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- the corpus (no dask needed) ---------------------------------------------------

def test_corpus_is_reproducible_and_half_false():
    claims = corpus(200, seed=3)
    assert claims == corpus(200, seed=3)
    assert claims != corpus(200, seed=4)
    assert sum(not c.expect for c in claims) == 100
    assert len({c.id for c in claims}) == 200
    with pytest.raises(DomainError):
        corpus(-1)
    with pytest.raises(DomainError):
        corpus(3, families=["no-such-family"])


def _hessian_eigenvalues(objective: str) -> np.ndarray:
    f = sp.sympify(objective)
    xs = sorted(f.free_symbols, key=str)
    return np.linalg.eigvalsh(np.array(sp.hessian(f, xs), dtype=float))


@pytest.mark.parametrize("seed", [0, 1])
def test_corpus_truth_agrees_with_sympy_and_numpy(seed):
    """The truth the corpus records, recomputed without symopt."""
    for claim in corpus(60, seed=seed):
        if claim.kind == "gradient":
            f = sp.sympify(claim.problem.objective)
            x, y = sp.symbols("x y")
            stated = sp.sympify(claim.stated)
            holds = all(sp.expand(s - sp.diff(f, v)) == 0 for s, v in zip(stated, (x, y)))
        elif claim.kind == "equal":
            holds = sp.expand(sp.sympify(claim.stated) - sp.sympify(claim.reference)) == 0
        else:
            lam = _hessian_eigenvalues(claim.problem.objective)
            if claim.kind == "stability":
                bound = float(Fraction(claim.stated.split("<")[-1].strip()))
                holds = np.isclose(bound, 2 / lam.max())
            elif claim.kind == "optimal_step":
                holds = np.isclose(float(Fraction(claim.stated)), 2 / (lam.min() + lam.max()))
            else:  # rate: the spectral radius of I − αA
                alpha = float(Fraction(claim.hyperparameters["alpha"]))
                holds = np.isclose(float(Fraction(claim.stated)), np.abs(1 - alpha * lam).max())
        assert bool(holds) == claim.expect, claim


def test_corpus_round_trips_through_a_claims_file(tmp_path):
    claims = corpus(10, seed=5)
    path = tmp_path / "corpus.toml"
    path.write_text(to_toml(claims))
    tasks = tasks_from_file(path)
    def problem(claim):
        return claim.problem and (claim.problem.objective, claim.problem.variables)

    assert [(t.id, t.claim.kind, t.claim.stated, problem(t.claim), t.expect) for t in tasks] == \
        [(c.id, c.kind, c.stated, problem(c), c.expect) for c in claims]


def test_in_process_verdicts_match_the_corpus_truth():
    claims = corpus(4, seed=11, families=["stability", "gradient"])
    records = run_tasks(tasks_from_claims(claims), InProcessEngine())
    assert [r["verdict"] for r in records] == \
        ["true" if c.expect else "false" for c in claims]


# -- results file, resume, malformed claims (in process) ---------------------------

def _quick_claims(n):
    return [Claim("equal", f"(x + {k})**2", reference=f"x**2 + {2 * k}*x + {k * k + k % 2}",
                  id=f"q{k}") for k in range(n)]


def test_resume_finishes_an_interrupted_run_and_writes_nothing_twice(tmp_path):
    out = tmp_path / "results.jsonl"
    tasks = tasks_from_claims(_quick_claims(6), file="quick")
    seen = []

    def interrupt(record):
        seen.append(record["id"])
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_tasks(tasks, InProcessEngine(), out=out, progress=interrupt)
    assert [r["id"] for r in _lines(out)] == ["q0", "q1"]
    with open(out, "a") as handle:  # a line cut off by a kill
        handle.write('{"id": "q2", "file": "qu')
    ran = []
    records = run_tasks(tasks, InProcessEngine(), out=out, resume=True,
                        progress=lambda r: ran.append(r["id"]))
    assert ran == ["q2", "q3", "q4", "q5"]
    ids = [r["id"] for r in _lines(out)]
    assert sorted(ids) == [f"q{k}" for k in range(6)] and len(ids) == 6
    assert [r["verdict"] for r in records] == ["true", "false"] * 3  # k² + k%2 is off for odd k


def test_resume_refuses_a_damaged_file(tmp_path):
    out = tmp_path / "results.jsonl"
    out.write_text('not json\n{"id": "a", "file": ""}\n')
    with pytest.raises(SymoptError, match="line 1"):
        run_tasks(tasks_from_claims(_quick_claims(1)), InProcessEngine(), out=out, resume=True)


def _corpus_with_a_malformed_claim(tmp_path, n=6):
    text = to_toml(corpus(n, seed=2, families=["gradient", "equal"]))
    blocks = text.split("[[claims]]")
    bad = '\nid = "broken"\nkind = "gradient"\nstated = "[2*x]"\nproblem = "nowhere"\n\n'
    blocks.insert(len(blocks) // 2, bad)
    path = tmp_path / "corpus.toml"
    path.write_text("[[claims]]".join(blocks))
    return path


def test_cli_check_reports_a_malformed_claim_and_goes_on(tmp_path, capsys):
    path = _corpus_with_a_malformed_claim(tmp_path)
    out = tmp_path / "r.jsonl"
    assert run(["check", str(path), "--out", str(out), "--json"]) == 2
    records = {r["id"]: r for r in _lines(out)}
    assert len(records) == 7
    assert records["broken"]["verdict"] == "error"
    assert "unknown problem 'nowhere'" in records["broken"]["summary"]
    others = [r for r in records.values() if r["id"] != "broken"]
    assert all(r["verdict"] == ("true" if r["expect"] else "false") for r in others)
    # a second run with --resume has nothing left to do and writes nothing
    assert run(["check", str(path), "--out", str(out), "--resume", "--json"]) == 2
    assert len(_lines(out)) == 7


def test_limits_are_validated():
    for bad in (0, -1, True, 10**6):
        with pytest.raises(DomainError):
            open_engine(workers=bad)
    with pytest.raises(DomainError):
        open_engine(workers=1, scheduler="tcp://localhost:8786")
    with pytest.raises(DomainError):
        tasks_from_claims(_quick_claims(1), timeout=float("nan"))
    assert run(["check", "x.toml", "--resume"]) == 2


# -- verify ---------------------------------------------------------------------

def test_verify_equal_not_equal_unknown():
    assert verify(r"\frac{2}{L + \mu}", "2/(mu + L)").status == "true"
    wrong = verify("(x + 1)**2", "x**2 + 1")
    assert wrong.status == "false"
    x = sp.Symbol("x")
    # the counterexample is a point where the two really differ
    point = sp.Rational(wrong.counterexample.split("x = ")[1].split(":")[0])
    assert ((x + 1) ** 2 - (x**2 + 1)).subs(x, point) != 0


def test_verify_batch_jsonl_and_csv(tmp_path, capsys):
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text('{"id": "a", "reference": "x**2 - 1", "answer": "(x - 1)*(x + 1)"}\n'
                     "not json\n"
                     '{"id": "c", "reference": "1/3", "answer": "0.33"}\n')
    csv = tmp_path / "pairs.csv"
    csv.write_text("id,reference,answer\na,x**2 - 1,(x - 1)*(x + 1)\nb,,x\nc,1/3,0.33\n")
    for path, broken in ((jsonl, "line-2"), (csv, "b")):
        tasks = read_pairs(path)
        assert [t.id for t in tasks] == ["a", broken, "c"]
        assert run(["verify", "--batch", str(path), "--json"]) == 2
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert [r["result"] for r in lines] == ["equal", "error", "not equal"]
    assert run(["verify", "x**2", "x*x"]) == 0
    assert run(["verify", "x**2", "2*x"]) == 1
    assert run(["verify", "x**2"]) == 2


# -- on a LocalCluster of 2 workers ------------------------------------------------

@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("distributed")
    engine = DaskEngine.local(2)
    yield engine
    engine.close()


def _same_verdicts(claims, engine):
    tasks = tasks_from_claims(claims)
    alone = run_tasks(tasks, InProcessEngine())
    spread = run_tasks(tasks, engine)
    key = ("id", "verdict", "correct")
    assert [[r[k] for k in key] for r in alone] == [[r[k] for k in key] for r in spread]
    assert [r["verdict"] for r in spread] == ["true" if c.expect else "false" for c in claims]
    return spread


def test_cluster_verdicts_equal_single_process(cluster):
    spread = _same_verdicts(corpus(5, seed=21), cluster)
    assert all(r["worker"].startswith("tcp://") for r in spread)


@pytest.mark.slow
def test_cluster_verdicts_equal_single_process_larger_corpus(cluster):
    spread = _same_verdicts(corpus(24, seed=22), cluster)
    assert len({r["worker"] for r in spread}) == 2


def test_time_limit_holds_inside_cluster_workers(cluster):
    slow = Claim("stability", "0 < alpha < 1", problem="x**2/2 + 9*y**2/2 + 3*z**2",
                 method="gd", id="slow", timeout=0.05)
    records = run_tasks(tasks_from_claims([slow, *_quick_claims(2)]), cluster)
    assert [r["verdict"] for r in records] == ["timeout", "true", "false"]
    assert records[0]["seconds"] < 5


def test_killing_a_worker_mid_run_loses_nothing(cluster, tmp_path):
    claims = corpus(12, seed=31, families=["gradient", "equal"])
    out = tmp_path / "r.jsonl"
    pids = cluster.client.run(os.getpid)
    killed = []

    def kill_one(record):
        if not killed:
            victim = next(a for a in pids if a != record["worker"])
            os.kill(pids[victim], signal.SIGKILL)
            killed.append(victim)

    records = run_tasks(tasks_from_claims(claims, file="c"), cluster, out=out,
                        progress=kill_one)
    lines = _lines(out)
    assert killed and sorted(r["id"] for r in lines) == sorted(c.id for c in claims)
    assert [r["verdict"] for r in records] == ["true" if c.expect else "false" for c in claims]


def test_malformed_claim_on_the_cluster(cluster, tmp_path):
    path = _corpus_with_a_malformed_claim(tmp_path)
    records = run_tasks(tasks_from_file(path), cluster)
    assert [r["verdict"] for r in records if r["id"] == "broken"] == ["error"]
    assert all(r["verdict"] == ("true" if r["expect"] else "false")
               for r in records if r["id"] != "broken")


def _die(_):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.slow
def test_a_claim_that_keeps_killing_its_worker_is_reported_lost(cluster):
    [(_, outcome)] = list(cluster.map(_die, [1]))
    assert outcome == ("lost", "worker lost")


_DAEMONIC = """
import dask, distributed
from symopt.dist.engine import DaskEngine
from symopt.errors import SymoptError

if __name__ == "__main__":
    with dask.config.set({"distributed.worker.daemon": True}), \\
            distributed.LocalCluster(n_workers=1, threads_per_worker=1,
                                     dashboard_address=":0") as local, \\
            distributed.Client(local) as client:
        try:
            DaskEngine(client)
        except SymoptError as exc:
            print("refused:", exc)
"""


@pytest.mark.slow
def test_daemonic_workers_are_refused(tmp_path):
    # In a process of its own: the global dask config set here would otherwise reach the
    # module's shared cluster, whose nanny reads it whenever it restarts a killed worker.
    pytest.importorskip("distributed")
    import subprocess
    import sys

    script = tmp_path / "daemonic.py"
    script.write_text(_DAEMONIC, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, env=env)
    assert "refused:" in run.stdout and "daemonic" in run.stdout, run.stdout + run.stderr


def test_prove_entries_run_as_tasks_on_the_cluster(cluster):
    from symopt.catalogue import default_proofs_dir, run_catalogue
    from symopt.dist.prove import run_catalogue_on

    select = "002-directional"
    alone = run_catalogue(default_proofs_dir(), select=select)
    spread = run_catalogue_on(cluster, default_proofs_dir(), select=select)
    assert [(r.entry.info.id, r.verdict) for r in spread.results] == \
        [(r.entry.info.id, r.verdict) for r in alone.results]
    assert spread.ok == alone.ok and len(spread.results) == 1


# -- sweeps ---------------------------------------------------------------------

def test_sweep_chunks_agree_with_one_batched_run():
    pytest.importorskip("dask.array")
    from symopt.dist.sweep import sweep
    from symopt.kernels import run as run_kernel

    alpha = np.linspace(0.01, 1.2, 37)
    beta = np.linspace(0.0, 0.9, 37)
    ratio = sweep("x**2 + 3*y**2", "heavy_ball", [1.0, -1.0], 40,
                  {"alpha": alpha, "beta": beta}, chunk=13).compute()
    whole = run_kernel("x**2 + 3*y**2", "heavy_ball", [1.0, -1.0], 40, alpha=alpha, beta=beta)
    np.testing.assert_allclose(ratio, whole.grad_norms[-1] / whole.grad_norms[0])


def test_heavy_ball_stability_map_matches_the_analytic_region():
    """Polyak's region for f = λx²/2: −1 < β < 1 and 0 < αλ < 2(1 + β); the grid avoids
    its boundary, where convergence is too slow to see in a finite run."""
    pytest.importorskip("dask.array")
    from symopt.dist.sweep import heavy_ball_stability_map

    alpha = np.linspace(0.013, 1.987, 60)  # λ = 2: the boundary αλ = 2(1 + β) crosses it
    beta = np.linspace(0.0, 0.9, 19)
    result = heavy_ball_stability_map(alpha, beta, curvature=2.0, steps=3000, chunk=600)
    assert result.analytic.any() and not result.analytic.all()
    assert result.agreement == 1.0, result.disagreements
