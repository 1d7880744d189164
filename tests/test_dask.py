"""Paving and witness sampling on a Dask cluster (a LocalCluster of worker
processes): the same results as the local run. Skipped without Dask."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("distributed")

from boundprop.executor import DaskExecutor  # noqa: E402
from boundprop.loader import load_paper  # noqa: E402
from boundprop.regimes import Question, parse_axis, parse_fix, pave  # noqa: E402

TOY = "tests/data/toy_collapse.toml"


@pytest.fixture(scope="module")
def executor() -> Iterator[DaskExecutor]:
    from distributed import LocalCluster

    # worker processes: jobs and results cross a pickle boundary, as on a real cluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        ex = DaskExecutor(cluster.scheduler_address)
        yield ex
        ex.close()


def test_regimes_on_dask_equal_the_local_run(executor: DaskExecutor) -> None:
    paper = load_paper(TOY)
    q = Question(TOY, "R1", tuple(parse_axis(s, paper) for s in ["eta=1/1000:1:log", "L=1:64"]),
                 tuple(parse_fix(s, paper) for s in ["H=2", "phi0=1"]))
    prob = q.problem()
    local = pave(prob, depth=10)
    remote = pave(prob, depth=10, executor=executor, question=q)

    def key(m: Any) -> list[Any]:
        return [(c.box, c.klass, c.depth, c.regimes, c.baselines) for c in m.cells]

    assert executor.workers == 2
    assert key(local) == key(remote) and local.evaluated == remote.evaluated


def test_witness_sampling_on_dask_equals_the_local_run(executor: DaskExecutor) -> None:
    from boundprop.witness.measure import NetworkConfig, measure_random

    cfg = NetworkConfig(n=4, d=3, k=2, H=2, L=2, beta=0.5, eta=0.3, phi0=1.0)
    local = measure_random(cfg, 40, seed=3, chunk=8)
    remote = measure_random(cfg, 40, seed=3, chunk=8, executor=executor)
    assert remote.maxima == local.maxima and remote.samples == 40


def test_cli_regimes_and_witness_on_dask(executor: DaskExecutor, run_cli: Any) -> None:
    import json

    args = ("regimes", "R1", "--paper", TOY, "--param", "eta=1/1000:1:log", "--param", "L=1:64",
            "--fix", "H=2", "--fix", "phi0=1", "--depth", "8", "--json")
    code1, out1, err1 = run_cli(*args)
    code2, out2, err2 = run_cli(*args, "--executor", "dask", "--scheduler", executor.address)
    assert code1 == code2 == 0, err1 + err2
    assert json.loads(out1)["cells"] == json.loads(out2)["cells"]
    wargs = ("witness", "R1", "--param", "eta=0.1", "--param", "L=2", "--samples", "24", "--json")
    code1, out1, err1 = run_cli(*wargs)
    code2, out2, err2 = run_cli(*wargs, "--executor", "dask", "--scheduler", executor.address)
    assert code1 == code2 == 0, err1 + err2
    strip = ("seconds",)
    one, two = (json.loads(o) for o in (out1, out2))
    assert [{k: v for k, v in c.items() if k not in strip} for c in one["configurations"]] == \
        [{k: v for k, v in c.items() if k not in strip} for c in two["configurations"]]
