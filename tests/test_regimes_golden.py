"""Regime maps cell for cell against golden digests.

Each case's full cell list (exact boxes, classes, depths, baselines, reasons, regime
labels, vacuity theorems, in order) and its counts of cells evaluated and levels are
hashed; the digests were made with the paving of commit b4873f3 (one exact Python
split per tree node), before the tree and the cells were built in bulk. A change of
how cells are split, ordered or labelled shows here, on both backends, on real, log
and integer axes with binary and non-binary (1/10000) ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from test_regimes_fractions import BODY, HEADER

from boundprop.loader import load_paper
from boundprop.propagate import load_annotations
from boundprop.regimes import RegimeMap, build_problem, parse_axis, parse_fix, pave

TOY = Path(__file__).parent / "data" / "toy_collapse.toml"
TOY_FIX = ["H=4", "phi0=1", "d=4", "k=4", "beta=1", "c=1", "n=4096"]

# name: (paper, theorem, axes, fixed (None: the annotation file's map), regimes, depth)
CASES: dict[str, tuple[str, str, list[str], list[str] | None, tuple[str, ...], int]] = {
    "toy-R1": ("toy", "R1", ["eta=1/1000:1:log", "L=1:64"], TOY_FIX, ("fast-attention",), 11),
    "toy-R2": ("toy", "R2", ["eta=1/1000:1:log", "L=1:64"], TOY_FIX, ("fast-attention",), 11),
    "toy-T53": ("toy", "Theorem 5.3", ["eta=1/1000:1:log", "L=1:64"], TOY_FIX, ("fast-attention",), 11),
    "toy-R1-phi0": ("toy", "R1", ["eta=1/1000:1:log", "L=1:64", "phi0=0:1"], TOY_FIX, ("fast-attention",), 10),
    "toy-R1-linear": ("toy", "R1", ["phi0=0:1", "eta=1/10:1/2"], ["H=2", "L=3", *TOY_FIX[2:]], (), 8),
    "toy-R2-intlog": ("toy", "R2", ["eta=1/1000:1", "L=1:64:log"], TOY_FIX, (), 10),
    "alman-R1": ("alman-song-2025", "R1", [], None, ("fast-attention",), 14),
    "alman-R2": ("alman-song-2025", "R2", [], None, (), 16),
    "alman-R2-sums": ("alman-song-2025", "R2", ["eta=1/10000:1/10:log", "L=1:6"],
                      ["H=8", "phi0=1", "d=16", "k=16", "beta=1/4", "c=1", "n=65536"], ("fast-attention",), 7),
    "hoeffding-T-intlog": ("hoeffding", "T", ["m=10:10000000:log", "x=1/10000:1"], [], (), 14),
    "hoeffding-TR-log": ("hoeffding", "TR", ["mr=10:10000000:log", "x=1/10000:1:log"], [], (), 14),
    "hoeffding-T-int": ("hoeffding", "T", ["m=3:4000000", "x=1/10000:1:log"], [], (), 12),
    "hoeffding-TR-linear": ("hoeffding", "TR", ["mr=7/3:5000000", "x=1/10000:1"], [], (), 12),
}

# (cells, evaluated, levels, sha256 of the listing) per case, from the paving of commit b4873f3
GOLDEN: dict[str, tuple[int, int, int, str]] = {
    'toy-R1': (967, 1933, 12, '8a138f8545615b9abc9fd96a41d9944fb43b93b2f4ae7361464e3c4ffc1c11e6'),
    'toy-R2': (340, 679, 12, '4a528ea1bb218190c3aa42b1dcec569ab1412022cf71e8a97deb3b827700efc2'),
    'toy-T53': (226, 451, 12, 'b0462898b4187008a382412fcb2916e86c33506e1c36298f08cfef6e80a7935f'),
    'toy-R1-phi0': (1024, 2047, 11, 'b78dcafcbd475340d8928adca95a388313e5bed28ba4072857a5635ad4e03567'),
    'toy-R1-linear': (62, 123, 9, '0ca5aad47fb0488cd86563f27596b98bc88fbb9a41713e7cdf2187132e791688'),
    'toy-R2-intlog': (64, 127, 11, '70a2025a644470281083dc88d8e3b90889f82e15925e1561cc4d3b0bdf16d828'),
    'alman-R1': (308, 615, 15, '0428b20c70bb39f48366246852aa42c7f85d26416de5a89baa25c00ba5bd29a2'),
    'alman-R2': (689, 1377, 17, '75b7098e9bc621c4bb47738908619e0e3b03efe9f08eec337146e176fda210e5'),
    'alman-R2-sums': (47, 93, 8, 'ad1656126e9025d0a047419ad60bdd33c1a3ff6fec491a7e2430aca060d25155'),
    'hoeffding-T-intlog': (381, 761, 15, '914977e3c4f9851d4212e7d3e2163b2c740051714ea5f58b0040a5bbe128b5f8'),
    'hoeffding-TR-log': (305, 609, 15, '78e0cd3efb6d5bb2b146a58ecf61731877b284f5c07e7e579c8f7c2e2d5bc11c'),
    'hoeffding-T-int': (189, 377, 13, 'e2ed8c5978aef515b42e54ff58ea1e0d432d7c103c296aeb492f88f5d62b1945'),
    'hoeffding-TR-linear': (127, 253, 13, '65174b9685ab316443d16fd75f167264083373a655e7f5a17fbd4c2646ecd8f6'),
}


def listing(rmap: RegimeMap) -> str:
    """The map's cells, one line each, exactly (boxes as Fractions' str)."""
    lines = [f"evaluated {rmap.evaluated} levels {rmap.levels}"]
    for c in rmap.cells:
        box = " ".join(f"[{lo},{hi}]" for lo, hi in c.box)
        lines.append(f"{box} {c.klass.value} {c.depth} {c.baselines} {c.reason!r} {c.regimes} {c.vacuity}")
    return "\n".join(lines)


def paving(case: str, backend: str, hoeffding: Path | None) -> RegimeMap:
    name, theorem, params, fix, regimes, depth = CASES[case]
    paper = load_paper(TOY if name == "toy" else hoeffding if name == "hoeffding" else name)
    ann = load_annotations(paper)
    if fix is None:
        params, fix = list(ann.maps[theorem].params), list(ann.maps[theorem].fix)
    axes = [parse_axis(s, paper, ann) for s in params]
    names = {a.name for a in axes}
    fixed = dict(parse_fix(s, paper, ann) for s in fix if s.split("=")[0] not in names)
    return pave(build_problem(paper, theorem, axes, fixed, regimes, ann), depth=depth, backend=backend)


def summary(rmap: RegimeMap) -> tuple[int, int, int, str]:
    return (len(rmap.cells), rmap.evaluated, rmap.levels, hashlib.sha256(listing(rmap).encode()).hexdigest())


@pytest.mark.parametrize("case", sorted(CASES))
def test_batch_paving_is_the_golden_one(case: str, lemma_file: Callable[..., Path]) -> None:
    assert summary(paving(case, "batch", lemma_file(BODY, header=HEADER, name="hoeffding"))) == GOLDEN[case]


@pytest.mark.parametrize("case", ["toy-R1-phi0", "toy-R1-linear", "hoeffding-T-intlog", "hoeffding-TR-linear"])
def test_scalar_paving_is_the_golden_one(case: str, lemma_file: Callable[..., Path]) -> None:
    assert summary(paving(case, "scalar", lemma_file(BODY, header=HEADER, name="hoeffding"))) == GOLDEN[case]
