"""Measurements of real networks against the bounds of Alman & Song 2025.

For one network family (:class:`~boundprop.witness.networks.NetworkConfig`) this module
measures, over many random draws of weights and inputs and under an adversarial search:

* the collapse error ``|S(X) - S'(X)|`` (``S'`` the one-layer network of L-LIN),
* the drift ``|S(X) - X|`` (the zero-layer baseline),
* the residual ``|Res(S(X))|`` (rank collapse),

each under both norms N1 and N2, and compares the largest collapse error seen with a bound.

The bound is a parameter: :func:`evaluate_bound` takes a sympy expression or a callable and
parameter values. :func:`bound_of` maps a theorem id to its bound, read from the lemma
encoding (``lemmas/alman_song_2025.toml``, the right-hand side of ``err <= ...``); the
witness writes no formula of its own (a file it cannot read is an input error).
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from boundprop.errors import InputError, RangeError
from boundprop.executor import Executor, ProcessExecutor
from boundprop.witness.networks import (
    Array,
    NetworkConfig,
    Norm,
    Weights,
    collapsed,
    draw_inputs,
    draw_weights,
    forward,
    norm,
    project,
    res,
    weight_bytes,
)

__all__ = [
    "ROUNDING_ALLOWANCE",
    "BoundSpec",
    "BoundValue",
    "canonical_theorem",
    "evaluate_bound",
    "bound_of",
    "Stats",
    "per_draw",
    "measure_random",
    "AdversarialResult",
    "adversarial_search",
    "ConfigurationResult",
    "WitnessReport",
    "run_witness",
    "fit_slope",
    "default_grid",
    "config_from_params",
]

#: Float64 rounding allowance, relative to the magnitudes ``max(|S(X)|, |S'(X)|, phi0)``.
#: A measured error is computed as the difference of two float64 simulations of depth L,
#: each a chain of products with inner dimension at most n + d + k and a softmax; standard
#: forward error analysis bounds the rounding of each entry by about L (n + d + k) u times
#: the magnitude (u = 2**-53 ~ 1.1e-16), which is below 1e-13 for every configuration the
#: tests run (L <= 8, n + d + k <= 20) and below 1e-12 up to L (n + d + k) ~ 9000. A sample
#: above ``bound + ROUNDING_ALLOWANCE * magnitude`` is a soundness failure, with no further
#: tolerance; the allowance matters only where the bound is 0 (beta = 0, where S = S').
ROUNDING_ALLOWANCE = 1e-12

@dataclass(frozen=True, slots=True)
class BoundSpec:
    """A bound on ``|S(X) - S'(X)|`` as a formula of the parameters.

    Attributes
    ----------
    theorem : str
        The node id (``"R1"``, ``"R2"``, ``"Theorem 5.3"``).
    expression : str
        The right-hand side of the node's conclusion, definitions expanded (for display).
    norm : Norm
        The norm of the constraints and of the error.
    enforced : bool
        True when the engine calls the bound proved: a sample above it is a soundness
        failure. False for claims under test (the paper's Theorem 5.3).
    form : str
        A one-line description of which form of the statement this is.
    source : str
        Where the formula came from.
    """

    theorem: str
    expression: str
    norm: Norm
    enforced: bool
    form: str
    source: str


# Which bounds the witness enforces: R1 and R2, whose proofs the engine checks; the
# paper's Theorem 5.3 is a claim under test (for S' the L-LIN collapse the claim is
# existential, so an excess is evidence, not a refutation). The conclusions bound
# ``err``, a quantity defined in words, so the engine never marks these nodes proved
# by itself: the choice is the witness protocol's, made here.
_ENFORCED = {"R1": True, "R2": True, "Theorem 5.3": False}

_THEOREM_ALIASES = {
    "r1": "R1",
    "r2": "R2",
    "theorem 5.3": "Theorem 5.3",
    "theorem-5.3": "Theorem 5.3",
    "theorem5.3": "Theorem 5.3",
    "thm5.3": "Theorem 5.3",
    "5.3": "Theorem 5.3",
    "theorem 1.2": "Theorem 5.3",
}


def canonical_theorem(text: str) -> str:
    """The node id for a user's spelling of a theorem.

    >>> canonical_theorem("theorem-5.3"), canonical_theorem("r2")
    ('Theorem 5.3', 'R2')
    """
    key = " ".join(text.strip().lower().replace("_", " ").split())
    if key in _THEOREM_ALIASES:
        return _THEOREM_ALIASES[key]
    raise InputError(f"unknown theorem {text!r}; the witness knows R1, R2 and 'Theorem 5.3' (also r1, r2, theorem-5.3)")


def evaluate_bound(bound: Any | Callable[[Mapping[str, float]], float], params: Mapping[str, float]) -> float:
    """The value of a bound at ``params``.

    ``bound`` is a callable taking the parameter mapping, or a sympy expression in the
    parameters' names (a ``Sum`` over ``l`` is expanded). Sympy values
    are evaluated to 30 digits and rounded once to float64.

    >>> import sympy as sp
    >>> L, H, eta, phi0 = sp.symbols("L H eta phi0", positive=True)
    >>> evaluate_bound(2*L*H*eta*phi0*(1 + H*eta)**(L - 1), {"L": 2, "H": 1, "eta": 0.5, "phi0": 1})
    3.0
    >>> evaluate_bound(lambda p: p["eta"] ** 3, {"eta": 0.5})
    0.125
    """
    if callable(bound) and not isinstance(bound, sp.Basic):
        return float(bound(params))
    expr = sp.sympify(bound)
    # Substitute by name: the lemma encoding's symbols carry other assumptions than ours.
    subs = {
        symbol: sp.nsimplify(params[symbol.name], rational=True)
        for symbol in expr.free_symbols
        if params.get(symbol.name) is not None
    }
    value = expr.subs(subs).doit()
    if value.free_symbols:
        missing = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise RangeError(f"bound needs values for {missing}")
    return float(sp.N(value, 30))


@dataclass(frozen=True, slots=True)
class BoundValue:
    """A bound evaluated at one configuration, with where it came from."""

    spec: BoundSpec
    value: float


_PAPER_ID = "alman-song-2025"


@functools.lru_cache(maxsize=8)
def spec_from_paper(theorem_id: str) -> tuple[BoundSpec, Any]:
    """The bound of a node of the lemma encoding (``lemmas/alman_song_2025.toml``): the
    right-hand side of its conclusion ``err <= RHS`` with definitions expanded, and the norm
    named at the start of its variant. An :class:`InputError` if the node is missing or does
    not have that form.
    """
    from boundprop.encode import Namespace
    from boundprop.loader import load_paper

    paper = load_paper(_PAPER_ID)
    node = paper.nodes.get(theorem_id)
    if node is None or node.conclusion is None:
        raise InputError(f"the witness needs the node {theorem_id!r} with a conclusion in {paper.source}")
    where = paper.where(node.line)
    relation = Namespace(paper).parse(node.conclusion, where)
    if not isinstance(relation, sp.LessThan) or str(relation.lhs) != "err":
        raise InputError(f"{theorem_id}: the witness needs a conclusion err <= BOUND", where)
    variant = node.variant.strip().upper()
    which = Norm.N1 if variant.startswith("N1") else Norm.N2 if variant.startswith("N2") else None
    if which is None:
        raise InputError(f"{theorem_id}: the variant names no norm N1 or N2", where)
    spec = BoundSpec(
        theorem=theorem_id,
        expression=str(relation.rhs),
        norm=which,
        enforced=_ENFORCED[theorem_id],
        form=f"{node.label} [{node.variant}] ({node.provenance}): {node.conclusion}",
        source=f"{where} (node {theorem_id!r})",
    )
    return spec, relation.rhs


def bound_of(theorem_id: str, params: Mapping[str, float]) -> BoundValue:
    """The bound of ``theorem_id`` at ``params``: the right-hand side of the node's
    conclusion in the loaded paper (:func:`spec_from_paper`).

    >>> b = bound_of("R1", {"L": 1, "H": 1, "eta": 0.25, "phi0": 2})
    >>> b.value, b.spec.norm.value
    (1.0, 'N2')
    """
    spec, rhs = spec_from_paper(canonical_theorem(theorem_id))
    return BoundValue(spec, evaluate_bound(rhs, params))


# --------------------------------------------------------------------------- measurement

_QUANTITIES = ("collapse", "drift", "res")


def per_draw(cfg: NetworkConfig, x: Array, weights: Weights) -> dict[str, Array]:
    """Per-draw measurements (arrays of shape ``(B,)``) for inputs ``x`` and ``weights``.

    Keys: ``collapse_N1``, ``collapse_N2`` (``S - S'``), ``drift_N1``, ``drift_N2``
    (``S - X``), ``res_N1``, ``res_N2`` (``Res(S(X))``) and ``magnitude`` (the larger of
    ``|S(X)|``, ``|S'(X)|`` and ``phi0`` in the configuration's norm).
    """
    out = forward(x, weights, cfg.beta, cfg.residual)
    one = collapsed(x, weights, cfg.residual)
    diffs = {"collapse": out - one, "drift": out - x, "res": res(out)}
    values: dict[str, Array] = {}
    for name, arr in diffs.items():
        for which in Norm:
            values[f"{name}_{which.value}"] = norm(arr, which)
    values["magnitude"] = np.maximum(np.maximum(norm(out, cfg.norm), norm(one, cfg.norm)), cfg.phi0)
    return values


@dataclass(frozen=True, slots=True)
class Stats:
    """Maxima over draws of the per-draw measurements (keys as in :func:`per_draw`)."""

    samples: int
    maxima: Mapping[str, float]
    seconds: float

    def __getitem__(self, key: str) -> float:
        return self.maxima[key]


def _chunk_size(cfg: NetworkConfig, budget_bytes: int = 256 * 2**20) -> int:
    """Draws per chunk so that weights plus the (B, H, n, n) logits fit in ``budget``."""
    per_draw_bytes = weight_bytes(cfg) + 8 * cfg.H * cfg.n * (cfg.n + 2 * cfg.d + 2)
    return max(1, min(256, budget_bytes // max(1, per_draw_bytes)))


def _chunks(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


def _measure_chunk(cfg: NetworkConfig, batch: int, child: np.random.SeedSequence) -> dict[str, float]:
    """Maxima of :func:`per_draw` over one chunk of ``batch`` draws seeded by ``child``."""
    rng = np.random.default_rng(child)
    weights = draw_weights(cfg, batch, rng)
    x = draw_inputs(cfg, batch, rng)
    return {key: float(v.max()) for key, v in per_draw(cfg, x, weights).items()}


def _chunk_job(job: tuple[NetworkConfig, int, np.random.SeedSequence]) -> dict[str, float]:
    """One chunk as an executor job: picklable inputs only (the configuration and a seed)."""
    return _measure_chunk(*job)


def measure_random(
    cfg: NetworkConfig,
    samples: int,
    seed: int = 0,
    chunk: int | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    processes: bool = False,
    executor: Executor | None = None,
) -> Stats:
    """Maxima of :func:`per_draw` over ``samples`` random draws of weights and inputs.

    Draws are processed in chunks (bounded memory); chunk ``i`` uses the ``i``-th child of
    ``SeedSequence(seed)``, so results do not depend on ``workers``. ``progress`` is called
    with the number of draws finished in each chunk. With ``workers > 1`` the chunks run on
    that many threads, or, with ``processes``, worker processes, which do not share a GIL:
    the simulation makes many short numpy calls (cache-sized blocks), between which threads
    contend for it. An ``executor`` (:mod:`boundprop.executor`: local processes, a Dask
    cluster) runs the chunks instead. Results are the same either way.

    Examples
    --------
    >>> cfg = NetworkConfig(n=4, d=3, k=2, H=2, L=2, beta=0.0, eta=0.1, phi0=1.0)
    >>> s = measure_random(cfg, 30, seed=1)
    >>> s.samples, s["collapse_N1"] < 1e-15
    (30, True)
    """
    if samples < 1:
        raise RangeError(f"samples must be at least 1, got {samples}")
    size = chunk or _chunk_size(cfg)
    sizes = list(_chunks(samples, size))
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    start = time.perf_counter()

    def job(args: tuple[int, np.random.SeedSequence]) -> dict[str, float]:
        batch, child = args
        vals = _measure_chunk(cfg, batch, child)
        if progress is not None:
            progress(batch)
        return vals

    tasks = list(zip(sizes, seeds, strict=True))
    if executor is None and workers > 1 and processes:
        executor = ProcessExecutor(workers, ("boundprop.witness.measure",))
    if executor is not None:
        results = executor.map(_chunk_job, [(cfg, batch, child) for batch, child in tasks])
        if progress is not None:
            for batch, _ in tasks:
                progress(batch)
    elif workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(job, tasks))
    else:
        results = [job(t) for t in tasks]
    maxima = {key: max(r[key] for r in results) for key in results[0]}
    return Stats(samples, maxima, time.perf_counter() - start)


# ---------------------------------------------------------------------------- adversarial


@dataclass(frozen=True, slots=True)
class AdversarialResult:
    """The outcome of :func:`adversarial_search`.

    ``value`` is the largest collapse error found (in ``cfg.norm``), ``magnitude`` the
    magnitude of that sample (for the rounding allowance), ``weights`` and ``x`` the
    maximiser (batch of one), ``history`` the best value after each generation.
    """

    value: float
    magnitude: float
    evaluations: int
    generations: int
    seconds: float
    weights: Weights
    x: Array
    history: tuple[float, ...]


def _objective(cfg: NetworkConfig, x: Array, weights: Weights) -> tuple[Array, Array]:
    vals = per_draw(cfg, x, weights)
    return vals[f"collapse_{cfg.norm.value}"], vals["magnitude"]


def adversarial_search(
    cfg: NetworkConfig,
    seed: int = 0,
    population: int = 48,
    generations: int = 60,
    time_limit: float = 20.0,
    start: tuple[Weights, Array] | None = None,
) -> AdversarialResult:
    """Maximise ``|S(X) - S'(X)|`` over weights and inputs inside the norm constraints.

    A (mu + lambda) evolution strategy, vectorised over the population: the best quarter
    survives; children are Gaussian perturbations of survivors (step ``sigma`` times the
    radius, ``sigma`` decaying from 0.5 to 0.01), half of them pushed outwards by a factor
    ``1 + sigma`` before being mapped back into the balls by
    :func:`~boundprop.witness.networks.project`, since maxima sit on the boundary. Stops
    after ``generations`` or ``time_limit`` seconds, whichever comes first. Every candidate
    evaluated is feasible, so the result is a lower bound on the true maximum.

    Examples
    --------
    >>> cfg = NetworkConfig(n=3, d=2, k=1, H=1, L=2, beta=1.0, eta=0.5, phi0=1.0)
    >>> r = adversarial_search(cfg, population=8, generations=3)
    >>> r.generations, r.value >= 0
    (3, True)
    """
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    if start is None:
        # Start from the best quarter of a pool four times the population.
        weights = draw_weights(cfg, 4 * population, rng)
        x = draw_inputs(cfg, 4 * population, rng)
    else:
        weights, x = start
    values, mags = _objective(cfg, x, weights)
    evaluations = len(values)
    keep = max(2, population // 4)
    history: list[float] = []
    gen = 0
    radii = (cfg.qk_radius, cfg.qk_radius, cfg.eta, cfg.phi0)
    for gen in range(1, generations + 1):
        order = np.argsort(values)[::-1][:keep]
        weights, x, values, mags = weights.take(order), x[order], values[order], mags[order]
        history.append(float(values[0]))
        if time.perf_counter() - t0 > time_limit:
            gen -= 1
            break
        sigma = 0.5 * (0.02 ** ((gen - 1) / max(1, generations - 1)))
        parents = rng.integers(0, keep, size=population - keep)
        push = np.where(rng.uniform(size=population - keep) < 0.5, 1.0 + sigma, 1.0)
        children = []
        for arr, radius in zip((weights.wq, weights.wk, weights.wv, x), radii, strict=True):
            base = arr[parents]
            noise = rng.standard_normal(base.shape) * (sigma * radius)
            grown = (base + noise) * push.reshape((-1,) + (1,) * (base.ndim - 1))
            children.append(project(grown, cfg.norm, radius))
        child_w = Weights(children[0], children[1], children[2])
        child_v, child_m = _objective(cfg, children[3], child_w)
        evaluations += len(child_v)
        weights = Weights(
            np.concatenate([weights.wq, child_w.wq]),
            np.concatenate([weights.wk, child_w.wk]),
            np.concatenate([weights.wv, child_w.wv]),
        )
        x = np.concatenate([x, children[3]])
        values = np.concatenate([values, child_v])
        mags = np.concatenate([mags, child_m])
    best = int(np.argmax(values))
    return AdversarialResult(
        value=float(values[best]),
        magnitude=float(mags[best]),
        evaluations=evaluations,
        generations=gen,
        seconds=time.perf_counter() - t0,
        weights=weights.take(np.array([best])),
        x=x[best : best + 1],
        history=tuple(history),
    )


# ------------------------------------------------------------------------------- witness

#: Parameters a configuration is made of, with their defaults.
DEFAULTS: dict[str, float] = {
    "n": 8,
    "d": 4,
    "k": 2,
    "H": 2,
    "L": 4,
    "beta": 1.0,
    "phi0": 1.0,
    "eta": 0.05,
}
_INTEGER_PARAMS = ("n", "d", "k", "H", "L")


def default_grid(theorem: str) -> dict[str, list[float]]:
    """The default parameter grid of the witness for ``theorem``: a grid over eta, several L.

    >>> sorted(default_grid("R1"))
    ['H', 'L', 'beta', 'd', 'eta', 'k', 'n', 'phi0', 'qk_eta']
    """
    theorem = canonical_theorem(theorem)
    grid: dict[str, list[float]] = {key: [value] for key, value in DEFAULTS.items()}
    grid["L"] = [2.0, 4.0, 8.0]
    if theorem == "R1":
        # R1 holds for any W_Q, W_K: draw them at radius 3 so attention is far from
        # uniform and the first-order (slope 1) regime of the bound is probed.
        grid["eta"] = [float(v) for v in np.geomspace(0.003, 0.3, 7)]
        grid["qk_eta"] = [3.0]
    elif theorem == "R2":
        grid["eta"] = [float(v) for v in np.geomspace(0.003, 0.1, 7)]
    else:
        grid["eta"] = [float(v) for v in np.geomspace(0.003, 0.3, 7)]
        grid["beta"] = [1.0, 50.0]
    return grid


def config_from_params(params: Mapping[str, float], which: Norm) -> NetworkConfig:
    """The residual network family of a parameter mapping (integers checked)."""
    ints: dict[str, int] = {}
    for name in _INTEGER_PARAMS:
        value = params[name]
        if value != int(value):
            raise RangeError(f"{name} must be an integer, got {value}")
        ints[name] = int(value)
    qk = params.get("qk_eta")
    return NetworkConfig(
        n=ints["n"],
        d=ints["d"],
        k=ints["k"],
        H=ints["H"],
        L=ints["L"],
        beta=float(params["beta"]),
        eta=float(params["eta"]),
        phi0=float(params["phi0"]),
        norm=which,
        residual=True,
        qk_eta=None if qk is None else float(qk),
    )


@dataclass(frozen=True, slots=True)
class ConfigurationResult:
    """One configuration of a witness run.

    ``measured`` is the largest collapse error seen (random draws and, if run, the
    adversarial search), in the norm of the bound; ``ratio = measured / bound``;
    ``exceeded`` is true when ``measured > bound + allowance``; ``extra`` holds the other
    maxima (drift, residual, both norms).
    """

    params: Mapping[str, float]
    norm: Norm
    samples: int
    measured: float
    measured_random: float
    measured_adversarial: float | None
    bound: float
    ratio: float
    allowance: float
    exceeded: bool
    extra: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the parameters, then measured, bound, ratio and details."""
        out: dict[str, Any] = {key: (int(v) if key in _INTEGER_PARAMS else v) for key, v in self.params.items()}
        out.update(
            norm=self.norm.value,
            samples=self.samples,
            measured=self.measured,
            bound=self.bound,
            ratio=self.ratio if math.isfinite(self.ratio) else None,
            exceeded=self.exceeded,
            measured_random=self.measured_random,
            measured_adversarial=self.measured_adversarial,
            allowance=self.allowance,
            details=dict(self.extra),
        )
        return out


@dataclass(frozen=True, slots=True)
class WitnessReport:
    """The result of :func:`run_witness`: which bound, and one entry per configuration."""

    theorem: str
    spec: BoundSpec
    adversarial: bool
    seed: int
    configurations: tuple[ConfigurationResult, ...]
    seconds: float

    @property
    def soundness_failures(self) -> tuple[ConfigurationResult, ...]:
        """Configurations whose measured error exceeds an enforced (proved) bound."""
        if not self.spec.enforced:
            return ()
        return tuple(c for c in self.configurations if c.exceeded)

    def to_json(self) -> dict[str, Any]:
        """The JSON document of ``boundprop witness --json``."""
        return {
            "theorem": self.theorem,
            "form": self.spec.form,
            "bound_expression": self.spec.expression,
            "bound_source": self.spec.source,
            "norm": self.spec.norm.value,
            "enforced": self.spec.enforced,
            "error": "max over draws of ||S(X) - S'(X)||, S' = X + MX(prod_l(I+W_l) - I)",
            "adversarial": self.adversarial,
            "seed": self.seed,
            "seconds": self.seconds,
            "soundness_failures": len(self.soundness_failures),
            "note": (
                "enforced: a sample above the bound is a soundness failure"
                if self.spec.enforced
                else "claim under test: S' is the L-LIN collapse and the claim is existential "
                "(some one-layer S'), so an excess is evidence against this S', not a refutation"
            ),
            "configurations": [c.to_json() for c in self.configurations],
        }


def expand_grid(grid: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """All combinations of a grid, the last key varying fastest.

    >>> expand_grid({"a": [1, 2], "b": [3]})
    [{'a': 1, 'b': 3}, {'a': 2, 'b': 3}]
    """
    combos: list[dict[str, float]] = [{}]
    for key, values in grid.items():
        if not values:
            raise RangeError(f"parameter {key} has no values")
        combos = [dict(c, **{key: v}) for c in combos for v in values]
    return combos


def run_witness(
    theorem: str,
    grid: Mapping[str, Sequence[float]] | None = None,
    samples: int = 300,
    seed: int = 0,
    adversarial: bool = False,
    norm_override: Norm | None = None,
    adversarial_options: Mapping[str, float] | None = None,
    workers: int = 1,
    progress: Callable[[str, int], None] | None = None,
    bound: Callable[[str, Mapping[str, float]], BoundValue] = bound_of,
    executor: Executor | None = None,
) -> WitnessReport:
    """Measure the collapse error against ``theorem``'s bound on every grid configuration.

    Parameters
    ----------
    theorem : str
        ``R1``, ``R2`` or ``Theorem 5.3`` (any spelling :func:`canonical_theorem` accepts).
    grid : mapping, optional
        Parameter name to values; missing names take :func:`default_grid`'s values.
    samples : int
        Random draws per configuration.
    adversarial : bool
        Also run :func:`adversarial_search` on each configuration.
    norm_override : Norm, optional
        Measure under this norm instead of the bound's own (only sensible for claims).
    progress : callable, optional
        Called as ``progress(label, draws_done)``.
    bound : callable
        ``bound(theorem, params) -> BoundValue``; :func:`bound_of` by default.
    executor : Executor, optional
        Runs the chunks of draws (:func:`measure_random`), instead of ``workers`` threads.

    Examples
    --------
    >>> rep = run_witness("R1", {"eta": [0.1], "L": [2]}, samples=12)
    >>> len(rep.configurations), rep.soundness_failures
    (1, ())
    """
    theorem = canonical_theorem(theorem)
    full = default_grid(theorem)
    for key, values in (grid or {}).items():
        if key not in full and key != "qk_eta":
            raise InputError(f"unknown parameter {key!r}; use one of {', '.join(sorted(full))}")
        full[key] = [float(v) for v in values]
    t0 = time.perf_counter()
    results = []
    options = dict(adversarial_options or {})
    for index, params in enumerate(expand_grid(full)):
        value = bound(theorem, params)
        which = norm_override or value.spec.norm
        cfg = config_from_params(params, which)
        label = ", ".join(f"{k}={params[k]:g}" for k in ("eta", "L", "H", "beta") if k in params)

        def tick(done: int, label: str = label) -> None:
            if progress is not None:
                progress(label, done)

        stats = measure_random(cfg, samples, seed=seed + index, workers=workers, progress=tick, executor=executor)
        key = f"collapse_{which.value}"
        measured_random = stats[key]
        magnitude = stats["magnitude"]
        adv_value: float | None = None
        if adversarial:
            adv = adversarial_search(
                cfg,
                seed=seed + index,
                population=int(options.get("population", 48)),
                generations=int(options.get("generations", 60)),
                time_limit=float(options.get("time_limit", 20.0)),
            )
            adv_value = adv.value
            magnitude = max(magnitude, adv.magnitude)
        measured = max(measured_random, adv_value if adv_value is not None else 0.0)
        allowance = ROUNDING_ALLOWANCE * magnitude
        ratio = measured / value.value if value.value > 0 else (0.0 if measured == 0 else math.inf)
        extra = {k: v for k, v in stats.maxima.items() if k != key}
        results.append(
            ConfigurationResult(
                params=params,
                norm=which,
                samples=samples,
                measured=measured,
                measured_random=measured_random,
                measured_adversarial=adv_value,
                bound=value.value,
                ratio=ratio,
                allowance=allowance,
                exceeded=measured > value.value + allowance,
                extra=extra,
            )
        )
    spec = bound(theorem, expand_grid(full)[0]).spec
    return WitnessReport(
        theorem=theorem,
        spec=spec,
        adversarial=adversarial,
        seed=seed,
        configurations=tuple(results),
        seconds=time.perf_counter() - t0,
    )


def fit_slope(x: Iterable[float], y: Iterable[float]) -> float:
    """Least-squares slope of ``log y`` against ``log x`` (points with ``y > 0`` only).

    >>> round(fit_slope([0.1, 0.2, 0.4], [1e-3, 8e-3, 6.4e-2]), 12)
    3.0
    """
    xs = np.asarray(list(x), dtype=np.float64)
    ys = np.asarray(list(y), dtype=np.float64)
    keep = (ys > 0) & (xs > 0)
    if keep.sum() < 2:
        raise RangeError("a slope needs at least two points with positive values")
    slope, _ = np.polyfit(np.log(xs[keep]), np.log(ys[keep]), 1)
    return float(slope)
