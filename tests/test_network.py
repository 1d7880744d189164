"""Network-level statements (boundprop/network.py): exact vertex networks against an
independent reference, enclosures against real softmax networks, the check."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from boundprop.check import check_paper
from boundprop.errors import BoundpropError
from boundprop.loader import load_paper
from boundprop.network import NetworkSize, certify, check_network, network_error
from boundprop.statement import Budget
from boundprop.verdict import Status
from boundprop.witness.networks import Norm, Weights, collapsed, forward, norm, project

Mat = list[list[F]]


# ----------------------------------------------------------------- an independent reference


def _mul(a: Mat, b: Mat) -> Mat:
    return [[sum((a[i][k] * b[k][j] for k in range(len(b))), F(0)) for j in range(len(b[0]))] for i in range(len(a))]


def _plus(a: Mat, b: Mat, s: int = 1) -> Mat:
    return [[x + s * y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def _n2(a: Mat) -> F:
    return max(sum((abs(v) for v in row), F(0)) for row in a)


def reference_error(x: Mat, ps: list[list[Mat]], ws: list[list[Mat]], witness: str) -> F:
    """||S(X) - S'(X)|| (N2) from the definitions: residual layers with attention
    matrices ``ps[l][h]``; S' the identity or L-LIN's closed form."""
    n, d = len(x), len(x[0])
    state = x
    for pl, wl in zip(ps, ws, strict=True):
        update = [[F(0)] * d for _ in range(n)]
        for p, w in zip(pl, wl, strict=True):
            update = _plus(update, _mul(_mul(p, state), w))
        state = _plus(state, update)
    if witness == "identity":
        return _n2(_plus(state, x, -1))
    eye = [[F(int(i == j)) for j in range(d)] for i in range(d)]
    prod = eye
    for wl in ws:
        total = eye
        for w in wl:
            total = _plus(total, w)
        prod = _mul(prod, total)
    m = [[F(1, n)] * n for _ in range(n)]
    s_prime = _plus(x, _mul(_mul(m, x), _plus(prod, eye, -1)))
    return _n2(_plus(state, s_prime, -1))


def _vertex(width: int, k: int, radius: F) -> list[F]:
    j, sign = divmod(k, 2)
    return [radius * (1 - 2 * sign) if c == j else F(0) for c in range(width)]


def decode(size: NetworkSize, choice: list[int]) -> tuple[Mat, list[list[Mat]], list[list[Mat]]]:
    """The vertex network of ``choice`` in the block order of boundprop.network."""
    it = iter(choice)
    x = [_vertex(size.d, 2 * next(it) if i == 0 else next(it), size.phi0) for i in range(size.n)]
    ps: list[list[Mat]] = []
    ws: list[list[Mat]] = []
    for _ in range(size.L):
        ps.append([])
        ws.append([])
        for _ in range(size.H):
            ws[-1].append([_vertex(size.d, next(it), size.eta) for _ in range(size.d)])
            ps[-1].append([[F(int(j == next_j)) for j in range(size.n)] for next_j in
                           [next(it) for _ in range(size.n)]])
    return x, ps, ws


def _choices(size: NetworkSize) -> list[int]:
    counts = [size.d] + [2 * size.d] * (size.n - 1)
    for _ in range(size.L * size.H):
        counts += [2 * size.d] * size.d + [size.n] * size.n
    return counts


SIZES = [(2, 1, 1, 2), (2, 2, 1, 1), (3, 2, 2, 2), (3, 1, 2, 3)]


@pytest.mark.parametrize("witness", ["identity", "l-lin"])
@pytest.mark.parametrize("dims", SIZES)
def test_vertex_networks_match_the_reference(witness: str, dims: tuple[int, int, int, int]) -> None:
    size = NetworkSize(*dims, eta=F(1, 3), phi0=F(2), witness=witness)
    rng = random.Random(7)
    for _ in range(15):
        choice = [rng.randrange(c) for c in _choices(size)]
        assert network_error(size, choice) == reference_error(*decode(size, choice), witness)


@pytest.mark.parametrize("witness", ["identity", "l-lin"])
def test_search_closes_at_the_brute_force_maximum(witness: str) -> None:
    size = NetworkSize(2, 1, 1, 2, eta=F(1, 2), phi0=F(1), witness=witness)
    brute = max(network_error(size, list(c)) for c in itertools.product(*(range(k) for k in _choices(size))))
    res = certify(size, max_nodes=10_000)
    assert res.exact and res.upper == res.lower == brute


def _softmax_networks(dims: tuple[int, int, int, int], eta: float, phi0: float, count: int, seed: int):  # type: ignore[no-untyped-def]
    n, d, h, layers = dims
    rng = np.random.default_rng(seed)
    x = project(rng.normal(size=(count, n, d)) * 2 * phi0, Norm.N2, phi0)
    wv = project(rng.normal(size=(count, layers, h, d, d)) * 2 * eta, Norm.N2, eta)
    wq = rng.normal(size=(count, layers, h, d, 1)) * 3  # any W_Q, W_K: the relaxation covers them
    wk = rng.normal(size=(count, layers, h, d, 1)) * 3
    return x, Weights(wq, wk, wv)


@pytest.mark.parametrize("dims", [(2, 1, 1, 2), (3, 2, 2, 2), (3, 2, 2, 3)])
def test_certified_upper_bounds_real_softmax_networks(dims: tuple[int, int, int, int]) -> None:
    eta, phi0 = F(1, 4), F(1)
    x, weights = _softmax_networks(dims, float(eta), float(phi0), 400, seed=3)
    out = forward(x, weights, beta=2.0)
    for witness, other in (("identity", x), ("l-lin", collapsed(x, weights))):
        measured = float(norm(out - other, Norm.N2).max())
        res = certify(NetworkSize(*dims, eta=eta, phi0=phi0, witness=witness), max_nodes=400)
        assert measured <= float(res.upper) * (1 + 1e-12)
        assert res.lower <= res.upper


NODE = '''
[[node]]
id = "NET"
provenance = "reconstruction"
conclusion = "{conclusion}"
ranges = {{ eta = ["1/2", "1/2"], phi0 = ["1", "1"] }}
sizes = {{ n = [2, 2], d = [1, 1], H = [1, 1], L = [1, 2] }}
network = {{ witness = "{witness}", norm = "N2"{extra} }}
'''


def _paper(tmp_path: Path, conclusion: str, witness: str = "identity", extra: str = ""):  # type: ignore[no-untyped-def]
    toy = Path(__file__).parent / "data" / "toy_collapse.toml"
    path = tmp_path / "toy_net.toml"
    path.write_text(toy.read_text() + NODE.format(conclusion=conclusion, witness=witness, extra=extra))
    return load_paper(path)


def test_check_proves_a_true_bound_and_never_a_false_one(tmp_path: Path) -> None:
    paper = _paper(tmp_path, "err <= ((1 + H*eta)**L - 1)*phi0")  # the exact worst case of the relaxation
    report = check_paper(paper)
    assert report.nodes["NET"].status is Status.PROVED_BOUNDED
    assert report.nodes["NET"].method == "network-bnb"
    # just below the worst case (reached by X = 1 1^T phi0, W_V = eta at L = 1, whatever the
    # attention): never proved, and refuted by a softmax network re-verified in intervals
    tight = _paper(tmp_path, "err <= ((1 + H*eta)**L - 1)*phi0 - 1/1000")
    result = check_network(tight, tight.nodes["NET"], Budget())
    assert result.status is Status.REFUTED
    assert "refuted at n=2,d=1,H=1,L=1" in result.evidence
    _assert_counterexample(result.counterexample, "identity", "N2", F(1, 2) - F(1, 1000))


def _matrix(value: object) -> np.ndarray:
    assert isinstance(value, list)
    return np.array([[float(F(v)) for v in row] for row in value])


def _assert_counterexample(cex: object, witness: str, which: str, bound: F) -> None:
    """The counterexample satisfies every constraint exactly, and an independent float
    simulation of its network has an error above the bound."""
    assert isinstance(cex, dict)
    n, d, heads, layers = (int(cex[k]) for k in ("n", "d", "H", "L"))
    eta, phi0, beta = F(cex["eta"]), F(cex["phi0"]), F(cex["beta"])
    assert beta > 0

    def exact_norm(value: object) -> F:
        assert isinstance(value, list)
        rows = [[abs(F(v)) for v in row] for row in value]
        return max(max(r) for r in rows) if which == "N1" else max(sum(r, F(0)) for r in rows)

    assert exact_norm(cex["X"]) <= phi0
    shape = (1, layers, heads)
    wq = np.zeros(shape + (d, len(cex["W_Q[1,1]"][0])))
    wk, wv = np.zeros_like(wq), np.zeros(shape + (d, d))
    for layer in range(layers):
        for head in range(heads):
            names = [f"W_{m}[{layer + 1},{head + 1}]" for m in "QKV"]
            assert exact_norm(cex[names[2]]) <= eta
            if which == "N1":
                assert exact_norm(cex[names[0]]) <= eta and exact_norm(cex[names[1]]) <= eta
            wq[0, layer, head], wk[0, layer, head], wv[0, layer, head] = (_matrix(cex[m]) for m in names)
    x = _matrix(cex["X"])[None]
    weights = Weights(wq, wk, wv)
    other = x if witness == "identity" else collapsed(x, weights)
    assert float(norm(forward(x, weights, float(beta)) - other, Norm(which))[0]) > float(bound) * (1 + 1e-9)


def test_a_true_bound_the_search_cannot_prove_is_unknown_not_refuted(tmp_path: Path) -> None:
    # the exact worst case of the relaxation (5/4 at L = 2 for L-LIN, by a closed search) with
    # one enclosure per size (3/2 at L = 2): not proved, and no softmax network exceeds it
    paper = _paper(tmp_path, "err <= ((1 + H*eta)**L - 1)*phi0", witness="l-lin", extra=', nodes = "1"')
    result = check_network(paper, paper.nodes["NET"], Budget())
    assert result.status is Status.UNKNOWN
    assert "not proved at n=2,d=1,H=1,L=2" in result.evidence


def test_every_size_reports_bound_certified_upper_and_measured(tmp_path: Path) -> None:
    paper = _paper(tmp_path, "err <= 2*L*H*eta*phi0*(1 + H*eta)**(L - 1)", witness="l-lin")
    result = check_network(paper, paper.nodes["NET"], Budget())
    assert result.status is Status.PROVED_BOUNDED
    sizes = result.details["sizes"]
    assert set(sizes) == {"n=2,d=1,H=1,L=1", "n=2,d=1,H=1,L=2"}
    for row in sizes.values():
        lower, upper, bound = F(row["measured_lower"]), F(row["certified_upper"]), F(row["bound"])
        # a softmax network's rigorous error never exceeds the certified worst case
        assert 0 < lower <= upper <= bound
        assert row["measured"] == pytest.approx(float(lower), rel=1e-6)
        assert row["certified_over_bound"] == pytest.approx(float(upper / bound))


@pytest.mark.parametrize(("witness", "which"), [("identity", "N2"), ("l-lin", "N2"), ("l-lin", "N1"),
                                                ("identity", "N1")])
def test_point_error_encloses_the_float_simulation(witness: str, which: str) -> None:
    from boundprop.network import point_error
    from boundprop.witness.refute import Found, exact_point

    size = NetworkSize(3, 2, 2, 2, F(1, 4), F(1), witness, which, F(3, 2), 2)
    rng = np.random.default_rng(11)
    for _ in range(5):
        x = project(rng.normal(size=(1, 3, 2)), Norm(which), 1.0)
        wv = project(rng.normal(size=(1, 2, 2, 2, 2)), Norm(which), 0.25)
        qk = project(rng.normal(size=(2, 1, 2, 2, 2, 2)), Norm(which), 0.25)
        found = Found(0.0, x[0], Weights(qk[0], qk[1], wv), 1.5)
        xe, we = exact_point(found, Norm(which), F(1, 4), F(1), F(1, 4))
        lo, hi = point_error(size, xe, we, F(3, 2))
        xs = _matrix([[str(v) for v in row] for row in xe])[None]
        ws = Weights(*(np.array([[[_matrix([[str(v) for v in row] for row in we[lay][h][m]])
                                   for h in range(2)] for lay in range(2)]]) for m in range(3)))
        other = xs if witness == "identity" else collapsed(xs, ws)
        value = float(norm(forward(xs, ws, 1.5) - other, Norm(which))[0])
        assert float(lo) <= value * (1 + 1e-12) and value <= float(hi) * (1 + 1e-12)
        assert float(hi - lo) < 1e-9


@pytest.mark.parametrize(
    ("witness", "extra", "ranges", "message"),
    [
        ("softmax", "", None, "unknown witness"),
        ("identity", ', nodes = "many"', None, "network.nodes"),
        ("identity", "", '["0", "oo"]', "give eta a finite range"),
    ],
)
def test_bad_network_tables_are_input_errors(
    tmp_path: Path, witness: str, extra: str, ranges: str | None, message: str
) -> None:
    paper = _paper(tmp_path, "err <= 1", witness, extra)
    if ranges is not None:
        text = (tmp_path / "toy_net.toml").read_text().replace('eta = ["1/2", "1/2"]', f"eta = {ranges}")
        (tmp_path / "toy_net.toml").write_text(text)
        paper = load_paper(tmp_path / "toy_net.toml")
    with pytest.raises(BoundpropError, match=message):
        check_network(paper, paper.nodes["NET"], Budget())


def test_unknown_network_key_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(BoundpropError, match="unknown key network.attention"):
        _paper(tmp_path, "err <= 1", extra=', attention = "any"')


@pytest.mark.parametrize("witness", ["identity", "l-lin"])
def test_more_search_never_loosens_the_certified_bound(witness: str) -> None:
    size = NetworkSize(2, 2, 1, 3, eta=F(1, 4), phi0=F(1), witness=witness)
    uppers = [certify(size, max_nodes=budget, dive=False).upper for budget in (1, 20, 80, 200)]
    assert uppers == sorted(uppers, reverse=True)
    assert certify(size, max_nodes=200).lower <= uppers[-1]


def test_exp_bounds_bracket_exp() -> None:
    from boundprop.relax import exp_bounds as _exp_bounds

    for t in (F(0), F(1, 16), F(1, 2), F(1), F(5, 2), F(8)):
        lo, hi = _exp_bounds(t)
        assert lo <= hi and float(lo) <= np.exp(float(t)) * (1 + 1e-15) and np.exp(float(t)) <= float(hi) * (1 + 1e-15)
        assert float(hi - lo) < 1e-6 * np.exp(float(t))


@pytest.mark.parametrize("dims", [(2, 1, 1, 2), (3, 2, 2, 2), (3, 2, 1, 3)])
def test_n1_enclosure_bounds_real_softmax_networks(dims: tuple[int, int, int, int]) -> None:
    from boundprop.network import certify_n1
    from boundprop.witness.networks import NetworkConfig, draw_inputs, draw_weights

    n, d, h, layers = dims
    size = NetworkSize(n, d, h, layers, eta=F(1, 4), phi0=F(1), witness="l-lin", norm="N1", beta=F(1), k=1)
    upper = float(certify_n1(size))
    cfg = NetworkConfig(n=n, d=d, k=1, H=h, L=layers, beta=1.0, eta=0.25, phi0=1.0, norm=Norm.N1)
    rng = np.random.default_rng(5)
    x, weights = draw_inputs(cfg, 3000, rng), draw_weights(cfg, 3000, rng)
    measured = float(norm(forward(x, weights, 1.0) - collapsed(x, weights), Norm.N1).max())
    assert 0 < measured <= upper
    # larger logits (a larger beta) can only loosen the enclosure, never make it smaller
    assert certify_n1(size) <= certify_n1(NetworkSize(n, d, h, layers, F(1, 4), F(1), "l-lin", "N1", F(2), 1))


def test_n1_node_never_proves_a_bound_below_a_measured_error(tmp_path: Path) -> None:
    node = NODE.replace('phi0 = ["1", "1"] }}', 'phi0 = ["1", "1"], beta = ["1", "1"] }}').replace(
        "H = [1, 1], L = [1, 2] }}", "H = [1, 1], L = [1, 2], k = [1, 1] }}")
    toy = Path(__file__).parent / "data" / "toy_collapse.toml"
    path = tmp_path / "toy_n1.toml"
    for conclusion, expected in (("err <= 1", Status.PROVED_BOUNDED), ("err <= 1/10000", Status.REFUTED)):
        path.write_text(toy.read_text() + node.format(conclusion=conclusion, witness="l-lin", extra="")
                        .replace('norm = "N2"', 'norm = "N1"'))
        paper = load_paper(path)
        result = check_network(paper, paper.nodes["NET"], Budget())
        assert result.status is expected
        if expected is Status.REFUTED:
            _assert_counterexample(result.counterexample, "l-lin", "N1", F(1, 10000))
    # 1/10000 is below an error softmax networks reach at n = 2, d = 1, H = 1, L = 1
    from boundprop.witness.networks import NetworkConfig, draw_inputs, draw_weights

    cfg = NetworkConfig(n=2, d=1, k=1, H=1, L=1, beta=1.0, eta=0.5, phi0=1.0, norm=Norm.N1)
    rng = np.random.default_rng(1)
    x, weights = draw_inputs(cfg, 2000, rng), draw_weights(cfg, 2000, rng)
    assert float(norm(forward(x, weights, 1.0) - collapsed(x, weights), Norm.N1).max()) > 1e-4


def test_n2_bound_may_not_depend_on_beta(tmp_path: Path) -> None:
    paper = _paper(tmp_path, "err <= 1 + beta")  # N2 statements hold for every beta: no value to use
    with pytest.raises(BoundpropError, match="not a number"):
        check_network(paper, paper.nodes["NET"], Budget())


@pytest.mark.parametrize("dims", [(4, 1, 1, 1), (5, 1, 2, 2), (6, 2, 1, 2)])
def test_softmax_by_sets_is_tighter_and_still_bounds_softmax_networks(dims: tuple[int, int, int, int]) -> None:
    """Regression: the per-entry softmax enclosure failed R2 at n = 4..6; the set bound must
    be at least as tight and still above every softmax network and the search's best."""
    from boundprop.network import _falsify, certify_n1
    from boundprop.witness.networks import NetworkConfig, draw_inputs, draw_weights

    n, d, h, layers = dims
    size = NetworkSize(n, d, h, layers, eta=F(1, 4), phi0=F(1), witness="l-lin", norm="N1", beta=F(1), k=1)
    sets, entries = certify_n1(size), certify_n1(size, by_sets=False)
    assert sets <= entries
    cfg = NetworkConfig(n=n, d=d, k=1, H=h, L=layers, beta=1.0, eta=0.25, phi0=1.0, norm=Norm.N1)
    rng = np.random.default_rng(2)
    x, weights = draw_inputs(cfg, 2000, rng), draw_weights(cfg, 2000, rng)
    # float rounding only: at L = 1 the enclosure is reached to 15 digits
    assert float(norm(forward(x, weights, 1.0) - collapsed(x, weights), Norm.N1).max()) <= float(sets) * (1 + 1e-12)
    _, lower, _, _ = _falsify(size, 32, 60, 0)
    assert 0 < lower <= sets


