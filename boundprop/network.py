"""Network-level statements: ``err = norm(S(X) - S'(X))`` for Alman & Song's networks.

A node with ``network = { witness = "l-lin", norm = "N2" }`` and a conclusion
``err <= BOUND`` states: at every size in ``sizes`` (``n`` tokens, width ``d``,
``H`` heads, ``L`` layers), for every input ``X`` (``n x d``) with
``norm(X) <= phi0`` and every value matrix ``W_V^{l,h}`` (``d x d``) with
``norm(W_V^{l,h}) <= eta``, and *any* query and key weights and logit factor,
the L-layer, H-head residual self-attention network

    X_0 = X,   X_{l+1} = X_l + sum_h softmax(beta X_l W_Q^{l,h} W_K^{l,h}^T X_l^T) X_l W_V^{l,h},
    S(X) = X_L

and the witness ``S'`` satisfy ``err = norm(S(X) - S'(X)) <= BOUND``. Witnesses:

* ``identity``: ``S'(X) = X`` (a one-layer network with ``W_V = 0``);
* ``l-lin``: the paper's construction ``S'(X) = X + M X (prod_l (I + W_l) - I)``,
  ``M = (1/n) 1 1^T``, ``W_l = sum_h W_V^{l,h}`` (L-LIN).

``eta``, ``phi0`` (the parameters named by ``weights`` and ``input``) must be
fixed by point ranges of the node; ``BOUND`` is evaluated exactly there.

**How it is decided** (certified bound propagation, exact rational arithmetic):
each attention matrix is relaxed to an arbitrary row-stochastic matrix ``P``
(softmax rows are probability vectors, whatever ``W_Q``, ``W_K``, ``beta``), so a
bound proved for the relaxation holds for the network. Then ``S(X) - S'(X)`` is
affine in each row of ``X``, of every ``W_V`` and of every ``P`` separately (the
others fixed), and ``norm`` is convex: the supremum over the product of balls is
the maximum over their vertices (rows ``+-r e_j`` for the N2 ball, ``e_j`` for a
simplex row). Branch and bound over these vertex choices, best first: a node
fixes some rows, the others range over their balls and are enclosed by a
center-plus-row-radius domain (``Y = C + E`` with ``||row_i E||_1 <= r_i``),
propagated through every layer by triangle inequalities. Every enclosure is an
upper bound of the error over the node's subtree; a leaf's value is exact. The
budget is a node count (deterministic). The certified upper bound of the worst
error is the largest enclosure left open; the best leaf found is the worst error
of the relaxation found (a network with 0/1 attention rows, a limit of softmax
attention, so it is not itself reported as a counterexample).

Only the N2 norm (operator infinity-norm, Alman & Song's N2) is implemented.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import sympy as sp

from boundprop.errors import InputError
from boundprop.lemma import Node, Paper
from boundprop.propagate import theorem_bound
from boundprop.statement import Budget, exact_bound
from boundprop.verdict import CheckResult, Status

__all__ = [
    "METHOD",
    "WITNESSES",
    "NetworkSize",
    "SizeResult",
    "certify",
    "check_network",
    "network_error",
]

METHOD = "network-bnb"
WITNESSES = ("identity", "l-lin")

Matrix = tuple[tuple[Fraction, ...], ...]
Rows = tuple[Fraction, ...]


@dataclass(frozen=True, slots=True)
class NetworkSize:
    """One instance: sizes, radii (exact), witness."""

    n: int
    d: int
    H: int
    L: int
    eta: Fraction
    phi0: Fraction
    witness: str


@dataclass(frozen=True, slots=True)
class SizeResult:
    """Outcome of :func:`certify` at one size.

    ``upper`` bounds the error of every network of the relaxation (certified);
    ``lower`` is the error of the worst vertex network found (exact);
    ``exact`` says the search closed (``upper == lower``); ``nodes`` counts
    the enclosures evaluated."""

    size: NetworkSize
    upper: Fraction
    lower: Fraction
    nodes: int
    exact: bool


# ----------------------------------------------------------------------------- the domain
# A value is (C, r): every matrix C + E with the l1 norm of row i of E at most r_i.


@dataclass(frozen=True, slots=True)
class _Dom:
    c: Matrix
    r: Rows

    @staticmethod
    def exact(m: Matrix) -> _Dom:
        return _Dom(m, tuple(Fraction(0) for _ in m))

    def norm_upper(self) -> Fraction:
        """N2 norm bound: max_i ||C_i||_1 + r_i."""
        return max(sum((abs(v) for v in row), Fraction(0)) + ri for row, ri in zip(self.c, self.r, strict=True))


def _l1(row: Sequence[Fraction]) -> Fraction:
    return sum((abs(v) for v in row), Fraction(0))


def _add(a: _Dom, b: _Dom, sign: int = 1) -> _Dom:
    c = tuple(tuple(x + sign * y for x, y in zip(ra, rb, strict=True)) for ra, rb in zip(a.c, b.c, strict=True))
    return _Dom(c, tuple(x + y for x, y in zip(a.r, b.r, strict=True)))


def _matmul(a: _Dom, b: _Dom) -> _Dom:
    """(Ca + Ea)(Cb + Eb): row i of Ca Eb + Ea Cb + Ea Eb has l1 norm at most
    sum_c |Ca_ic| rb_c + ra_i max_c (||Cb_c||_1 + rb_c)."""
    q = len(b.c[0])
    widest = max(_l1(row) + rc for row, rc in zip(b.c, b.r, strict=True))
    rows = []
    radii = []
    for row, ra in zip(a.c, a.r, strict=True):
        rows.append(tuple(sum((row[k] * b.c[k][j] for k in range(len(row))), Fraction(0)) for j in range(q)))
        radii.append(sum((abs(row[k]) * b.r[k] for k in range(len(row))), Fraction(0)) + ra * widest)
    return _Dom(tuple(rows), tuple(radii))


def _stochastic(choice: Sequence[int | None], y: _Dom) -> _Dom:
    """P Y for a row-stochastic P whose row i is e_{choice[i]}, or any probability
    vector when ``choice[i]`` is None (then row i lies in the convex hull of the
    rows of Y, enclosed by a ball around the midpoint of their centers)."""
    d = len(y.c[0])
    mid = tuple((max(row[j] for row in y.c) + min(row[j] for row in y.c)) / 2 for j in range(d))
    spread = max(
        _l1([row[j] - mid[j] for j in range(d)]) + rj for row, rj in zip(y.c, y.r, strict=True)
    )
    rows, radii = [], []
    for pick in choice:
        if pick is None:
            rows.append(mid)
            radii.append(spread)
        else:
            rows.append(y.c[pick])
            radii.append(y.r[pick])
    return _Dom(tuple(rows), tuple(radii))


def _centered(choice: Sequence[int | None], y: _Dom) -> _Dom:
    """(P - M) Y with P as in :func:`_stochastic` and M = (1/n) 1 1^T: row i is
    sum_j p_j (y_j - mean y), each y_j - mean y enclosed exactly by its center and
    the radius (1 - 1/n) r_j + (1/n) sum_{k != j} r_k."""
    n, d = len(y.c), len(y.c[0])
    mean = tuple(sum((row[j] for row in y.c), Fraction(0)) / n for j in range(d))
    total = sum(y.r, Fraction(0))
    dev = [tuple(row[j] - mean[j] for j in range(d)) for row in y.c]
    rad = [(1 - Fraction(1, n)) * rj + (total - rj) / n for rj in y.r]
    return _stochastic(choice, _Dom(tuple(dev), tuple(rad)))


def _ball_rows(rows: Sequence[int | None], vertices: Sequence[Rows], width: int, radius: Fraction) -> _Dom:
    """A matrix whose row i is ``vertices[rows[i]]``, or anything in the l1 ball of
    ``radius`` when ``rows[i]`` is None."""
    zero = tuple(Fraction(0) for _ in range(width))
    return _Dom(
        tuple(zero if k is None else vertices[k] for k in rows),
        tuple(radius if k is None else Fraction(0) for k in rows),
    )


def _ball_vertices(width: int, radius: Fraction) -> tuple[Rows, ...]:
    """Vertices of the l1 ball of ``radius`` in R^width: +-radius e_j."""
    out = []
    for j in range(width):
        for s in (1, -1):
            out.append(tuple(Fraction(s) * radius if k == j else Fraction(0) for k in range(width)))
    return tuple(out)


# ----------------------------------------------------------------------------- blocks
# The search fixes rows one at a time in this order: rows of X, then for each
# layer and head the rows of W_V, then the rows of P.


@dataclass(frozen=True, slots=True)
class _Block:
    kind: str  # "x", "w", "p"
    layer: int
    head: int
    row: int
    choices: int


def _blocks(size: NetworkSize) -> tuple[_Block, ...]:
    # err(-X) = err(X) (S and S' are linear in X for fixed P, W_V): the first row of X
    # needs only the vertices +phi0 e_j (the even-numbered ones)
    out = [_Block("x", -1, -1, i, size.d if i == 0 else 2 * size.d) for i in range(size.n)]
    for layer in range(size.L):
        for head in range(size.H):
            out += [_Block("w", layer, head, i, 2 * size.d) for i in range(size.d)]
            out += [_Block("p", layer, head, i, size.n) for i in range(size.n)]
    return tuple(out)


def _evaluate(size: NetworkSize, blocks: Sequence[_Block], fixed: Sequence[int]) -> _Dom:
    """The enclosure of S(X) - S'(X) with the first ``len(fixed)`` blocks fixed."""
    n, d = size.n, size.d
    pick: dict[tuple[str, int, int, int], int | None] = {
        (b.kind, b.layer, b.head, b.row): (fixed[i] if i < len(fixed) else None) for i, b in enumerate(blocks)
    }
    xv = _ball_vertices(d, size.phi0)
    wv = _ball_vertices(d, size.eta)
    x_rows = [pick[("x", -1, -1, i)] for i in range(n)]
    if x_rows[0] is not None:
        x_rows[0] = 2 * x_rows[0]  # +phi0 e_j only (see _blocks)
    x = _ball_rows(x_rows, xv, d, size.phi0)
    # delta = X_l - X, kept apart from X so that X's enclosure is not counted twice
    # in S(X) - X; for l-lin, gap = X_l - Y_l with Y the network whose attention is
    # M = (1/n) 1 1^T in every head, which is S' (L-LIN, from M^2 = M):
    #   gap_{l+1} = gap_l + sum_h ((P - M) X_l + M gap_l) W_V^{l,h}
    zero = _Dom.exact(tuple(tuple(Fraction(0) for _ in range(d)) for _ in range(n)))
    m = _Dom.exact(tuple(tuple(Fraction(1, n) for _ in range(n)) for _ in range(n)))
    delta, gap = zero, zero
    for layer in range(size.L):
        state = _add(x, delta)
        new_delta, new_gap = delta, gap
        for head in range(size.H):
            w = _ball_rows([pick[("w", layer, head, i)] for i in range(d)], wv, d, size.eta)
            p_rows = [pick[("p", layer, head, i)] for i in range(n)]
            new_delta = _add(new_delta, _matmul(_stochastic(p_rows, state), w))
            if size.witness == "l-lin":
                mixed = _add(_centered(p_rows, state), _matmul(m, gap))
                new_gap = _add(new_gap, _matmul(mixed, w))
        delta, gap = new_delta, new_gap
    return delta if size.witness == "identity" else gap


