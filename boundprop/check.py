"""Check a paper node by node, in dependency order.

A node's status combines two independent pieces of evidence:

* the direct check of its statement by the backends (for matrix statements,
  at every size in its range: "proved-bounded"), and
* its proof, if the proof file gives one: every step checked under the
  node's hypotheses, the earlier steps' claims and the cited nodes'
  conclusions (whose hypotheses the step must establish), plus the final
  implication from the steps to the conclusion.

A refutation of the statement wins over everything; a proof whose steps all
check makes the node proved even where the direct check gave up. Whether
the node is *fully* checked also depends on its ancestors (see graph.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import networkx as nx
import sympy as sp

from boundprop.encode import (
    CitedFacts,
    Namespace,
    citation_facts,
    iter_sizes,
    matrices_of,
    matrix_shape,
    node_statement,
    node_texts,
    node_variables,
    relations,
)
from boundprop.errors import BoundpropError, UnsupportedError
from boundprop.expr import Guard, relations_of
from boundprop.graph import ancestors, build_graph, check_order, fully_checked, unestablished_ancestors
from boundprop.lemma import Node, Paper, Proof, Step
from boundprop.rewrite import guards_last, tighten_ranges
from boundprop.statement import (
    REFERENCE_SECONDS,
    TIME_CAP,
    Budget,
    Statement,
    affine_bound,
    stopped_by_time_cap,
)
from boundprop.verdict import CheckResult, NodeReport, PaperReport, Premises, Status, StepOutcome

# the result types live in verdict.py; re-exported here for compatibility
__all__ = [
    "NodeReport",
    "PaperReport",
    "Premises",
    "StepOutcome",
    "check_paper",
    "check_premises",
    "check_proof",
    "check_statement",
    "default_decide",
]

Decide = Callable[[Statement, Budget], CheckResult]
Progress = Callable[[str, int, int], None]  # (node id, index, total)

# Best first: how good a non-refuted outcome is.
_RANK = {Status.PROVED: 0, Status.PROVED_BOUNDED: 1, Status.TESTED: 2, Status.UNKNOWN: 3}


def default_decide(statement: Statement, budget: Budget) -> CheckResult:
    from boundprop.backends import portfolio

    return portfolio.decide(statement, budget)


def check_paper(
    paper: Paper,
    budget: Budget | None = None,
    decide: Decide | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> PaperReport:
    """Check every node of ``paper``; statuses come from the checks only.

    With ``workers`` > 1, worker processes check the nodes whose
    dependencies are done in parallel (the default portfolio only: a custom
    ``decide`` runs in this process). A node sees only its ancestors'
    statuses, so the report is the same for any number of workers.
    """
    started = time.perf_counter()
    budget = budget or Budget()
    graph = build_graph(paper)
    order = check_order(graph)
    if decide is not None and workers > 1:
        raise ValueError("a custom decide function runs in this process: use workers=1")
    results: dict[str, _Checked] = {}
    premises: dict[str, Premises] = {}
    if workers > 1 and len(order) > 1:
        _check_in_workers(paper, graph, order, budget, workers, progress, results, premises)
    else:
        memo_decide = _memoized({})
        for index, node_id in enumerate(order):
            if progress:
                progress(node_id, index, len(order))
            results[node_id], found = _check_task(paper, graph, node_id, budget, decide or memo_decide, results)
            if found is not None:
                premises[node_id] = found
    statuses = {nid: r[0].status for nid, r in results.items()}
    reports = {}
    for node_id in order:
        combined, direct, steps, proof_status = results[node_id]
        node = paper.nodes.get(node_id)
        definition = paper.definitions.get(node_id[4:]) if node_id.startswith("def:") else None
        reports[node_id] = NodeReport(
            id=node_id,
            label=node.label if node else f"Definition of {node_id[4:]}",
            variant=node.variant if node else "",
            kind=node.kind.value if node else "definition",
            provenance=node.provenance.value if node else "definition",
            text=node.text if node else (definition.meaning if definition else ""),
            status=combined.status,
            method=combined.method,
            evidence=combined.evidence,
            counterexample=combined.counterexample,
            seconds=combined.seconds,
            uses=tuple(sorted(graph.predecessors(node_id))),
            # a refuted proof step is a finding: the node is not fully checked
            # even when its direct check proves it
            fully_checked=fully_checked(graph, statuses, node_id) and proof_status is not Status.REFUTED,
            unestablished=tuple(unestablished_ancestors(graph, statuses, node_id)),
            direct=direct,
            steps=steps,
            proof_status=proof_status,
            premises=premises.get(node_id),
        )
    return PaperReport(paper=paper, graph=graph, nodes=reports, seconds=time.perf_counter() - started)


_Checked = tuple[CheckResult, CheckResult | None, tuple[StepOutcome, ...], Status | None]


def _check_task(
    paper: Paper,
    graph: nx.DiGraph,
    node_id: str,
    budget: Budget,
    decide: Decide,
    done: Mapping[str, _Checked],
) -> tuple[_Checked, Premises | None]:
    """One node's checks, from the statuses of its ancestors only (the same
    whichever other nodes are done, so workers change nothing)."""
    so_far = {a: done[a][0].status for a in ancestors(graph, node_id)}
    # the ancestors not established: a proof citing them checks only relative to them
    open_ancestors = tuple(unestablished_ancestors(graph, so_far, node_id))
    checked = _check_one(paper, node_id, budget, decide, open_ancestors, so_far)
    node = paper.nodes.get(node_id)
    found = None
    if node is not None and node.hypotheses and not node.assume:
        found = check_premises(paper, node, budget, decide)
    return checked, found


def _faithful_text(value: Any) -> Any:
    """``value`` as nested tuples of text that determine it: sympy parts by ``srepr``
    (which names every symbol's assumptions and evaluates back to the same
    expression), dataclasses field by field, other values by ``repr``."""
    import dataclasses

    if isinstance(value, sp.Basic):
        return sp.srepr(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple((f.name, _faithful_text(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(_faithful_text(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), _faithful_text(v)) for k, v in value.items())))
    return repr(value)


def _memoized(memo: Any) -> Decide:
    """:func:`default_decide`, once per distinct (statement, budget) in ``memo`` (a dict,
    or a manager's dict shared by the workers): nodes often pose the same statement
    (the N1 and N2 variants of a lemma, a step that is also a cited node), and a
    decision depends on nothing else (deterministic limits). The key is the SHA-256
    of the pair's faithful text (:func:`_faithful_text`): the same in every process,
    and different for statements that merely print alike (``x`` and a positive
    ``x``). Not the objects themselves: sympy re-evaluates an unpickled expression,
    which may then differ structurally from the one the worker built."""
    import hashlib

    def decide(statement: Statement, budget: Budget) -> CheckResult:
        key = hashlib.sha256(repr(_faithful_text((statement, budget))).encode()).hexdigest()
        got = memo.get(key)
        if got is not None:
            return got  # type: ignore[no-any-return]
        result = default_decide(statement, budget)
        memo[key] = result
        return result

    return decide


_WORKER: dict[str, Any] = {}


def _worker_init(paper: Paper, graph: nx.DiGraph, budget: Budget, memo: Any) -> None:
    _WORKER.update(paper=paper, graph=graph, budget=budget, decide=_memoized(memo))


def _worker_check(node_id: str, done: dict[str, _Checked]) -> tuple[_Checked, Premises | None]:
    return _check_task(_WORKER["paper"], _WORKER["graph"], node_id, _WORKER["budget"], _WORKER["decide"], done)


def _check_in_workers(
    paper: Paper,
    graph: nx.DiGraph,
    order: list[str],
    budget: Budget,
    workers: int,
    progress: Progress | None,
    results: dict[str, _Checked],
    premises: dict[str, Premises],
) -> None:
    """Check the nodes in worker processes, each as soon as its dependencies are done."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    # forkserver: workers are forked from a clean server, never from this
    # process's threads (a progress display), and import the checker once
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["boundprop.check", "boundprop.backends.portfolio"])
    needs = {node_id: ancestors(graph, node_id) for node_id in order}
    waiting = list(order)
    running: dict[Future[tuple[_Checked, Premises | None]], str] = {}
    submitted = 0
    # the decisions memo every worker reads and fills (see _memoized)
    with context.Manager() as manager, ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_init, initargs=(paper, graph, budget, manager.dict())
    ) as pool:
        while waiting or running:
            for node_id in [n for n in waiting if needs[n] <= results.keys()]:
                if len(running) >= workers:
                    break
                waiting.remove(node_id)
                if progress:
                    progress(node_id, submitted, len(order))
                submitted += 1
                done = {a: results[a] for a in needs[node_id]}
                running[pool.submit(_worker_check, node_id, done)] = node_id
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                node_id = running.pop(future)
                results[node_id], found = future.result()
                if found is not None:
                    premises[node_id] = found


