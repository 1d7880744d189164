"""Regime maps: classes checked at sampled exact points, backends agree, CLI."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from exact_eval import relation_holds, sign_of

from boundprop.errors import InputError
from boundprop.loader import load_paper
from boundprop.propagate import expand_finite_sums, load_annotations
from boundprop.regimes import (
    Backend,
    CellClass,
    Problem,
    RegimeMap,
    build_problem,
    combined_class,
    parse_axis,
    parse_fix,
    pave,
)

DATA = Path(__file__).parent / "data"
TOY = DATA / "toy_collapse.toml"
FIX = ["H=4", "phi0=1", "d=4", "k=4", "beta=1", "c=1", "n=4096"]
THEOREMS = ["R1", "R2", "Theorem 5.3"]


@pytest.fixture(scope="module")
def paper():  # type: ignore[no-untyped-def]
    return load_paper(TOY)


def problem(paper, theorem: str, params: list[str], regimes: tuple[str, ...] = (),  # type: ignore[no-untyped-def]
            fix: list[str] = FIX) -> Problem:
    axes = [parse_axis(s, paper) for s in params]
    names = {a.name for a in axes}
    from boundprop.propagate import load_annotations

    ann = load_annotations(paper)
    fixed = dict(parse_fix(s, paper, ann) for s in fix if s.split("=")[0] not in names)
    return build_problem(paper, theorem, axes, fixed, regimes, ann)


@pytest.fixture(scope="module")
def maps(paper) -> dict[str, RegimeMap]:  # type: ignore[no-untyped-def]
    out = {}
    for theorem in THEOREMS:
        prob = problem(paper, theorem, ["eta=1/1000:1:log", "L=1:64"], ("fast-attention",))
        out[theorem] = pave(prob, depth=11, backend="batch")
    return out


def _points(rmap: RegimeMap, cell, rng: random.Random, k: int):  # type: ignore[no-untyped-def]
    """Exact points in a cell: its corners' neighbourhood, centre and random rationals."""
    for t in range(k):
        point = {}
        for axis, (lo, hi) in zip(rmap.problem.axes, cell.box, strict=True):
            if axis.integer:
                v = Fraction(rng.randint(int(lo), int(hi))) if t else lo
            elif t == 0:
                v = lo
            elif t == 1:
                v = hi
            else:
                v = lo + (hi - lo) * Fraction(rng.randint(0, 10**6), 10**6)
            point[axis.symbol] = sp.Rational(v.numerator, v.denominator)
        yield point


def _check_cell(rmap: RegimeMap, cell, point) -> None:  # type: ignore[no-untyped-def]
    prob = rmap.problem
    if cell.klass is CellClass.PREMISES_FAIL:
        failed = next(p for p in prob.premises if p.label == cell.reason)
        assert not relation_holds(failed.relation, point), (cell, point)
        return
    if cell.klass is CellClass.UNDETERMINED:
        pass
    else:
        for premise in prob.premises:
            assert relation_holds(premise.relation, point), (premise.label, cell, point)
        for baseline in prob.baselines:
            applies = all(relation_holds(h, point) for h in baseline.applies)
            s = sign_of(expand_finite_sums((prob.bound - baseline.bound).xreplace(point)), point)
            if cell.klass is CellClass.VACUOUS and baseline.id in cell.baselines:
                assert applies and s >= 0, (baseline.id, cell, point)
            if cell.klass is CellClass.INFORMATIVE:
                assert (not applies) or s < 0, (baseline.id, cell, point)
        if cell.klass is CellClass.VACUOUS:
            assert cell.baselines
    for regime in prob.regimes:
        label = cell.regime(regime.id)
        if label == regime.labels[0]:
            assert relation_holds(regime.relation, point), (regime.id, cell, point)
        elif label == regime.labels[1]:
            assert not relation_holds(regime.relation, point), (regime.id, cell, point)