def network_error(size: NetworkSize, choice: Sequence[int]) -> Fraction:
    """The exact error of the vertex network ``choice`` (one index per block)."""
    blocks = _blocks(size)
    if len(choice) != len(blocks):
        raise InputError(f"a vertex network needs {len(blocks)} choices, not {len(choice)}")
    return _evaluate(size, blocks, choice).norm_upper()


def certify(
    size: NetworkSize, max_nodes: int, target: Fraction | None = None, dive: bool = True
) -> SizeResult:
    """Best-first branch and bound of the worst error over the relaxation.

    Stops when the search closes, when the largest open enclosure is at most
    ``target`` (enough to prove ``err <= target``), or after ``max_nodes``
    enclosures. Deterministic: ties are broken by the order of the choices.
    ``dive`` first follows the largest enclosures down to one leaf (a worst
    vertex network found early, for the lower bound).
    """
    blocks = _blocks(size)
    root = _evaluate(size, blocks, ()).norm_upper()
    heap: list[tuple[Fraction, tuple[int, ...]]] = [(-root, ())]
    best, nodes = _dive(size, blocks) if dive else (Fraction(0), 0)
    nodes += 1
    while heap:
        upper = -heap[0][0]
        if upper <= best or (target is not None and upper <= target) or nodes >= max_nodes:
            break
        _, fixed = heapq.heappop(heap)
        if len(fixed) == len(blocks):  # a leaf: its value is exact and the largest open
            best = max(best, upper)
            break
        for k in range(blocks[len(fixed)].choices):
            child = (*fixed, k)
            # the parent's enclosure covers the child's subtree too: keep the smaller
            # (an enclosure is not monotone under fixing a row, through the midpoints)
            value = min(_evaluate(size, blocks, child).norm_upper(), upper)
            nodes += 1
            if len(child) == len(blocks):
                best = max(best, value)
            elif value > best:
                heapq.heappush(heap, (-value, child))
    upper = max([best, *(-v for v, _ in heap[:1])]) if heap else best
    return SizeResult(size, upper, best, nodes, exact=upper == best)