def check_premises(paper: Paper, node: Node, budget: Budget, decide: Decide) -> Premises:
    """Search for a point where every hypothesis holds (at the smallest size).

    Decided as the statement "hypotheses imply False": a verified
    counterexample is a witness that the premises are satisfiable; a proof
    means they are contradictory.
    """
    sizes = next(iter_sizes(paper, node))
    base = node_statement(paper, node, sizes, conclusion="1 <= 1")
    statement = Statement(
        variables=base.variables,
        hypotheses=base.hypotheses,
        conclusion=sp.false,
        matrices=base.matrices,
        guards=base.guards,  # a witness of satisfiability must be a point where the hypotheses are defined
    )
    try:
        result = decide(statement, budget.scaled(0.3))
    except UnsupportedError as exc:
        return Premises(None, None, f"not determined: {exc.message}")
    if result.status is Status.REFUTED:
        return Premises(True, result.counterexample, f"satisfiable ({result.method} found a point)")
    if result.status is Status.PROVED:
        return Premises(False, None, f"UNSATISFIABLE: the hypotheses contradict each other ({result.method})")
    return Premises(None, None, f"not determined ({result.evidence})")


def _check_one(
    paper: Paper,
    node_id: str,
    budget: Budget,
    decide: Decide,
    open_ancestors: Sequence[str] = (),
    statuses: Mapping[str, Status] | None = None,
) -> tuple[CheckResult, CheckResult | None, tuple[StepOutcome, ...], Status | None]:
    if node_id.startswith("def:"):
        return CheckResult(Status.ASSUMED, "definition", "a definition is taken as given"), None, (), None
    node = paper.nodes[node_id]
    if node.assume:
        result = CheckResult(Status.ASSUMED, "assumed", "assumed in the lemma file (assume = true)")
        return result, None, (), None
    if node.simulate is not None:  # decided by a registered experiment: tested at best
        from boundprop.simulated import run_simulation

        measured = run_simulation(node.simulate)
        return measured, measured, (), None
    # a lemma file's `seconds` raises the deterministic limits (see
    # REFERENCE_SECONDS), never lowers them below `prove`'s: a node must get
    # at least the effort `boundprop prove` gives the same statement
    node_budget = budget.scaled(max(1.0, node.seconds / REFERENCE_SECONDS)) if node.seconds else budget
    if node.vacuity is not None:  # a statement for all L: proved by induction (boundprop.vacuity)
        from boundprop.vacuity import check_vacuity

        result = check_vacuity(paper, node, node_budget, decide)
        return result, result, (), None
    if node.network is not None:  # err of an explicit network: certified bound propagation
        from boundprop.network import check_network

        result = check_network(paper, node, node_budget)
        return result, result, (), None
    proof = paper.proofs.get(node_id)
    if node.informal:
        return _check_informal(paper, node, proof, node_budget, decide, statuses)
    if proof is None:
        direct = check_statement(paper, node, node_budget, decide)
        return direct, direct, (), None
    steps, proof_result = check_proof(paper, node, proof, node_budget, decide, statuses)
    if proof_result.status in (Status.PROVED, Status.PROVED_BOUNDED) and not open_ancestors:
        # The proof decides the node; the direct check stays as the cross-check for
        # a counterexample or an undefined point, whose search is kept whole. Where
        # the direct check cannot better the proof (a proof for every size, or a
        # matrix statement, which it decides at the bounded sizes only) it is that
        # search alone; else it keeps a tenth of the proving limits.
        if proof_result.status is Status.PROVED or list(iter_sizes(paper, node)) != [None]:
            after = node_budget.search_only()
        else:
            after = node_budget.scaled(DIRECT_AFTER_PROOF)
        direct = check_statement(paper, node, after, decide)
    else:
        direct = check_statement(paper, node, node_budget, decide)
    return _combine(direct, proof_result, open_ancestors), direct, steps, proof_result.status