@pytest.mark.parametrize("theorem", THEOREMS)
def test_sampled_points_confirm_every_classed_cell(maps: dict[str, RegimeMap], theorem: str) -> None:
    rmap = maps[theorem]
    rng = random.Random(7)
    decided = [c for c in rmap.cells if c.klass is not CellClass.UNDETERMINED]
    assert decided, "nothing was classed"
    sample = decided if len(decided) <= 150 else rng.sample(decided, 150)
    for cell in sample:
        for point in _points(rmap, cell, rng, 3):
            _check_cell(rmap, cell, point)


def test_maps_show_all_the_expected_classes(maps: dict[str, RegimeMap]) -> None:
    r1, r2, t53 = (maps[t].fractions() for t in THEOREMS)
    # R1 = 2LHηφ0(1+Hη)^(L-1) >= ((1+Hη)^L - 1)φ0: never better than the zero-layer network
    assert r1["informative"] == 0.0 and r1["vacuous"] > 0.6
    assert r2["informative"] > 0.1 and r2["vacuous"] > 0.5
    assert t53["premises-fail"] > 0.2  # H*eta <= 1/2 fails for eta > 1/8
    for fr in (r1, r2, t53):
        assert sum(fr.values()) == pytest.approx(1.0, abs=1e-9)
    fail = next(c for c in maps["Theorem 5.3"].cells if c.klass is CellClass.PREMISES_FAIL)
    assert "H*eta <= 1/2" in fail.reason
    combined = {combined_class(c, maps["R2"].problem) for c in maps["R2"].cells}
    assert {"both", "regime-only", "neither"} <= combined


def test_cells_tile_the_box_with_exact_rational_ends(maps: dict[str, RegimeMap]) -> None:
    rmap = maps["R2"]
    eta, layers = rmap.problem.axes
    total = sum(rmap.volume(c) for c in rmap.cells)
    assert total == pytest.approx(1.0, rel=1e-12)
    for cell in rmap.cells:
        (elo, ehi), (llo, lhi) = cell.box
        assert isinstance(elo, Fraction) and eta.lo <= elo < ehi <= eta.hi
        assert llo.denominator == 1 and lhi.denominator == 1 and 1 <= llo <= lhi <= 64
    # integer cells never overlap: L-ranges of cells at the same eta are disjoint
    by_eta: dict[tuple[Fraction, Fraction], list[tuple[Fraction, Fraction]]] = {}
    for cell in rmap.cells:
        by_eta.setdefault(cell.box[0], []).append(cell.box[1])
    for ranges in by_eta.values():
        ranges.sort()
        for (_a, b), (c, _) in zip(ranges, ranges[1:], strict=False):
            assert b < c


@pytest.mark.parametrize("theorem", THEOREMS)
def test_scalar_and_batch_backends_give_the_same_classes(paper, theorem: str) -> None:  # type: ignore[no-untyped-def]
    prob = problem(paper, theorem, ["eta=1/1000:1:log", "L=1:64"], ("fast-attention",))
    batch = pave(prob, depth=8, backend=Backend.BATCH)
    scalar = pave(prob, depth=8, backend=Backend.SCALAR)
    key = [(c.box, c.klass, c.baselines, c.regimes) for c in batch.cells]
    assert key == [(c.box, c.klass, c.baselines, c.regimes) for c in scalar.cells]
    assert batch.evaluated == scalar.evaluated


