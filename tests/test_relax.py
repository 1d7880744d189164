"""The operator relaxations of boundprop.relax enclose their operator (zero tolerance).

Every check is exact: points are rationals, ``e^x`` is replaced by its rational
bounds on the side that makes the check harder (the lower plane must lie below
the *lower* bound of e^x, the upper plane above its *upper* bound)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from boundprop.errors import InputError
from boundprop.relax import concretize, exp_bounds, exp_relax, mul_relax, recip_relax, softmax_relax

F = Fraction
BOXES = [(F(-3), F(-2)), (F(-1, 2), F(1, 2)), (F(0), F(1, 1000)), (F(-5, 3), F(7, 4)), (F(2), F(9, 2)),
         (F(1, 3), F(1, 3))]


def _points(lo: Fraction, hi: Fraction, rng: random.Random, count: int = 40) -> list[Fraction]:
    inner = [lo + (hi - lo) * F(rng.randint(0, 1000), 1000) for _ in range(count)]
    return [lo, hi, (lo + hi) / 2, *inner]


def test_exp_bounds_bracket_exp_and_are_tight() -> None:
    import math

    for t in (F(-7), F(-1, 3), F(0), F(1, 7), F(1), F(5, 2), F(9)):
        lo, hi = exp_bounds(t)
        assert lo <= hi and hi - lo < F(1, 10**6) * max(1, hi)
        assert float(lo) <= math.exp(float(t)) * (1 + 1e-12) and float(hi) >= math.exp(float(t)) * (1 - 1e-12)


@pytest.mark.parametrize("box", BOXES)
def test_exp_relax_encloses_exp(box: tuple[Fraction, Fraction]) -> None:
    rel = exp_relax(*box)
    for x in _points(*box, random.Random(1)):
        lo, hi = exp_bounds(x)
        assert rel.lower.at([x]) <= lo
        assert rel.upper.at([x]) >= hi


def test_exp_relax_lower_is_the_tangent_below_everywhere() -> None:
    # the tangent plane is valid off the box too (the proof does not use the box)
    rel = exp_relax(F(1), F(3))
    for x in (F(-20), F(-1), F(0), F(5), F(8)):
        assert rel.lower.at([x]) <= exp_bounds(x)[0]


@pytest.mark.parametrize("box", [(F(1, 10), F(3)), (F(2), F(2)), (F(1), F(100)), (F(7, 3), F(11, 4))])
def test_recip_relax_encloses_reciprocal(box: tuple[Fraction, Fraction]) -> None:
    rel = recip_relax(*box)
    for s in _points(*box, random.Random(2)):
        assert rel.lower.at([s]) <= 1 / s <= rel.upper.at([s])


def test_recip_relax_rejects_nonpositive() -> None:
    with pytest.raises(InputError, match="positive"):
        recip_relax(F(0), F(1))


@pytest.mark.parametrize("xy", [((F(-1), F(2)), (F(-3), F(-1, 2))), ((F(0), F(1)), (F(0), F(1))),
                                ((F(-5, 2), F(-1)), (F(1, 3), F(4)))])
def test_mul_relax_encloses_product(xy: tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]) -> None:
    x, y = xy
    rng = random.Random(3)
    planes = mul_relax(x, y)
    for a in _points(*x, rng, 15):
        for b in _points(*y, rng, 15):
            for rel in planes:
                assert rel.lower.at([a, b]) <= a * b <= rel.upper.at([a, b])
    # McCormick is exact at the corners of the box
    for a in x:
        for b in y:
            assert max(rel.lower.at([a, b]) for rel in planes) == a * b == min(rel.upper.at([a, b]) for rel in planes)


def _softmax_bounds(z: list[Fraction], j: int) -> tuple[Fraction, Fraction]:
    e = [exp_bounds(v) for v in z]
    return e[j][0] / sum(hi for _, hi in e), e[j][1] / sum(lo for lo, _ in e)


@pytest.mark.parametrize("box", [[(F(-1, 4), F(1, 4))] * 3, [(F(-2), F(1)), (F(0), F(1, 2))],
                                 [(F(-1), F(-1, 2)), (F(1, 5), F(3, 5)), (F(-3, 2), F(2)), (F(0), F(0))]])
def test_softmax_relax_encloses_each_entry(box: list[tuple[Fraction, Fraction]]) -> None:
    rng = random.Random(4)
    rels = [softmax_relax(box, j) for j in range(len(box))]
    for _ in range(60):
        z = [lo + (hi - lo) * F(rng.randint(0, 64), 64) for lo, hi in box]
        for j, rel in enumerate(rels):
            lo, hi = _softmax_bounds(z, j)
            assert rel.lower.at(z) <= lo and rel.upper.at(z) >= hi
    corners = [[box[k][(mask >> k) & 1] for k in range(len(box))] for mask in range(2 ** len(box))]
    for z in corners:
        for j, rel in enumerate(rels):
            lo, hi = _softmax_bounds(z, j)
            assert rel.lower.at(z) <= lo and rel.upper.at(z) >= hi


def test_softmax_relax_is_informative_on_small_logits() -> None:
    # near uniform logits every entry is near 1/n: the concretized bounds are close to it
    box = [(F(-1, 100), F(1, 100))] * 4
    lo, _ = concretize(softmax_relax(box, 0).lower, box)
    _, hi = concretize(softmax_relax(box, 0).upper, box)
    assert F(1, 4) - F(1, 50) < lo < F(1, 4) < hi < F(1, 4) + F(1, 50)


def test_concretize_is_exact_for_affine() -> None:
    from boundprop.relax import Affine

    f = Affine((F(2), F(-3)), F(1))
    assert concretize(f, [(F(-1), F(1)), (F(0), F(2))]) == (F(-7), F(3))