# The share of the proving limits a node's direct check gets once its proof is
# proved for the bounded sizes only, where the direct check may prove it for all.
DIRECT_AFTER_PROOF = 0.1


def _check_informal(
    paper: Paper,
    node: Node,
    proof: Proof | None,
    budget: Budget,
    decide: Decide,
    statuses: Mapping[str, Status] | None = None,
) -> tuple[CheckResult, CheckResult | None, tuple[StepOutcome, ...], Status | None]:
    """A node whose conclusion names a quantity defined only in words.

    Its statement is never decided directly (a free ``err`` would be refuted
    trivially) and it never counts as proved: the link between the words and
    the formula is not mechanical. Its proof steps are checked and reported.
    """
    direct = CheckResult(Status.UNKNOWN, "informal", f"informal statement: {node.informal}")
    if proof is None:
        return direct, direct, (), None
    steps, proof_result = check_proof(paper, node, proof, budget, decide, statuses)
    if proof_result.status in (Status.PROVED, Status.PROVED_BOUNDED):
        evidence = (
            f"all {len(proof.steps)} proof steps and the closing implication checked "
            f"({proof_result.status.value}), but the statement is informal: {node.informal}"
        )
    else:
        evidence = f"{proof_result.evidence}; the statement is informal: {node.informal}"
    result = CheckResult(Status.UNKNOWN, "informal+proof", evidence, proof_result.seconds)
    return result, direct, steps, proof_result.status


def _combine(direct: CheckResult, proof: CheckResult, open_ancestors: Sequence[str] = ()) -> CheckResult:
    """The node's result from its direct check and its proof.

    A refuted direct check wins. A proof that is not proved (unknown, or
    resting on a node that is not established) adds nothing: the node keeps
    its direct result, whose evidence then names what the proof rests on. A
    *refuted* proof (a proof step refuted with a re-verified counterexample)
    leaves the node with the status of its direct check, but the proof's
    status is reported as refuted and the node is never fully checked (see
    :func:`check_paper`); the evidence says so.
    """
    if direct.status is Status.REFUTED:
        if proof.status in (Status.PROVED, Status.PROVED_BOUNDED) and open_ancestors:
            # a proof from a false (or unestablished) lemma is no contradiction
            return replace(
                direct,
                evidence=f"{direct.evidence}; its proof checks only relative to {', '.join(open_ancestors)}, "
                "which is not established",
            )
        if proof.status in (Status.PROVED, Status.PROVED_BOUNDED):
            # Both cannot be right; the counterexample is re-verified at a defined
            # point, so the proof is wrong (a step or citation that does not hold as
            # used). The verified counterexample decides; the conflict is reported.
            return replace(
                direct,
                evidence=f"{direct.evidence}; its proof was accepted ({proof.evidence}) but cannot be right: "
                "the re-verified counterexample shows a proof step or citation does not hold as used",
                details={**dict(direct.details), "proof_conflict": True},
            )
        return direct
    if direct.status is Status.ILL_DEFINED:  # a finding: a proof cannot define the statement
        return replace(direct, seconds=direct.seconds + proof.seconds)
    seconds = direct.seconds + proof.seconds
    if proof.status is Status.REFUTED:
        evidence = f"{direct.evidence}; but its proof is REFUTED: {proof.evidence}"
        return replace(direct, evidence=evidence, seconds=seconds)
    if direct.status not in _RANK:  # ill-defined (or another non-decision): never overridden by a proof
        return replace(direct, seconds=seconds)
    if proof.status in _RANK and _RANK[proof.status] < _RANK[direct.status]:
        return replace(proof, seconds=seconds)
    rests_on = proof.details.get("rests_on")
    if rests_on and proof.status not in (Status.PROVED, Status.PROVED_BOUNDED):
        evidence = f"{direct.evidence}; its proof is not proved: {proof.evidence}"
        return replace(direct, evidence=evidence, seconds=seconds)
    return replace(direct, seconds=seconds)


def check_statement(paper: Paper, node: Node, budget: Budget, decide: Decide) -> CheckResult:
    """The node's statement, decided directly (at every size for matrix statements)."""
    if node.conclusion is None:
        return CheckResult(
            Status.UNKNOWN, "none", "informal statement (no conclusion in the lemma file): nothing to check"
        )
    return _decide_at_sizes(
        paper,
        node,
        budget,
        decide,
        lambda sizes: node_statement(paper, node, sizes),
        points=lambda sizes: _point_check(paper, node, sizes, budget, decide),
    )


# Entries of the matrices tried by point checks (exact, small, deterministic).
_POINT_VALUES = (sp.Integer(0), sp.Integer(1), sp.Integer(-1), sp.Rational(1, 2), sp.Rational(-1, 2))
_POINTS = 12