@pytest.mark.parametrize("witness", ["identity", "l-lin"])
def test_root_enclosure_is_the_search_root_at_every_radius(witness: str) -> None:
    import sympy as sp

    from boundprop.network import root_enclosure

    eta, phi0 = sp.symbols("eta phi0")
    for dims in [(2, 1, 1, 2), (3, 2, 2, 3), (4, 3, 3, 4)]:
        for e, p in ((F(1, 4), F(1)), (F(1, 3), F(2)), (F(0), F(1)), (F(7, 5), F(1, 9))):
            size = NetworkSize(*dims, eta=e, phi0=p, witness=witness)
            value = root_enclosure(size, eta, phi0).subs({eta: sp.Rational(e.numerator, e.denominator),
                                                          phi0: sp.Rational(p.numerator, p.denominator)})
            upper = certify(size, 1, dive=False).upper
            assert value == sp.Rational(upper.numerator, upper.denominator)


def _ranged(tmp_path: Path, conclusion: str, witness: str):  # type: ignore[no-untyped-def]
    paper = _paper(tmp_path, conclusion, witness)
    text = (tmp_path / "toy_net.toml").read_text().replace(
        'ranges = { eta = ["1/2", "1/2"], phi0 = ["1", "1"] }', 'ranges = { eta = ["0", "1/2"], phi0 = ["0", "1"] }')
    (tmp_path / "toy_net.toml").write_text(text)
    paper = load_paper(tmp_path / "toy_net.toml")
    return check_network(paper, paper.nodes["NET"], Budget())


