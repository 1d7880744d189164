"""Typed norms (issue 16, item 1): bounds are compared only in one norm.

R2 of Alman & Song is an N1 bound; its baselines are the N1 zero-layer network and trivial
bound (the N2 ones are not valid under N1 hypotheses). ``boundprop compare`` gives the N2
theorems N2 hypotheses through the proved conversion ||A||_N2 <= d ||A||_N1, and its JSON
names every theorem's and baseline's norm.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from boundprop.check import check_paper
from boundprop.compare import Assumptions, compare, comparison_json
from boundprop.errors import InputError
from boundprop.interval import truth_at_point
from boundprop.loader import load_paper
from boundprop.norms import Norm, conversion, norm_of_variant, require_same_norm
from boundprop.propagate import expand_finite_sums, load_annotations, theorem_bound
from boundprop.regimes import build_problem, parse_axis, parse_fix, pave
from boundprop.statement import Budget
from boundprop.verdict import Status, Tri

FIX_R2 = {"H": 8, "phi0": 1, "d": 16, "k": 16, "beta": sp.Rational(1, 4)}


@pytest.fixture(scope="module")
def paper():  # type: ignore[no-untyped-def]
    return load_paper("alman-song-2025")


def _bound(paper, node_id: str, values: dict[str, object]) -> sp.Expr:  # type: ignore[no-untyped-def]
    _, bound = theorem_bound(paper, paper.nodes[node_id])
    sub = {s: values[s.name] for s in bound.free_symbols if s.name in values}
    return sp.sympify(expand_finite_sums(bound.xreplace(sub))).doit()


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_n2_zero_layer_baseline_fails_under_n1_hypotheses(paper) -> None:  # type: ignore[no-untyped-def]
    """W_V = eta 11^T, X = phi0 11^T (entries at most eta, phi0): one residual layer of H heads
    moves X by H d eta phi0 in every entry, above the N2 baseline and equal to the N1 one."""
    n, d, k, heads = 3, 4, 2, 2
    eta, phi0 = 0.1, 0.5
    rng = np.random.default_rng(0)
    x = phi0 * np.ones((n, d))
    w_v = eta * np.ones((d, d))
    out = x.copy()
    for _ in range(heads):
        w_q, w_k = (rng.uniform(-eta, eta, (d, k)) for _ in range(2))
        out += _softmax(x @ w_q @ w_k.T @ x.T) @ x @ w_v
    err = np.abs(out - x).max()
    assert err == pytest.approx(heads * d * eta * phi0, rel=1e-12)
    values = {"H": heads, "d": d, "eta": sp.Rational(1, 10), "phi0": sp.Rational(1, 2), "L": 1}
    n2 = float(_bound(paper, "B-zero-layer", values))
    n1 = float(_bound(paper, "B-zero-layer-N1", values))
    assert err > n2 * 1.5  # the N2 baseline is not a bound under N1 hypotheses
    assert err == pytest.approx(n1, rel=1e-12)  # the N1 baseline is tight here


def test_nodes_carry_their_norms(paper) -> None:  # type: ignore[no-untyped-def]
    norms = {nid: norm_of_variant(paper.nodes[nid].variant) for nid in
             ("R1", "R2", "Theorem 5.3", "B-zero-layer", "B-trivial", "B-zero-layer-N1", "B-trivial-N1")}
    assert norms == {"R1": Norm.N2, "R2": Norm.N1, "Theorem 5.3": Norm.N2, "B-zero-layer": Norm.N2,
                     "B-trivial": Norm.N2, "B-zero-layer-N1": Norm.N1, "B-trivial-N1": Norm.N1}
    for theorem in ("R1", "R2", "Theorem 5.3"):
        node = paper.nodes[theorem]
        assert {norm_of_variant(paper.nodes[b].variant) for b in node.baselines} == {norms[theorem]}


def test_conversion_nodes_are_proved_at_small_sizes(paper) -> None:  # type: ignore[no-untyped-def]
    ids = [c.node for c in (conversion(Norm.N2, Norm.N1), conversion(Norm.N1, Norm.N2)) if c]
    assert ids == ["NORM-N1-N2", "NORM-N2-N1"]
    sub = replace(paper, nodes={i: paper.nodes[i] for i in ids}, proofs={})
    report = check_paper(sub, Budget())
    assert {i: report.nodes[i].status for i in ids} == {i: Status.PROVED_BOUNDED for i in ids}


def test_cross_norm_comparison_is_refused() -> None:
    with pytest.raises(InputError, match="N1 but baseline 'B' is in N2"):
        require_same_norm("T", Norm.N1, "baseline 'B'", Norm.N2)
    require_same_norm("T", Norm.N1, "baseline 'B'", None)  # untyped bounds pass


def test_regimes_refuse_a_baseline_in_another_norm(lemma_file: Callable[..., Path],
                                                   run_cli: Callable[..., tuple[int, str, str]]) -> None:
    path = lemma_file("""
        [[node]]
        id = "T"
        variant = "N1"
        kind = "theorem"
        provenance = "paper"
        conclusion = "x <= 2*L"
        baselines = ["B"]

        [[node]]
        id = "B"
        variant = "N2"
        kind = "baseline"
        provenance = "reconstruction"
        conclusion = "x <= L"
    """)
    p = load_paper(path)
    with pytest.raises(InputError, match="bounds in different norms are not comparable"):
        build_problem(p, "T", [parse_axis("L=1:4", p)], {})
    code, _, err = run_cli("regimes", "T", "--paper", str(path), "--param", "L=1:4", "--depth", "2")
    assert code == 3 and len(err.strip().splitlines()) == 1 and "N2" in err


def test_r2_map_is_norm_matched_and_says_so(paper) -> None:  # type: ignore[no-untyped-def]
    ann = load_annotations(paper)
    spec = ann.maps["R2"]
    axes = [parse_axis(a, paper, ann) for a in spec.params]
    fixed = dict(parse_fix(f, paper, ann) for f in spec.fix)
    prob = build_problem(paper, "R2", axes, fixed, annotations=ann)
    assert prob.norm == "N1"
    assert [(b.id, b.norm) for b in prob.baselines] == [("B-zero-layer-N1", "N1"), ("B-trivial-N1", "N1")]
    rmap = pave(prob, depth=12)
    data = rmap.to_json()
    assert data["norm"] == "N1" and data["baseline_norms"] == {"B-zero-layer-N1": "N1", "B-trivial-N1": "N1"}
    # at L = 1 informative cells reach beyond the N2 baseline's edge 5.4e-3 (the edge: 1.84e-2)
    assert any(c.klass.value == "informative" and c.box[1][0] == 1 and c.box[0][1] > Fraction(1, 100)
               for c in rmap.cells)


@pytest.mark.parametrize(("depth", "inside", "outside"), [
    (1, Fraction(183, 10000), Fraction(185, 10000)),  # edge 1.840e-2
    (64, Fraction(499, 1000000), Fraction(502, 1000000)),  # edge 5.007e-4
])
def test_r2_informative_edge(paper, depth: int, inside: Fraction, outside: Fraction) -> None:  # type: ignore[no-untyped-def]
    values = dict(FIX_R2, L=depth)
    r2 = _bound(paper, "R2", values)
    base = _bound(paper, "B-zero-layer-N1", values)
    (eta,) = (r2 - base).free_symbols
    below = sp.StrictLessThan(r2, base)
    assert truth_at_point(below, {eta: sp.Rational(inside.numerator, inside.denominator)}) is Tri.TRUE
    assert truth_at_point(below, {eta: sp.Rational(outside.numerator, outside.denominator)}) is Tri.FALSE


def test_compare_uses_n2_hypotheses_for_n2_theorems() -> None:
    a = Assumptions()
    eta, heads, depth = Fraction(1, 100), 2, 3
    v = compare([eta], [heads], [depth], a).points[0]
    e2, p2 = max(a.d, a.k) * eta, a.d * a.phi0  # ||W||_N2 <= 4 eta, ||X||_N2 <= 4 phi0
    r1 = 2 * depth * heads * e2 * p2 * (1 + heads * e2) ** (depth - 1)
    zero2 = ((1 + heads * e2) ** depth - 1) * p2
    assert v.r1_bound == pytest.approx(float(r1), rel=1e-6)
    assert v.baseline == pytest.approx(float(zero2), rel=1e-6)


def test_compare_json_names_norms_and_architectures(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    data = comparison_json(compare([Fraction(1, 1000)], [1], [2]))
    theorems = {t["id"]: t for t in data["theorems"]}
    assert theorems["R1"]["norm"] == "N2" and theorems["Theorem 5.3"]["norm"] == "N2"
    assert theorems["R2"]["norm"] == "N1"
    assert [b["norm"] for b in theorems["R2"]["baselines"]] == ["N1", "N1"]
    assert [b["id"] for b in theorems["R2"]["baselines"]] == ["B-zero-layer-N1", "B-trivial-N1"]
    assert all(b["norm"] == "N2" for b in theorems["R1"]["baselines"])
    assert "no skip" in theorems["Dong Theorem 2.2"]["architecture"]
    assert "skip" in theorems["R1"]["architecture"]
    code, out, _ = run_cli("compare", "--eta", "1e-3:1e-2:2", "--heads", "1", "--depths", "1", "--json")
    assert code == 0 and {t["id"] for t in json.loads(out)["theorems"]} >= {"R1", "R2", "Theorem 5.3"}


def test_annotation_baselines_carry_a_norm(lemma_file: Callable[..., Path]) -> None:
    path = lemma_file("""
        [[node]]
        id = "T1"
        variant = "N1"
        kind = "theorem"
        provenance = "paper"
        conclusion = "x <= 2*L"

        [[node]]
        id = "T2"
        variant = "N2"
        kind = "theorem"
        provenance = "paper"
        conclusion = "x <= 3*L"
    """)
    ann = path.with_name("tmp.regimes.toml")
    ann.write_text('paper = "tmp"\n[[baseline]]\nid = "A2"\nbound = "L"\nnorm = "N2"\n', encoding="utf-8")
    p = load_paper(path)
    axes = [parse_axis("L=1:4", p)]
    # a typed baseline for every theorem applies to those of its norm only
    assert [b.id for b in build_problem(p, "T1", axes, {}).baselines] == []
    prob = build_problem(p, "T2", axes, {})
    assert [(b.id, b.norm) for b in prob.baselines] == [("A2", "N2")]
    # named for a theorem of another norm: refused
    ann.write_text('paper = "tmp"\n[[baseline]]\nid = "A2"\nbound = "L"\nnorm = "N2"\napplies_to = ["T1"]\n',
                   encoding="utf-8")
    with pytest.raises(InputError, match="not comparable"):
        build_problem(load_paper(path), "T1", axes, {})
    ann.write_text('paper = "tmp"\n[[baseline]]\nid = "A2"\nbound = "L"\nnorm = "N7"\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown norm 'N7'"):
        build_problem(load_paper(path), "T2", axes, {})