def _matrix_points(
    paper: Paper, node: Node, sizes: Mapping[str, int] | None
) -> list[dict[str, sp.Matrix]]:
    """Deterministic exact matrix points: zero, identity-like, then pseudo-random
    diagonal and strictly upper triangular matrices (whose matrix functions
    sympy evaluates exactly and quickly; a dense random matrix would need its
    eigenvalues in radicals)."""
    import random

    names = matrices_of(paper, node_texts(node))
    shapes = {m: matrix_shape(paper, m, sizes) for m in names}
    points: list[dict[str, sp.Matrix]] = [
        {m: sp.zeros(*shape) for m, shape in shapes.items()},
        {m: sp.eye(*shape) for m, shape in shapes.items()},
    ]
    rng = random.Random(0)
    while len(points) < _POINTS:
        diagonal = len(points) % 2 == 0

        def entry(i: int, j: int, diagonal: bool = diagonal) -> sp.Rational:
            keep = i == j if diagonal else i < j
            return rng.choice(_POINT_VALUES) if keep else sp.Integer(0)

        points.append({m: sp.Matrix(shape[0], shape[1], entry) for m, shape in shapes.items()})
    return points


def _clipped(paper: Paper, node: Node, points: list[dict[str, sp.Matrix]]) -> list[dict[str, sp.Matrix]]:
    """The points with every entry clipped into its matrix's range for this node
    (a point outside the range is outside the claim: refuting there would be
    wrong), duplicates dropped."""
    from boundprop.statement import exact_bound

    bounds = {}
    for name in {m for point in points for m in point}:
        lo, hi = node.ranges.get(name, ("-oo", "oo"))
        bounds[name] = (exact_bound(lo, name), exact_bound(hi, name))
    out: list[dict[str, sp.Matrix]] = []
    seen: set[str] = set()
    for point in points:
        clipped = {
            m: value.applyfunc(lambda v, m=m: sp.Min(sp.Max(v, bounds[m][0]), bounds[m][1]))
            for m, value in point.items()
        }
        key = repr(sorted((m, str(v)) for m, v in clipped.items()))
        if key not in seen:
            seen.add(key)
            out.append(clipped)
    return out


def _point_check(
    paper: Paper, node: Node, sizes: Mapping[str, int] | None, budget: Budget, decide: Decide
) -> CheckResult:
    """Check a statement without symbolic form (``expm``) at exact matrix points.

    At each point the matrices are fixed and the remaining scalar statement is
    decided; a refutation there (re-verified by the backends, with the matrix
    functions evaluated exactly by sympy) refutes the node. Finding none is
    TESTED, never proved.
    """
    started = time.perf_counter()
    points = _clipped(paper, node, _matrix_points(paper, node, sizes))
    # every point is tried, each with a third of the deterministic limits; the
    # time cap (for the whole check) only stops a runaway, and says so
    share = budget.scaled(1 / 3)
    tried = 0
    tried_results: list[CheckResult] = []
    capped = ""
    for point in points:
        left = budget.seconds - (time.perf_counter() - started)
        if left <= 0:
            capped = f"; stopped by the {TIME_CAP} of {budget.seconds:g} s (not reproducible)"
            break
        share = replace(share, seconds=left)
        try:
            statement = node_statement(paper, node, sizes, fixed=point)
        except UnsupportedError:
            continue
        tried += 1
        result = decide(statement, share)
        tried_results.append(result)
        if result.status.is_finding:  # refuted, or ill-defined (undefined) at the point
            cex: dict[str, object] = {
                m: [[str(v) for v in value.row(i)] for i in range(value.rows)] for m, value in point.items()
            }
            cex.update(result.counterexample or {})
            return CheckResult(
                result.status,
                f"points+{result.method}",
                f"{'refuted' if result.status is Status.REFUTED else 'ill-defined'} at an exact matrix point "
                f"(matrices fixed, the scalar rest by {result.method}: {result.evidence})",
                time.perf_counter() - started,
                counterexample=cex,  # type: ignore[arg-type]
            )
    return CheckResult(
        Status.TESTED,
        "points",
        f"no counterexample at {tried} exact matrix points (the statement has no symbolic form)"
        + (capped or _cap_note(r for r in tried_results)),
        time.perf_counter() - started,
    )


def _decide_at_sizes(
    paper: Paper,
    node: Node,
    budget: Budget,
    decide: Decide,
    build: Callable[[Mapping[str, int] | None], Statement],
    points: Callable[[Mapping[str, int] | None], CheckResult] | None = None,
) -> CheckResult:
    """Decide a statement at every size; aggregate soundly (smallest sizes first).

    ``points`` checks a size at exact points when the statement has no
    symbolic form there (``build`` raises UnsupportedError)."""
    started = time.perf_counter()
    per_size: list[tuple[Mapping[str, int] | None, CheckResult]] = []
    all_sizes = list(iter_sizes(paper, node))
    for sizes in all_sizes:
        try:
            statement = build(sizes)
        except UnsupportedError:
            if points is None:
                raise
            statement = None
            result = points(sizes)
        if statement is not None:
            try:
                result = _decide_with_shortcuts(statement, budget, decide)
            except UnsupportedError as exc:
                result = CheckResult(Status.UNKNOWN, "none", f"unsupported: {exc.message}")
        if result.status.is_finding:
            if statement is not None:
                result = _shrink(statement, result)
            cex = dict(result.counterexample or {})
            if sizes:
                cex.update({k: str(v) for k, v in sizes.items()})
            where = f" at {_fmt_sizes(sizes)}" if sizes else ""
            return replace(
                result,
                counterexample=cex,
                evidence=result.evidence + where,
                seconds=time.perf_counter() - started,
            )
        per_size.append((sizes, result))
    seconds = time.perf_counter() - started
    if all_sizes == [None]:
        return replace(per_size[0][1], seconds=seconds)
    methods = sorted({r.method for _, r in per_size})
    span = _fmt_ranges(node)
    statuses = {r.status for _, r in per_size}
    if statuses <= {Status.PROVED, Status.PROVED_BOUNDED}:
        return CheckResult(
            Status.PROVED_BOUNDED,
            "+".join(methods),
            f"proved for every size {span} ({len(per_size)} sizes)",
            seconds,
            details={"sizes": len(per_size)},
        )
    worst = max((r for _, r in per_size), key=lambda r: _RANK[r.status])
    status = Status.TESTED if worst.status is Status.TESTED else Status.UNKNOWN
    undecided = [s for s, r in per_size if r.status not in (Status.PROVED, Status.PROVED_BOUNDED)]
    evidence = f"e.g. {_fmt_sizes(undecided[0])}: {worst.evidence}"
    return CheckResult(
        status,
        "+".join(methods),
        f"not proved at {len(undecided)} of {len(per_size)} sizes {span} "
        f"({evidence}{'' if stopped_by_time_cap(evidence) else _cap_note(r for _, r in per_size)})",
        seconds,
    )