@pytest.mark.parametrize(("conclusion", "witness"), [
    ("err <= ((1 + H*eta)**L - 1)*phi0", "identity"),  # the root enclosure itself: equality
    ("err <= 2*L*H*eta*phi0*(1 + H*eta)**(L - 1)", "l-lin"),
])
def test_ranged_radii_are_proved_for_the_whole_range(tmp_path: Path, conclusion: str, witness: str) -> None:
    result = _ranged(tmp_path, conclusion, witness)
    assert result.status is Status.PROVED_BOUNDED
    assert "eta in [0, 1/2], phi0 in [0, 1]" in result.evidence


def test_ranged_bound_false_inside_the_range_is_never_proved(tmp_path: Path) -> None:
    # true at eta = 1/2 (the upper end: 0.5 <= 0.84375 at L = 1, 1.25 <= 1.265625 at L = 2)
    # but false at small eta (0.01 > 0.00023 at L = 1, eta = 1/100, phi0 = 1): a point check
    # at the upper end alone would prove it
    result = _ranged(tmp_path, "err <= eta**2*(1 + H*eta)**L*phi0*9/4", "identity")
    assert result.status is Status.UNKNOWN


def test_the_search_depends_on_its_seed_and_budget_only() -> None:
    from boundprop.witness.networks import NetworkConfig
    from boundprop.witness.refute import search

    cfg = NetworkConfig(n=3, d=2, k=1, H=2, L=2, beta=4.0, eta=0.25, phi0=1.0, norm=Norm.N2, qk_eta=3.0)
    first, again = search(cfg, "l-lin", 16, 8, seed=3), search(cfg, "l-lin", 16, 8, seed=3)
    assert first.value == again.value and np.array_equal(first.x, again.x)
    # every candidate is feasible: the best one lies in the balls
    assert float(norm(first.x[None], Norm.N2)[0]) <= 1.0 and float(norm(first.weights.wv, Norm.N2).max()) <= 0.25