def _dive(size: NetworkSize, blocks: Sequence[_Block]) -> tuple[Fraction, int]:
    """A first leaf, following the child of largest enclosure: (its exact error, enclosures)."""
    fixed: tuple[int, ...] = ()
    nodes = 0
    value = Fraction(0)
    while len(fixed) < len(blocks):
        scored = []
        for k in range(blocks[len(fixed)].choices):
            scored.append((_evaluate(size, blocks, (*fixed, k)).norm_upper(), -k))
            nodes += 1
        value, neg_k = max(scored)
        fixed = (*fixed, -neg_k)
    return value, nodes


# ----------------------------------------------------------------------------- the node


def _point(paper: Paper, node: Node, name: str) -> Fraction:
    if name not in paper.params:
        raise InputError(f"node {node.id!r}: network parameter {name!r} is not declared", paper.where(node.line))
    lo, hi = node.ranges.get(name, (paper.params[name].lo, paper.params[name].hi))
    a, b = exact_bound(lo, name), exact_bound(hi, name)
    if a != b or not a.is_finite or a < 0:
        raise InputError(
            f"node {node.id!r}: give {name} one value with ranges = {{ {name} = [\"v\", \"v\"] }}, v >= 0",
            paper.where(node.line),
        )
    return Fraction(int(a.p), int(a.q))


