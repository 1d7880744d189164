"""Where independent jobs run: here, in local worker processes, or on a Dask cluster.

One protocol for the jobs of ``regimes`` (tiles of a paving) and ``witness``
(chunks of random draws): :meth:`Executor.map` runs a module-level function on
every item and returns the results in the items' order, so a result never
depends on where or in which order the jobs ran. Items carry picklable inputs
only (a paper's id or path, parameters, seeds): a worker rebuilds what it
compiles from them, and never receives a compiled closure.

Dask (``pip install 'boundprop[dask]'``) is imported only by :class:`DaskExecutor`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from boundprop.errors import InputError

__all__ = ["EXECUTORS", "DaskExecutor", "Executor", "ProcessExecutor", "SerialExecutor", "make_executor"]

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "dask")


class Executor(Protocol):
    """Runs ``fn`` on every item; results in the items' order."""

    @property
    def workers(self) -> int: ...

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...


@dataclass(frozen=True, slots=True)
class SerialExecutor:
    """Every job in this process, one after the other."""

    @property
    def workers(self) -> int:
        return 1

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]


@dataclass(frozen=True, slots=True)
class ProcessExecutor:
    """``processes`` local worker processes, started from a forkserver (never
    forked from this process's threads, such as a progress display)."""

    processes: int
    preload: tuple[str, ...] = ()

    @property
    def workers(self) -> int:
        return self.processes

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        from concurrent.futures import ProcessPoolExecutor

        if self.processes <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver" and self.preload:
            context.set_forkserver_preload(list(self.preload))
        with ProcessPoolExecutor(min(self.processes, len(items)), mp_context=context) as pool:
            return list(pool.map(fn, items))


@dataclass(frozen=True, slots=True)
class DaskExecutor:
    """The workers of the Dask scheduler at ``address`` (``tcp://host:8786``)."""

    address: str

    def _client(self) -> Any:
        client = _CLIENTS.get(self.address)
        if client is not None:
            return client
        try:
            from distributed import Client
        except ImportError:
            raise InputError("the dask executor needs Dask: pip install 'boundprop[dask]'") from None
        try:
            client = Client(self.address, timeout=30)  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        _CLIENTS[self.address] = client
        return client

    @property
    def workers(self) -> int:
        return max(1, int(sum(self._client().nthreads().values())))

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        client = self._client()
        # pure=False: every job runs (no key shared with an older, equal-looking job)
        futures = client.map(fn, list(items), pure=False)
        return list(client.gather(futures))

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        client = _CLIENTS.pop(self.address, None)
        if client is not None:
            client.close()


# one connection per scheduler address, for every map of a run (a new client costs a round trip)
_CLIENTS: dict[str, Any] = {}


def make_executor(kind: str = "local", scheduler: str | None = None, workers: int = 1,
                  preload: Sequence[str] = ()) -> Executor:
    """The executor of ``kind`` (local or dask), a Dask ``scheduler`` address and
    local ``workers`` (processes that preload ``preload`` modules)."""
    if kind == "dask":
        if not scheduler:
            raise InputError("the dask executor needs a scheduler address (such as tcp://127.0.0.1:8786)")
        return DaskExecutor(scheduler)
    if kind != "local":
        raise InputError(f"unknown executor {kind!r} (known: {', '.join(EXECUTORS)})")
    if scheduler:
        raise InputError("a scheduler address needs the dask executor")
    if workers < 1:
        raise InputError(f"jobs must be at least 1, not {workers}")
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers, tuple(preload))