def _cap_note(results: Iterable[CheckResult]) -> str:
    """Words for an aggregate some of whose parts the time cap stopped (so the
    aggregate is not reproducible either), else ""."""
    if any(stopped_by_time_cap(r.evidence) for r in results):
        return f"; the {TIME_CAP} stopped some of the checks (not reproducible)"
    return ""


def _shrink(statement: Statement, result: CheckResult) -> CheckResult:
    """A simpler counterexample, if one is near (see :func:`boundprop.counterexample.shrink`:
    every candidate is re-verified exactly at a defined point; bounded by a count)."""
    from boundprop.counterexample import shrink

    return shrink(statement, result)


def _decide_with_shortcuts(
    statement: Statement, budget: Budget, decide: Decide, *, syntactic: bool = True
) -> CheckResult:
    """``decide`` after the syntactic and identity shortcuts.

    A shortcut (A implies A; b - a simplifies to 0) holds wherever the
    statement is defined, so for a statement with partial functions it stands
    only once the definedness obligations are proved: the definedness layer
    decides those with ``decide`` and takes the shortcut for the statement
    itself (an obligation left open leaves the statement open).
    """
    shortcut = (_syntactic(statement) if syntactic else None) or _identity(statement)
    if shortcut is None:
        return decide(statement, budget)
    if not statement.guards:
        return shortcut
    from boundprop.backends import definedness

    return definedness.decide(statement, budget, lambda s, b: shortcut if s is statement else decide(s, b))


def _syntactic(statement: Statement) -> CheckResult | None:
    """PROVED when every goal is literally one of the hypotheses (or true).

    Sound by construction (A ⇒ A), and it closes proof steps whose goals are
    instances of cited conclusions even when no backend can read them (exp).
    """
    hyps: set[sp.Basic] = set()
    for h in statement.hypotheses:
        hyps.update(relations_of(h))
    goals = relations_of(statement.conclusion)
    if all(g is sp.true or g in hyps for g in goals):
        # say which: a node without hypotheses has no hypothesis to be its goal
        literal = any(g is not sp.true for g in goals)
        why = "every goal is literally a hypothesis" if literal else "the goal is literally true"
        return CheckResult(Status.PROVED, "syntactic", why)
    return None


def _implied_by_range(statement: Statement, goal: sp.Basic) -> bool:
    """True if ``goal`` bounds one variable affinely (rational coefficients) and
    that variable's exact range, narrowed by the hypotheses, already implies
    it: the range obligation ``t <= 2`` of a citation when ``t`` ranges over
    ``[0, 10]`` under the hypothesis ``t <= 5/4``."""
    bound = affine_bound(goal)
    if bound is None:
        return False
    symbol, side, value, strict = bound
    # an implication on the domain: the order of the guards does not matter here
    narrowed = tighten_ranges(guards_last(statement)).statement
    var = next((v for v in narrowed.variables if v.symbol == symbol), None)
    if var is None:
        return False
    if side == "lo":
        return bool(var.lo > value) if strict else bool(var.lo >= value)
    return bool(var.hi < value) if strict else bool(var.hi <= value)


def _fmt_sizes(sizes: Mapping[str, int] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in (sizes or {}).items())


def _fmt_ranges(node: Node) -> str:
    return ", ".join(f"{k} in [{lo}, {hi}]" for k, (lo, hi) in node.sizes.items())


