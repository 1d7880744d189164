"""Distributed paving (boundprop.executor): the same cells, in the same order, as a local paving."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

import pytest

from boundprop.errors import InputError
from boundprop.executor import ProcessExecutor, SerialExecutor, make_executor
from boundprop.loader import load_paper
from boundprop.propagate import load_annotations
from boundprop.regimes import Question, parse_axis, parse_fix, pave

TOY = "tests/data/toy_collapse.toml"
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Pretend:
    """An executor with several workers that runs the jobs here (in a shuffled order), pickling
    each job and result as a worker process would."""

    workers: int

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        import pickle

        jobs = [pickle.loads(pickle.dumps(item)) for item in items]
        order = list(range(len(jobs)))[::-1]
        out: dict[int, Any] = {i: pickle.loads(pickle.dumps(fn(jobs[i]))) for i in order}
        return [out[i] for i in range(len(jobs))]


def _question(target: str, theorem: str, params: Sequence[str], fix: Sequence[str],
              regimes: Sequence[str] = ()) -> Question:
    paper = load_paper(target)
    ann = load_annotations(paper)
    return Question(target, theorem, tuple(parse_axis(s, paper, ann) for s in params),
                    tuple(parse_fix(s, paper, ann) for s in fix), tuple(regimes))


def _same(a: Any, b: Any) -> None:
    assert [(c.box, c.klass, c.depth, c.regimes, c.baselines, c.reason, c.vacuity) for c in a.cells] == \
        [(c.box, c.klass, c.depth, c.regimes, c.baselines, c.reason, c.vacuity) for c in b.cells]
    assert (a.evaluated, a.levels) == (b.evaluated, b.levels)


@pytest.mark.parametrize("workers", [2, 3, 50])
@pytest.mark.parametrize("params, fix", [
    (["eta=1/1000:1:log", "L=1:64"], ["H=2", "phi0=1"]),
    (["eta=0:1/2", "phi0=1/3:3"], ["H=2", "L=5"]),
])
def test_tiled_paving_equals_the_local_one(workers: int, params: list[str], fix: list[str]) -> None:
    q = _question(TOY, "R1", params, fix)
    prob = q.problem()
    local = pave(prob, depth=10)
    tiled = pave(prob, depth=10, executor=Pretend(workers), question=q)
    assert any(c.depth > 4 for c in local.cells)  # the tiles did pave deeper levels
    _same(local, tiled)


def test_tiled_paving_with_sums_and_regimes_on_both_backends() -> None:
    q = _question("alman-song-2025", "R2", ["eta=1/10000:1/10:log", "L=1:6"],
                  ["H=8", "phi0=1", "d=16", "k=16", "beta=1/4", "c=1", "n=65536"], ["fast-attention"])
    prob = q.problem()
    for backend in ("batch", "scalar"):
        _same(pave(prob, depth=6, backend=backend), pave(prob, depth=6, backend=backend,
                                                         executor=Pretend(2), question=q))


def test_worker_processes_rebuild_the_problem() -> None:
    q = _question(TOY, "R1", ["eta=1/1000:1:log", "L=1:64"], ["H=2", "phi0=1"])
    prob = q.problem()
    _same(pave(prob, depth=9), pave(prob, depth=9, executor=ProcessExecutor(2), question=q))


def test_an_executor_needs_the_question() -> None:
    q = _question(TOY, "R1", ["eta=0:1", "L=1:8"], ["H=2", "phi0=1"])
    with pytest.raises(ValueError, match="question"):
        pave(q.problem(), depth=3, executor=Pretend(2))


def test_make_executor() -> None:
    assert isinstance(make_executor("local", None, 1), SerialExecutor)
    assert make_executor("local", None, 3).workers == 3
    assert make_executor("dask", "tcp://127.0.0.1:1").address == "tcp://127.0.0.1:1"  # type: ignore[attr-defined]
    for kind, scheduler, workers, message in [("dask", None, 1, "scheduler address"), ("local", "tcp://x:1", 1, "dask"),
                                              ("ray", None, 1, "unknown"), ("local", None, 0, "at least 1")]:
        with pytest.raises(InputError, match=message):
            make_executor(kind, scheduler, workers)


def test_fractions_survive_the_question() -> None:
    q = _question(TOY, "R1", ["eta=1/3:1/2"], ["H=2", "phi0=1", "L=3"])
    assert q.axes[0].lo == Fraction(1, 3) and dict(q.fixed)["phi0"] == 1


def test_cli_regimes_jobs_give_the_same_map(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    import json

    args = ("regimes", "R1", "--paper", TOY, "--param", "eta=1/1000:1:log", "--param", "L=1:64",
            "--fix", "H=2", "--fix", "phi0=1", "--depth", "9", "--json")
    code1, out1, err1 = run_cli(*args)
    code2, out2, err2 = run_cli(*args, "--jobs", "2")
    assert code1 == code2 == 0, err1 + err2
    one, two = json.loads(out1), json.loads(out2)
    assert one["cells"] == two["cells"] and len(one["cells"]) > 20


@pytest.mark.parametrize("extra, message", [
    (("--executor", "dask"), "scheduler address"),
    (("--scheduler", "tcp://127.0.0.1:1"), "dask executor"),
    (("--jobs", "0"), "at least 1"),
])
def test_cli_executor_errors(run_cli: Callable[..., tuple[int, str, str]], extra: tuple[str, ...],
                             message: str) -> None:
    code, _, err = run_cli("regimes", "R1", "--paper", TOY, "--depth", "2", *extra)
    assert code == 3 and message in err and len(err.strip().splitlines()) == 1