@pytest.mark.parametrize("budget", [0, 24, 2048])
def test_speculative_batches_leave_the_map_unchanged(paper, budget: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the batch backend evaluates descendants ahead in one call; the map (cells, their
    # order, classes, count of cells evaluated) must not depend on how far it looks
    import boundprop.regimes as regimes

    prob = problem(paper, "R1", ["eta=1/1000:1:log", "L=1:64", "phi0=0:1"], ("fast-attention",))
    reference = pave(prob, depth=10, backend=Backend.SCALAR)
    monkeypatch.setattr(regimes, "LOOKAHEAD_BOXES", budget)
    batch = pave(prob, depth=10, backend=Backend.BATCH)
    assert len({c.klass for c in reference.cells}) >= 2
    key = [(c.box, c.klass, c.depth, c.baselines, c.reason, c.regimes, c.vacuity) for c in batch.cells]
    assert key == [(c.box, c.klass, c.depth, c.baselines, c.reason, c.regimes, c.vacuity) for c in reference.cells]
    assert (batch.evaluated, batch.levels) == (reference.evaluated, reference.levels)


def test_undecided_premise_is_never_read_as_true(paper) -> None:  # type: ignore[no-untyped-def]
    # phi0 free in [0, 1]: '0 < phi0' is undecided on the cell touching 0, which must stay undetermined
    prob = problem(paper, "R1", ["phi0=0:1", "eta=1/10:1/2"], fix=["H=2", "L=3"])
    rmap = pave(prob, depth=6, backend="batch")
    touching = [c for c in rmap.cells if c.box[0][0] == 0]
    assert touching and all(c.klass is CellClass.UNDETERMINED for c in touching)


def test_depth_zero_is_one_cell(paper) -> None:  # type: ignore[no-untyped-def]
    prob = problem(paper, "R2", ["eta=1/1000:1:log", "L=1:64"])
    rmap = pave(prob, depth=0)
    assert len(rmap.cells) == 1 and rmap.cells[0].klass is CellClass.UNDETERMINED


def test_integer_point_cells_and_log_midpoints(paper) -> None:  # type: ignore[no-untyped-def]
    prob = problem(paper, "R1", ["eta=1/1000:1:log", "L=1:4"])
    rmap = pave(prob, depth=12)
    assert any(c.box[1][0] == c.box[1][1] for c in rmap.cells)
    # the first log split of [1/1000, 1] is at (a float near) sqrt(1/1000)
    ends = {c.box[0][1] for c in rmap.cells} | {c.box[0][0] for c in rmap.cells}
    assert any(abs(float(e) - 1000 ** -0.5) < 1e-12 for e in ends)


def test_projected_axis_is_never_split(paper) -> None:  # type: ignore[no-untyped-def]
    axes = [parse_axis("eta=1/1000:1:log", paper), parse_axis("L=1:16", paper),
            parse_axis("H=1:8", paper, split=False)]
    prob = build_problem(paper, "R2", axes, {k: v for k, v in (parse_fix(s, paper) for s in FIX[1:5])})
    rmap = pave(prob, depth=8)
    assert all(c.box[2] == (Fraction(1), Fraction(8)) for c in rmap.cells)


def test_bad_questions_are_input_errors(paper) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="give"):
        problem(paper, "R2", ["eta=0:1"], fix=["H=1"])
    with pytest.raises(InputError, match="log axis"):
        parse_axis("eta=0:1:log", paper)
    with pytest.raises(InputError, match="not a parameter"):
        parse_axis("zeta=0:1", paper)
    with pytest.raises(InputError, match="integer"):
        parse_fix("L=1.5", paper)
    with pytest.raises(InputError, match="no node"):
        problem(paper, "R9", ["eta=0:1"])


def test_cli_regimes_json_and_plot(run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    png = tmp_path / "map.png"
    code, out, err = run_cli("regimes", "R2", "--paper", str(TOY), "--depth", "8", "--json",
                             "--plot", str(png), "--regime", "fast-attention", "--fix", "c=1", "--fix", "n=4096")
    assert code == 0, err
    data = json.loads(out)
    assert data["params"] == ["eta", "L"]
    assert set(data["fractions"]) == {c.value for c in CellClass}
    assert data["seconds"] >= 0 and data["cells"]
    cell = data["cells"][0]
    assert set(cell["box"]) == {"eta", "L"} and cell["class"] in data["fractions"]
    assert "combined" in cell
    assert png.stat().st_size > 10_000


def test_cli_regimes_scalar_svg(run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    svg = tmp_path / "map.svg"
    code, out, err = run_cli("regimes", "Theorem 5.3", "--paper", str(TOY), "--depth", "6",
                             "--backend", "scalar", "--plot", str(svg))
    assert code == 0, err
    assert "premises-fail" in out and svg.read_text().startswith("<?xml")


def test_cli_regimes_errors(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = run_cli("regimes", "R1", "--paper", str(TOY), "--param", "eta=1:0")
    assert code == 3 and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("regimes", "R1", "--paper", str(TOY), "--plot", "x.gif", "--depth", "1")
    assert code == 3 and ".png" in err
    code, _, err = run_cli("regimes", "R1", "--paper", str(TOY), "--regime", "warp-speed")
    assert code == 3 and "unknown regime" in err


def test_sums_of_layer_dependent_length_on_the_bundled_paper() -> None:
    """R2 of alman-song-2025 is a Sum over j < L: enclosed as a hull over the L
    values of a cell. Same classes on both backends; classes hold at sampled points."""
    paper = load_paper("alman-song-2025")
    ann = load_annotations(paper)
    axes = [parse_axis(s, paper, ann) for s in ("eta=1/10000:1/10:log", "L=1:6")]
    fixed = dict(parse_fix(s, paper, ann) for s in ["H=8", "phi0=1", "d=16", "k=16", "beta=1/4", "c=1", "n=65536"])
    prob = build_problem(paper, "R2", axes, fixed, ("fast-attention",), ann)
    batch = pave(prob, depth=7, backend="batch")
    scalar = pave(prob, depth=7, backend="scalar")
    assert [(c.box, c.klass, c.regimes) for c in batch.cells] == [(c.box, c.klass, c.regimes) for c in scalar.cells]
    fr = batch.fractions()
    assert fr["informative"] > 0.1 and fr["vacuous"] > 0.1
    # decided before L is split down to points: the hull over L values works
    assert any(c.box[1][0] < c.box[1][1] and c.klass is not CellClass.UNDETERMINED for c in batch.cells)
    rng = random.Random(11)
    for cell in batch.cells:
        if cell.klass is not CellClass.UNDETERMINED:
            for point in _points(batch, cell, rng, 2):
                _check_cell(batch, cell, point)


@pytest.mark.parametrize(
    "lo, hi", [(Fraction(1), Fraction(64)), (Fraction(-7), Fraction(10**6)), (Fraction(1, 2), Fraction(9)),
               (Fraction(1, 3), Fraction(70))]
)
def test_axis_split_keeps_exact_ends_floats_and_widths(lo: Fraction, hi: Fraction) -> None:
    # a split computes its halves' floats and widths from ints (integer axes) or the
    # float a log midpoint was made from; they must equal the exact rounding and
    # width_of of the Fraction ends; premises bounding the axis by a rational are decided
    # on each node as _exact_code decides them on its Fraction ends
    import numpy as np

    from boundprop.interval.scalar import rational_bounds
    from boundprop.maps import Axis
    from boundprop.regimes import _AxisTree

    # integer axes have integral ends (parse_axis rounds them inward)
    L, eta, pos = sp.Symbol("L", integer=True), sp.Symbol("eta"), abs(lo) + Fraction(1, 10**4)
    ilo, ipos = Fraction(math.ceil(lo)), Fraction(math.ceil(pos))
    for axis in (Axis("L", L, ilo, hi, integer=True), Axis("L", L, ipos, hi, integer=True, log=True),
                 Axis("eta", eta, pos, hi, log=True), Axis("eta", eta, lo, hi), Axis("eta", eta, pos, hi)):
        tree = _AxisTree(axis, [("<=", Fraction(1, 3)), None, ("<", Fraction(5)), (">=", Fraction(17, 4)),
                                (">", Fraction(3, 4)), ("<=", 10 * hi)])
        _check_tree_floats(tree, rational_bounds, np)
        _check_tree_bisects(tree, axis)


def _check_tree_bisects(tree, axis) -> None:  # type: ignore[no-untyped-def]
    # the ends a tree keeps as floats or ints (see regimes.Num) are the exact
    # bisection points, worked out here in Fractions only
    for node in range(tree.size):
        left = tree.left[node]
        if left < 0:
            continue
        (a, b), (la, lb), (ra, rb) = tree.box(node), tree.box(left), tree.box(tree.right[node])
        if axis.integer:
            k = min(max(math.floor(math.sqrt(a * b)), a), b - 1) if axis.log else (a + b) // 2
            assert (la, lb, ra, rb) == (a, k, k + 1, b), node
            continue
        m = (a + b) / 2
        if axis.log and Fraction(math.sqrt(float(a) * float(b))) not in (a, b):
            m = Fraction(math.sqrt(float(a) * float(b)))
        assert (la, lb, ra, rb) == (a, m, m, b) and all(type(e) is Fraction for e in (la, lb, ra, rb)), node


def _check_tree_floats(tree, rational_bounds, np) -> None:  # type: ignore[no-untyped-def]
    from boundprop.regimes import _exact_code

    nodes = np.array([0])
    for _ in range(12):  # split what pave would split: nodes of positive width
        nodes = nodes[np.array([tree.width[i] > 0 for i in nodes], dtype=bool)]
        if not nodes.size:
            break
        left, right = tree.split(nodes)
        nodes = np.concatenate([left, right])
    assert tree.size >= 15
    boxes = tree.fraction_ends(np.arange(tree.size))
    for node in range(tree.size):
        a, b = tree.end(node)
        assert (a, b) == (boxes[0][node], boxes[1][node]) == tree.box(node), node
        assert tree.flo[node] == rational_bounds(a)[0] and tree.fhi[node] == rational_bounds(b)[1], node
        assert tree.width[node] == tree.width_of(a, b), node
        for i, bound in enumerate(tree.exact):
            want = -1 if bound is None else _exact_code((0, *bound), ((tree.box(node)),))
            assert tree.codes[i, node] == want, (node, bound)
        # a plain node's ends are floats (ints on integer axes) exactly
        assert not tree.plain[node] or {type(a), type(b)} == {int if tree.axis.integer else float}, node


def test_constant_subexpressions_fold_to_the_same_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    # the batched context evaluates box-independent nodes (sqrt(log(65536)), exp(2)/3) once at
    # compile time; the enclosures must be bit for bit those of evaluating them on every box
    import numpy as np

    import boundprop.interval.batched as batched

    x, L = sp.Symbol("x"), sp.Symbol("L", integer=True)
    exprs = [x * sp.sqrt(sp.log(65536)) - sp.exp(2) / 3, (x + sp.log(3)) ** L - sp.Min(sp.pi, sp.sqrt(2)) * x,
             sp.Abs(sp.log(sp.Rational(1, 7))) * x ** 3 + sp.floor(sp.exp(sp.Rational(5, 2)))]
    rng = np.random.default_rng(4)
    lo = np.column_stack([rng.uniform(-2, 2, 200), rng.integers(0, 9, 200).astype(float)])
    hi = lo + np.column_stack([rng.uniform(0, 0.5, 200), np.zeros(200)])
    folded = [batched.compile_batched(e, [x, L])(lo, hi) for e in exprs]
    assert isinstance(batched.BatchedContext().rational_pow(batched.BatchedContext().const(sp.Integer(2)),
                                                            sp.Rational(1, 2)), batched._Const)
    monkeypatch.setattr(batched, "_folded", lambda f, parts: f)
    plain = [batched.compile_batched(e, [x, L])(lo, hi) for e in exprs]
    for (a, b), (c, d) in zip(folded, plain, strict=True):
        assert np.array_equal(a, c, equal_nan=True) and np.array_equal(b, d, equal_nan=True)