def check_proof(
    paper: Paper,
    node: Node,
    proof: Proof,
    budget: Budget,
    decide: Decide,
    statuses: Mapping[str, Status] | None = None,
) -> tuple[tuple[StepOutcome, ...], CheckResult]:
    """Check each step, then that the steps' claims imply the conclusion.

    ``statuses`` are the results of the nodes checked so far: a step that
    cites a node that is not established (refuted, ill-defined, unknown,
    tested) is at best proved *relative to* it, which proves nothing, so the
    step is reported unknown with evidence naming the node it rests on (a
    refutation of the step stands: its counterexample satisfies the cited
    facts). Without ``statuses`` the cited nodes are taken as established.

    The proof is PROVED (or PROVED_BOUNDED) when every step and the closing
    implication are; REFUTED when a step is refuted (a re-verified
    counterexample: the paper's argument is wrong there, whatever the node's
    direct check says); UNKNOWN otherwise.
    """
    started = time.perf_counter()
    outcomes: list[StepOutcome] = []
    rests_on: list[str] = []
    for index, step in enumerate(proof.steps, start=1):
        try:
            result = _check_step(paper, node, proof, step, index, budget, decide)
        except UnsupportedError as exc:
            result = CheckResult(Status.UNKNOWN, "none", f"unsupported: {exc.message}")
        unestablished = [
            c.node for c in step.using if statuses is not None and not statuses[c.node].is_established
        ]
        if unestablished and result.status is not Status.REFUTED:
            rests_on += [c for c in unestablished if c not in rests_on]
            what = ", ".join(f"{c} ({statuses[c].value})" for c in unestablished)  # type: ignore[index]
            result = CheckResult(
                Status.UNKNOWN,
                result.method,
                f"rests on {what}, which is not established (the step itself: {result.status.value}, "
                f"{result.evidence})",
                result.seconds,
                details={"rests_on": tuple(unestablished)},
            )
        outcomes.append(StepOutcome(index=index, claim=step.claim, result=result))
    if node.conclusion is None:
        closing = CheckResult(
            Status.UNKNOWN, "none", "the node is informal, so its proof cannot be closed mechanically"
        )
    else:
        claims = [s.claim for s in proof.steps]
        closing = _decide_at_sizes(
            paper,
            node,
            budget,
            decide,
            lambda sizes: _with_claims(paper, node, claims, sizes),
        )
    outcomes.append(StepOutcome(index=len(proof.steps) + 1, claim="(steps imply the conclusion)", result=closing))
    seconds = time.perf_counter() - started
    details = {"rests_on": tuple(rests_on)} if rests_on else {}
    failing = [o for o in outcomes if o.result.status not in (Status.PROVED, Status.PROVED_BOUNDED)]
    if not failing:
        bounded = any(o.result.status is Status.PROVED_BOUNDED for o in outcomes)
        return tuple(outcomes), CheckResult(
            Status.PROVED_BOUNDED if bounded else Status.PROVED,
            "proof",
            f"all {len(proof.steps)} proof steps and the closing implication checked",
            seconds,
        )
    refuted = [o for o in failing if o.result.status is Status.REFUTED]
    if refuted:
        first = refuted[0]
        which = "the closing implication" if first.index > len(proof.steps) else f"proof step {first.index}"
        return tuple(outcomes), CheckResult(
            Status.REFUTED,
            "proof",
            f"{which} is refuted: {first.result.evidence}",
            seconds,
            counterexample=first.result.counterexample,
            details={**details, "refuted_steps": tuple(o.index for o in refuted)},
        )
    first = failing[0]
    capped = "" if stopped_by_time_cap(first.result.evidence) else _cap_note(o.result for o in failing)
    return tuple(outcomes), CheckResult(
        Status.UNKNOWN,
        "proof",
        f"proof step {first.index} is {first.result.status.value}: {first.result.evidence}{capped}",
        seconds,
        details=details,
    )


def _parse_all(
    paper: Paper,
    node: Node,
    texts: Sequence[str],
    sizes: Mapping[str, int] | None,
    guards: list[list[Guard]] | None = None,
) -> list[sp.Basic]:
    """The relations of ``texts``; with ``guards``, one list of definedness
    guards per text is appended to it."""
    space = Namespace(paper, sizes)
    where = paper.where(node.line)
    out = []
    for t in texts:
        found: list[Guard] = []
        out.append(relations(space.parse(t, where, guards=found), t, where))
        if guards is not None:
            guards.append(found)
    return out


def _with_claims(
    paper: Paper, node: Node, claims: Sequence[str], sizes: Mapping[str, int] | None, **kwargs: Any
) -> Statement:
    """:func:`node_statement` with ``claims`` as assumptions, their guards included."""
    guards: list[list[Guard]] = []
    assumptions = _parse_all(paper, node, claims, sizes, guards) + list(kwargs.pop("assumptions", []))
    extra = list(kwargs.pop("assumption_guards", []))
    guards += extra + [[] for _ in range(len(assumptions) - len(guards) - len(extra))]
    return node_statement(paper, node, sizes, assumptions=assumptions, assumption_guards=guards, **kwargs)


def _check_step(
    paper: Paper, node: Node, proof: Proof, step: Step, index: int, budget: Budget, decide: Decide
) -> CheckResult:
    where = f"{proof.source}:{step.line}"
    if step.induction is not None:
        return _check_induction(paper, node, step, budget, decide, where)
    earlier = [s.claim for s in proof.steps[: index - 1]]

    def cited(sizes: Mapping[str, int] | None) -> list[CitedFacts]:
        return [citation_facts(paper, citation, sizes, where) for citation in step.using]

    def build(sizes: Mapping[str, int] | None) -> Statement:
        """The claim, under the earlier claims and the cited conclusions (each
        with the definedness guards of its instantiation)."""
        facts = [(fact, c.fact_guards) for c in cited(sizes) for fact in c.facts]
        return _with_claims(
            paper, node, earlier, sizes, conclusion=step.claim, where=where,
            assumptions=[f for f, _ in facts], assumption_guards=[list(g) for _, g in facts],
        )

    def build_obligations(sizes: Mapping[str, int] | None) -> Statement:
        """The cited nodes' instantiated hypotheses and ranges, under the
        earlier claims but *without* the cited conclusions: a conclusion may
        not vouch for the premises it rests on (u**2 <= u at u = x would
        otherwise give x <= 1 for x in [0, 5])."""
        instances = cited(sizes)
        needed = [g for c in instances for g in c.needed]
        needed_guards = list(dict.fromkeys(g for c in instances for g in c.needed_guards))
        statement = _with_claims(
            paper, node, earlier, sizes, conclusion="1 <= 1", extra_goals=needed, where=where,
            extra_goal_guards=needed_guards,
        )
        # bounds the ranges (narrowed by one-variable hypotheses) settle
        # exactly, such as 0 <= t for t in [0, 10], need no backend
        kept = [g for g in needed if not _implied_by_range(statement, g)]
        if len(kept) != len(needed):
            statement = _with_claims(
                paper, node, earlier, sizes, conclusion="1 <= 1", extra_goals=kept, where=where,
                extra_goal_guards=needed_guards,
            )
        # a matrix of the node that the obligations do not mention has no
        # variables here; its entries cannot be reported as a matrix
        present = set(statement.symbols)
        matrices = {
            name: rows
            for name, rows in statement.matrices.items()
            if all(entry in present for row in rows for entry in row)
        }
        return replace(statement, matrices=matrices)

    claim = _decide_at_sizes(paper, node, budget, decide, build)
    if not step.using or claim.status is Status.REFUTED:
        return claim
    premises = _decide_at_sizes(paper, node, budget, decide, build_obligations)
    seconds = claim.seconds + premises.seconds
    if premises.status is Status.REFUTED:
        return replace(
            premises, evidence=f"a cited node does not apply here: {premises.evidence}", seconds=seconds
        )
    done = (Status.PROVED, Status.PROVED_BOUNDED)
    if claim.status in done and premises.status in done:
        bounded = Status.PROVED_BOUNDED in (claim.status, premises.status)
        return replace(
            claim,
            status=Status.PROVED_BOUNDED if bounded else Status.PROVED,
            evidence=f"{claim.evidence}; the cited nodes apply ({premises.method}: {premises.evidence})",
            seconds=seconds,
        )
    if premises.status not in done:
        return replace(
            premises,
            evidence=f"not shown that the cited nodes apply here: {premises.evidence}",
            seconds=seconds,
        )
    return replace(claim, seconds=seconds)