def test_n1_radii_must_be_points(tmp_path: Path) -> None:
    node = NODE.replace('eta = ["1/2", "1/2"], phi0 = ["1", "1"] }}',
                        'eta = ["0", "1/2"], phi0 = ["1", "1"], beta = ["1", "1"] }}')
    node = node.replace("H = [1, 1], L = [1, 2] }}", "H = [1, 1], L = [1, 2], k = [1, 1] }}")
    toy = Path(__file__).parent / "data" / "toy_collapse.toml"
    path = tmp_path / "toy_n1_range.toml"
    path.write_text(toy.read_text() + node.format(conclusion="err <= 1", witness="l-lin", extra="")
                    .replace('norm = "N2"', 'norm = "N1"'))
    paper = load_paper(path)
    with pytest.raises(BoundpropError, match="give eta one value"):
        check_network(paper, paper.nodes["NET"], Budget())


def test_check_json_carries_the_per_size_figures(tmp_path: Path) -> None:
    # the certified upper bound and the measured error of every size reach `check --json`, schema-valid
    import json

    import jsonschema

    from boundprop.report.data import paper_json

    paper = _paper(tmp_path, "err <= 2*L*H*eta*phi0*(1 + H*eta)**(L - 1)", witness="l-lin")
    data = paper_json(check_paper(paper))
    schema = json.loads((Path(__file__).parent.parent / "docs" / "schemas" / "check.json").read_text())
    jsonschema.validate(data, schema)
    net = next(n for n in data["nodes"] if n["id"] == "NET")
    sizes = net["details"]["sizes"]
    assert set(sizes) == {"n=2,d=1,H=1,L=1", "n=2,d=1,H=1,L=2"}
    assert all(F(r["measured_lower"]) <= F(r["certified_upper"]) <= F(r["bound"]) for r in sizes.values())