def sizes_of(paper: Paper, node: Node) -> Iterator[NetworkSize]:
    """The instances of a network node, in the order of ``sizes``."""
    spec = node.network or {}
    where = paper.where(node.line)
    witness = spec["witness"]
    if witness not in WITNESSES:
        raise InputError(f"node {node.id!r}: unknown witness {witness!r} (known: {', '.join(WITNESSES)})", where)
    if spec["norm"] != "N2":
        raise InputError(f"node {node.id!r}: only norm = \"N2\" is implemented for networks", where)
    eta = _point(paper, node, spec.get("weights", "eta"))
    phi0 = _point(paper, node, spec.get("input", "phi0"))
    heads, layers = spec.get("heads", "H"), spec.get("layers", "L")
    names = list(node.sizes)
    grid = [dict(zip(names, combo, strict=True))
            for combo in product(*(range(lo, hi + 1) for lo, hi in node.sizes.values()))]
    for sizes in sorted(grid, key=lambda s: (sum(s.values()), tuple(s.values()))):
        missing = [k for k in ("n", "d", heads, layers) if k not in sizes]
        if missing:
            raise InputError(f"node {node.id!r}: sizes needs {', '.join(missing)}", where)
        yield NetworkSize(sizes["n"], sizes["d"], sizes[heads], sizes[layers], eta, phi0, witness)