def _check_induction(
    paper: Paper, node: Node, step: Step, budget: Budget, decide: Decide, where: str
) -> CheckResult:
    """Claim: e_i <= closed(i) for all i >= start, where e_start <= base and
    e_{i+1} <= recurrence(e_i, i) with the recurrence nondecreasing in e.

    The recurrence is proved by :func:`boundprop.backends.induction.prove_bound`
    (the one recurrence prover) over the node's parameters, with the index
    from ``start`` to the top of its range; each part that is not an exact
    identity is decided by ``decide``. The step's claim is an obligation of
    its own: under the node's hypotheses, ``q <= closed(k)`` must imply the
    claim, where ``q`` is the claim's bounded side and ``k`` the index value
    the claim is about (see :func:`_claim_from_closed_form`)."""
    from boundprop.backends.induction import Recurrence, prove_bound

    spec = step.induction or {}
    index = spec["index"]
    if index not in paper.params or not paper.params[index].integer:
        raise BoundpropError(f"induction index {index!r} must be an integer parameter", where)
    space = Namespace(paper)
    i = space.names[index]
    e = sp.Symbol("e__prev", real=True)
    start = space.parse(spec.get("start", "0"), where)
    closed = space.parse(spec["closed"], where)
    recurrence = space.parse(spec["recurrence"], where, {"e": e})
    base = space.parse(spec["base"], where)
    hyps = [relations(space.parse(h, where), h, where) for h in node.hypotheses]
    hyps = [h for h in hyps if h is not sp.true]
    lo_i, hi_i = node.ranges.get(index, (paper.params[index].lo, paper.params[index].hi))

    if not sp.sympify(start).is_Integer:
        raise BoundpropError(f"induction start {start} must be an integer", where)
    if lo_i != "-oo" and sp.sympify(start) > sp.sympify(lo_i):
        return CheckResult(
            Status.UNKNOWN,
            "induction",
            f"the induction starts at {index} = {start}, above the lower end {lo_i} of its range: "
            f"the claim for {index} < {start} is not covered",
        )
    top = sp.sympify(hi_i)
    if top.is_finite and not top.is_Integer:
        top = sp.floor(top)
    l_max = int(top) if top.is_finite else None
    # The step and the monotonicity are needed at every index from `start` on,
    # including indices the node's hypotheses exclude (a hypothesis L >= 1 must
    # not skip the step from 0 to 1): prove_bound never uses hypotheses that
    # mention the index, a weaker premise, never an unsound one.
    exprs = [sp.sympify(x) for x in (closed, recurrence, base)]
    parameters = tuple(
        v for v in node_variables(paper, node, [*exprs, *hyps], where) if v.symbol not in (i, e)
    )
    rec = Recurrence.from_update(
        i, recurrence, e, base, closed, parameters, tuple(hyps), l_max=l_max, start=int(start)
    )

    def shortcut_decide(statement: Statement, part_budget: Budget) -> CheckResult:
        return _decide_with_shortcuts(statement, part_budget, decide, syntactic=False)

    induction = prove_bound(rec, budget, decide=shortcut_decide)
    follows = _claim_from_closed_form(paper, node, step, i, closed, start, l_max, budget, decide, where)
    seconds = induction.seconds + follows.seconds
    if follows.status is Status.REFUTED:
        return replace(
            follows,
            method="induction",
            evidence=f"the claim does not follow from the closed form: {follows.evidence}",
            seconds=seconds,
        )
    if induction.status is Status.REFUTED:
        return replace(induction, evidence=f"the induction fails: {induction.evidence}", seconds=seconds)
    if induction.status is not Status.PROVED:
        return CheckResult(Status.UNKNOWN, "induction", f"induction not proved: {induction.evidence}", seconds)
    if follows.status not in (Status.PROVED, Status.PROVED_BOUNDED):
        return CheckResult(
            Status.UNKNOWN,
            "induction",
            f"the recurrence is proved, but not that the claim follows from the closed form: {follows.evidence}",
            seconds,
        )
    if not node.informal:
        # The facts bound every sequence with this base and recurrence; nothing
        # checks that the quantity the claim names is such a sequence (the
        # claim text is free), so a formal node cannot rest on the step.
        return CheckResult(
            Status.UNKNOWN,
            "induction",
            "base case, monotonicity and inductive step proved, and the claim follows from the closed form, "
            "but the claim is linked to the recurrence only in words (nothing checks that the claimed "
            "quantity obeys it); only an informal node may rest on an induction step",
            seconds,
        )
    return CheckResult(
        Status.PROVED,
        "induction",
        f"{induction.evidence}; the claim follows from the closed form ({follows.method}: {follows.evidence})",
        seconds,
    )