@pytest.mark.parametrize("dims", [(3, 1, 1, 1), (4, 2, 1, 2), (5, 1, 2, 2)])
def test_linear_softmax_spread_is_sound_and_never_loosens_the_n1_enclosure(dims: tuple[int, int, int, int]) -> None:
    """The affine softmax relaxation beside the set bound: the spread it gives is above the
    exact sum_j |p_j - 1/n| at sampled logits of its box (rational exp bounds), and taking
    the smaller spread never loosens certify_n1 nor drops it below a softmax network."""
    import random

    from boundprop.network import _falsify, _linear_spread, certify_n1
    from boundprop.relax import exp_bounds

    n, d, h, layers = dims
    size = NetworkSize(n, d, h, layers, eta=F(1, 2), phi0=F(1), witness="l-lin", norm="N1", beta=F(1), k=1)
    rows = [F(d)] * n
    spread = _linear_spread(size, F(d), rows)
    t = size.beta * size.eta**2 * d * d
    rng = random.Random(7)
    for _ in range(40):
        z = [t * F(rng.randint(-32, 32), 32) for _ in range(n)]
        e = [exp_bounds(v) for v in z]
        total_lo, total_hi = sum((a for a, _ in e), F(0)), sum((b for _, b in e), F(0))
        # p_j lies in [lo_j / total_hi, hi_j / total_lo]: |p_j - 1/n| is at least that
        # interval's distance from 1/n, so the sum of distances is a lower bound of the spread
        below = sum((max(F(0), lo / total_hi - F(1, n), F(1, n) - hi / total_lo) for lo, hi in e), F(0))
        assert below <= spread
    both = certify_n1(size, linear=True)
    assert both <= certify_n1(size)
    _, lower, _, _ = _falsify(size, 16, 20, 0)
    assert 0 < lower <= both


def test_n1_enclosure_stays_short_and_reportable_at_larger_sizes() -> None:
    """Regression: exact interval ends grew past Python's 4300-digit str limit at n = 8,
    d = 3, H = 2, L = 3, k = 2, so the check crashed writing the certified bound; the ends
    are now rounded outward to a 2^-64 grid, which only loosens the bound, by little."""
    from boundprop.network import certify_n1

    big = NetworkSize(8, 3, 2, 3, F(1, 4), F(1), "l-lin", "N1", F(1), 2)
    upper = certify_n1(big)
    assert upper.denominator <= 2**64 and len(str(upper)) < 100
    small = NetworkSize(3, 2, 2, 2, F(1, 4), F(1), "l-lin", "N1", F(1), 1)
    # and the bound keeps its value to the digits benchmarks/network_sizes.py printed before (2.2887)
    assert 2.2887 < float(certify_n1(small)) < 2.2888