def _bound_at(paper: Paper, node: Node, size: NetworkSize) -> Fraction:
    spec = node.network or {}
    _, bound = theorem_bound(paper, node)
    values: dict[str, Fraction] = {
        "n": Fraction(size.n), "d": Fraction(size.d), spec.get("heads", "H"): Fraction(size.H),
        spec.get("layers", "L"): Fraction(size.L), spec.get("weights", "eta"): size.eta,
        spec.get("input", "phi0"): size.phi0,
    }
    sub = {s: sp.Rational(values[s.name].numerator, values[s.name].denominator)
           for s in bound.free_symbols if s.name in values}
    value = bound.xreplace(sub)
    if value.free_symbols or not value.is_Rational:
        raise InputError(
            f"node {node.id!r}: the bound {bound} is not a rational number at the sizes and radii ({value})",
            paper.where(node.line),
        )
    return Fraction(int(value.p), int(value.q))


def _node_budget(paper: Paper, node: Node, budget: Budget) -> int:
    text = (node.network or {}).get("nodes", "2000")
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"node {node.id!r}: network.nodes must be a positive integer, not {text!r}",
                         paper.where(node.line))
    return max(1, int(text) * budget.max_boxes // Budget().max_boxes)


def check_network(paper: Paper, node: Node, budget: Budget) -> CheckResult:
    """Decide a network node at every size: proved-bounded when the certified
    upper bound of the worst error is at most the bound at every size.

    The network table's ``nodes`` (default 2000) is the enclosure budget of each
    size's search, scaled like every deterministic limit by the node's ``seconds``
    (through ``budget.max_boxes`` relative to the default 20,000).
    """
    cap = _node_budget(paper, node, budget)
    started = time.perf_counter()  # reported only; the verdict depends on the node budget
    lines = []
    details: dict[str, object] = {}
    failed = []
    total_nodes = 0
    for size in sizes_of(paper, node):
        bound = _bound_at(paper, node, size)
        res = certify(size, cap, target=bound, dive=False)
        total_nodes += res.nodes
        key = f"n={size.n},d={size.d},H={size.H},L={size.L}"
        ok = res.upper <= bound
        details[key] = {"bound": str(bound), "certified_upper": str(res.upper), "nodes": res.nodes, "proved": ok}
        lines.append(f"{key}: err <= {float(res.upper):.6g} (certified) vs bound {float(bound):.6g}")
        if not ok:
            failed.append(key)
    summary = "; ".join(lines)
    how = (f"{METHOD}: row-stochastic relaxation of attention (any W_Q, W_K, beta), vertex branch and bound "
           f"in exact rationals, {total_nodes} enclosures")
    if failed:
        return CheckResult(
            Status.UNKNOWN, METHOD,
            f"{how}; not proved at {', '.join(failed)} within {cap} enclosures per size: {summary}",
            seconds=time.perf_counter() - started, details={"sizes": details},
        )
    return CheckResult(Status.PROVED_BOUNDED, METHOD, f"{how}; {summary}", seconds=time.perf_counter() - started,
                       details={"sizes": details})
