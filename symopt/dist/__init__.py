"""Many checks, one engine: claims as tasks, in this process or on a dask.distributed cluster.

A claim is plain data and its check a pure task with a time limit
(:func:`~symopt.dist.tasks.run_task`), so the same checks run one by one in this
process (:class:`~symopt.dist.engine.InProcessEngine`) or as tasks on a cluster
(:class:`~symopt.dist.engine.DaskEngine`: a ``distributed.LocalCluster`` or an
existing scheduler). :func:`~symopt.dist.stream.run_tasks` streams the verdicts
to a JSON Lines file, flushed per line, and resumes an interrupted run.
``dask[distributed]`` (the ``dist`` extra) is imported only by the cluster engine.

>>> from symopt.dist import InProcessEngine, run_tasks, tasks_from_claims
>>> from symopt.claims import Claim
>>> records = run_tasks(tasks_from_claims([Claim("equal", "2*x", reference="x + x", id="a")]),
...                     InProcessEngine())
>>> [(r["id"], r["verdict"]) for r in records]
[('a', 'true')]
"""

from symopt.dist.engine import DaskEngine, Engine, InProcessEngine, open_engine
from symopt.dist.stream import ResultsFile, run_tasks
from symopt.dist.tasks import Task, record_verdict, run_task, tasks_from_claims, tasks_from_file
from symopt.dist.verify import read_pairs, verify, verify_many

__all__ = [
    "DaskEngine",
    "Engine",
    "InProcessEngine",
    "ResultsFile",
    "Task",
    "open_engine",
    "read_pairs",
    "record_verdict",
    "run_task",
    "run_tasks",
    "tasks_from_claims",
    "tasks_from_file",
    "verify",
    "verify_many",
]