def _claim_from_closed_form(
    paper: Paper,
    node: Node,
    step: Step,
    i: sp.Symbol,
    closed: sp.Basic,
    start: sp.Basic,
    l_max: int | None,
    budget: Budget,
    decide: Decide,
    where: str,
) -> CheckResult:
    """Whether the step's claim follows from what the induction proves.

    The induction shows ``e_k <= closed(k)`` for the index values ``k`` it
    covers. The claim bounds a quantity ``q`` (its smaller side: ``q <= rhs``
    or ``q < rhs``); the obligation is: under the node's hypotheses,
    ``q <= closed(k)`` implies the claim. ``k`` is the induction index itself
    when the claim mentions it (or mentions no other integer parameter);
    otherwise it is an integer parameter of the claim (R1's ``err = e_L``),
    which must then lie in the range the induction covers. A refutation is
    reported only at ``k`` = the index (a point where the closed form holds
    and the claim does not).
    """
    space = Namespace(paper)
    claim = relations(space.parse(step.claim, where), step.claim, where)
    if not isinstance(claim, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan)):
        return CheckResult(
            Status.UNKNOWN, "none", f"the claim {step.claim!r} is not an upper bound q <= ... on a quantity"
        )
    quantity = claim.lts
    candidates = [i]
    if i not in claim.free_symbols:
        others = sorted(
            (s for s in claim.free_symbols if s.name in paper.params and paper.params[s.name].integer),
            key=lambda s: s.name,
        )
        candidates = [*others, i]
    strict = isinstance(claim, (sp.StrictLessThan, sp.StrictGreaterThan))
    relation = sp.Lt if strict else sp.Le
    rhs = claim.gts

    def same(x: sp.Basic, y: sp.Basic) -> bool:
        if x == y:
            return True
        gap = sp.sympify(x - y)
        return bool(sp.count_ops(gap) <= 200 and not gap.has(sp.Sum) and sp.expand(gap) == 0)

    def bounds(k: sp.Symbol) -> sp.Basic:
        return sp.sympify(closed).xreplace({i: k})

    # a candidate whose closed form is the claim's bound itself comes first
    candidates.sort(key=lambda k: 0 if (not strict and same(bounds(k), rhs)) else 1)
    result = CheckResult(Status.UNKNOWN, "none", "no index value tried")
    for k in candidates:
        bound = bounds(k)
        fact = sp.Le(quantity, bound)
        statement = node_statement(paper, node, None, conclusion=step.claim, assumptions=[fact], where=where)
        covered = [] if k == i else [sp.Le(start, k), *([sp.Le(k, l_max)] if l_max is not None else [])]
        # sufficient, and easier for the backends: closed(k) <= rhs (q then lies
        # below both), with k in the range the induction covers
        goals = [g for g in covered if not _implied_by_range(statement, g)]
        if strict or not same(bound, rhs):
            goals.insert(0, relation(bound, rhs))
        at = "" if k == i else f" at {i} = {k}"
        if not goals:
            return CheckResult(
                Status.PROVED, "exact", f"the closed form{at} is the claim's bound ({quantity} <= closed form)"
            )
        hyps = tuple(h for h in statement.hypotheses if h != fact)
        goal = sp.And(*goals)
        free = set().union(goal.free_symbols, *(h.free_symbols for h in hyps))
        direct = replace(
            statement,
            variables=tuple(v for v in statement.variables if v.symbol in free),
            hypotheses=hyps,
            conclusion=goal,
        )
        outcome = _decide_with_shortcuts(direct, budget, decide, syntactic=False)
        if outcome.status not in (Status.PROVED, Status.PROVED_BOUNDED) and k == i:
            # the full implication (it can refute: a point where the closed form
            # holds and the claim does not)
            outcome = _decide_with_shortcuts(statement, budget, decide)
        if outcome.status in (Status.PROVED, Status.PROVED_BOUNDED):
            return replace(outcome, evidence=f"{quantity} <= closed form{at} implies the claim: {outcome.evidence}")
        if k == i:
            result = outcome
    return result


def _identity(statement: Statement) -> CheckResult | None:
    """PROVED when every goal ``a <= b``, ``a >= b`` or ``a = b`` holds with
    equality: b − a simplifies to 0 on the variables' ranges.

    Closed forms of recurrences usually satisfy the inductive step with
    equality, which no interval method can certify and the exact backend
    does not try (symbolic exponents). Each variable is replaced by a symbol
    carrying the sign its range guarantees (so that sympy may combine
    ``(1 + H*eta)**l * (1 + H*eta)`` for a positive base), and sympy's
    ``simplify`` is trusted for identities as the exact backend trusts it.
    Scalar statements of moderate size only (simplify is slow on big ones).
    """
    if statement.matrices or statement.conclusion is sp.true:
        return None
    mapping = {}
    for var in statement.variables:
        facts: dict[str, bool] = {"integer": True} if var.integer else {"real": True}
        if var.lo.is_finite and var.lo > 0:
            facts["positive"] = True
        elif var.lo.is_finite and var.lo >= 0:
            facts["nonnegative"] = True
        mapping[var.symbol] = sp.Symbol(var.name, **facts)
    for goal in relations_of(statement.conclusion):
        if not isinstance(goal, (sp.LessThan, sp.GreaterThan, sp.Equality)):
            return None
        diff = (goal.lhs - goal.rhs).xreplace(mapping)
        if sp.count_ops(diff) > 200 or diff.has(sp.Sum) or not _defined(diff) or sp.simplify(diff) != 0:
            return None
    return CheckResult(Status.PROVED, "exact", "holds with equality (the difference simplifies to 0 on the ranges)")


def _defined(expr: sp.Basic) -> bool:
    """True if every power and log in ``expr`` is defined on the whole domain:
    a power with an exponent other than a nonnegative integer needs a base
    sympy knows is positive, a log a positive argument (so that simplifying,
    which may cancel such factors, cannot hide a point where they are undefined)."""
    for power in expr.atoms(sp.Pow):
        exponent = power.exp
        if not (exponent.is_integer and exponent.is_nonnegative) and power.base.is_positive is not True:
            return False
    return all(arg.args[0].is_positive is True for arg in expr.atoms(sp.log))
