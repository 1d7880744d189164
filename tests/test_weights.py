"""`boundprop weights` and `regimes --model` (issue 16, item 6) on checkpoints written here.

No network, no torch: the safetensors files are written byte by byte (8-byte header
length, JSON header, raw little-endian data), the .npz files with numpy.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from boundprop.errors import InputError
from boundprop.weights import read_checkpoint, read_safetensors

RunCli = Callable[..., tuple[int, str, str]]


def write_safetensors(path: Path, tensors: dict[str, np.ndarray], bf16: tuple[str, ...] = ()) -> Path:
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    body = b""
    for name, array in tensors.items():
        if name in bf16:
            raw = (np.asarray(array, dtype="<f4").view("<u4") >> 16).astype("<u2").tobytes()
            dtype = "BF16"
        else:
            raw = np.asarray(array, dtype="<f4").tobytes()
            dtype = "F32"
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    text = json.dumps(header).encode("utf-8")
    path.write_bytes(struct.pack("<Q", len(text)) + text + body)
    return path


def _gpt2(d: int, layers: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for i in range(layers):
        # multiples of 1/8: exact in float32 and bfloat16
        out[f"h.{i}.attn.c_attn.weight"] = rng.integers(-8, 9, (d, 3 * d)) / 8
        out[f"h.{i}.attn.c_proj.weight"] = rng.integers(-8, 9, (d, d)) / 8
        out[f"h.{i}.ln_1.weight"] = np.ones(d)
    return out


def _expected_gpt2(w: np.ndarray, proj: np.ndarray, heads: int) -> dict[str, dict[str, float]]:
    d = w.shape[0]
    hd = d // heads
    q, k, v = w[:, :d], w[:, d:2 * d], w[:, 2 * d:]
    out: dict[str, dict[str, float]] = {}
    for name, mats in (("W_Q", [q[:, h * hd:(h + 1) * hd] for h in range(heads)]),
                       ("W_K", [k[:, h * hd:(h + 1) * hd] for h in range(heads)]),
                       ("W_V", [v[:, h * hd:(h + 1) * hd] @ proj[h * hd:(h + 1) * hd, :] for h in range(heads)])):
        out[name] = {
            "N1": max(float(np.abs(m).max()) for m in mats),
            "N2": max(float(np.abs(m).sum(axis=1).max()) for m in mats),
            "OP2": max(float(np.linalg.svd(m, compute_uv=False)[0]) for m in mats),
        }
    return out


def test_plain_npz_norms(tmp_path: Path) -> None:
    # layer 0: two heads; W_V of head 1 is diag(3, -5, 1): OP2 = 5, N2 = 5, N1 = 5
    wq = np.array([[[1, -2], [0, 1], [0.5, 0]], [[0, 0], [3, 1], [0, 0]]])
    wk = np.zeros((2, 3, 2))
    wv = np.stack([np.eye(3) / 2, np.diag([3.0, -5.0, 1.0])])
    path = tmp_path / "w.npz"
    np.savez(path, **{"layers.0.W_Q": wq, "layers.0.W_K": wk, "layers.0.W_V": wv,
                      "layers.1.W_Q": wq / 10, "layers.1.W_K": wk, "layers.1.W_V": wv / 10})
    model = read_checkpoint(path)
    assert (model.naming, model.heads, model.width, model.key_width, model.depth) == ("plain", 2, 3, 2, 2)
    first = model.layers[0].norms
    assert first["W_Q"] == {"N1": 3.0, "N2": 4.0, "OP2": pytest.approx(float(np.linalg.norm(wq[1], 2)))}
    assert first["W_V"] == {"N1": 5.0, "N2": 5.0, "OP2": pytest.approx(5.0)}
    assert model.layers[1].norms["W_V"]["N1"] == pytest.approx(0.5)
    assert model.eta("N1") == 5.0 and model.eta("OP2") == pytest.approx(5.0)


def test_gpt2_safetensors_split_into_heads_with_ov_product(tmp_path: Path) -> None:
    d, heads = 4, 2
    tensors = _gpt2(d, 3, seed=1)
    path = write_safetensors(tmp_path / "model.safetensors", tensors, bf16=("h.2.attn.c_attn.weight",))
    (tmp_path / "config.json").write_text(json.dumps({"n_head": heads, "n_embd": d}), encoding="utf-8")
    model = read_checkpoint(path)
    assert (model.format, model.naming, model.heads, model.width, model.key_width, model.depth) == (
        "safetensors", "gpt2", heads, d, d // heads, 3)
    for i, layer in enumerate(model.layers):
        expected = _expected_gpt2(tensors[f"h.{i}.attn.c_attn.weight"], tensors[f"h.{i}.attn.c_proj.weight"], heads)
        for name in ("W_Q", "W_K", "W_V"):
            assert layer.norms[name] == pytest.approx(expected[name], rel=1e-6), (i, name)
    # the raw tensors come back exactly (F32 and BF16)
    raw = read_safetensors(path)
    assert np.array_equal(raw["h.2.attn.c_attn.weight"], tensors["h.2.attn.c_attn.weight"])
    assert np.array_equal(raw["h.0.attn.c_proj.weight"], tensors["h.0.attn.c_proj.weight"])


def test_gpt2_needs_the_number_of_heads(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "m.safetensors", _gpt2(4, 1, seed=2))
    with pytest.raises(InputError, match="config.json"):
        read_checkpoint(path)
    assert read_checkpoint(path, heads=4).key_width == 1
    with pytest.raises(InputError, match="not a multiple"):
        read_checkpoint(path, heads=3)


@pytest.mark.parametrize(("content", "message"), [
    (b"\x01\x00", "shorter than"),
    (struct.pack("<Q", 999) + b"{}", "exceeds the file"),
    (struct.pack("<Q", 3) + b"{x}", "not JSON"),
    (struct.pack("<Q", 2) + b"{}", "no attention weights"),
])
def test_bad_safetensors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_checkpoint(path)


def test_offsets_must_match_the_shape(tmp_path: Path) -> None:
    header = json.dumps({"layers.0.W_Q": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 8]}}).encode()
    path = tmp_path / "short.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\x00" * 8)
    with pytest.raises(InputError, match="do not match"):
        read_safetensors(path)


def test_torch_state_dicts_need_torch(tmp_path: Path) -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        path = tmp_path / "m.pt"
        path.write_bytes(b"not a pickle")
        with pytest.raises(InputError, match="needs torch"):
            read_checkpoint(path)
    else:
        pytest.skip("torch is installed: the optional reader is exercised by the plain-naming test below")


def test_cli_weights(tmp_path: Path, run_cli: RunCli) -> None:
    path = write_safetensors(tmp_path / "model.safetensors", _gpt2(4, 2, seed=3))
    code, out, _ = run_cli("weights", str(path), "--heads", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["H"], data["d"], data["k"], data["L"]) == (2, 4, 2, 2) and len(data["layers"]) == 2
    assert set(data["eta"]) == {"N1", "N2", "OP2"}
    code, out, _ = run_cli("weights", str(path), "--heads", "2")
    assert code == 0 and "eta (max over layers and matrices): N1" in out
    code, _, err = run_cli("weights", str(tmp_path / "missing.npz"))
    assert code == 3 and len(err.strip().splitlines()) == 1 and "missing.npz" in err


def test_regimes_places_the_model_in_the_theorems_norm(tmp_path: Path, run_cli: RunCli) -> None:
    """R2 is N1: the model's eta is its entrywise maximum; R1 is N2: its max row sum. The
    class printed is the class of the map cell holding the model's point."""
    tensors = {f"layers.{i}.{m}": np.full((2, 4, 2) if m != "W_V" else (2, 4, 4), 1 / 512)
               for i in range(3) for m in ("W_Q", "W_K", "W_V")}
    path = tmp_path / "small.npz"
    np.savez(path, **tensors)
    plot = tmp_path / "r2.png"
    code, out, _ = run_cli("regimes", "R2", "--model", str(path), "--depth", "6", "--json", "--plot", str(plot))
    assert code == 0 and plot.stat().st_size > 1000
    data = json.loads(out)
    model = data["model"]
    assert model["norm"] == "N1" and model["point"] == {"eta": 1 / 512, "L": 3}
    assert data["fixed"]["H"] == "2" and data["fixed"]["d"] == "4" and data["fixed"]["k"] == "2"
    holding = [c["class"] for c in data["cells"]
               if Fraction(c["box"]["eta"][0]) <= Fraction(1, 512) <= Fraction(c["box"]["eta"][1])
               and Fraction(c["box"]["L"][0]) <= 3 <= Fraction(c["box"]["L"][1])]
    assert model["class"] in holding
    code, out, _ = run_cli("regimes", "R1", "--model", str(path), "--depth", "4", "--json")
    model = json.loads(out)["model"]
    assert model["norm"] == "N2" and model["point"]["eta"] == pytest.approx(4 / 512)  # a row of W_V: 4 entries
    code, out, _ = run_cli("regimes", "R2", "--model", str(path), "--depth", "4")
    assert code == 0 and "model small.npz" in out and "eta in N1" in out


def test_json_validates_against_the_schemas(tmp_path: Path, run_cli: RunCli) -> None:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = Path(__file__).resolve().parent.parent / "docs" / "schemas"
    loaded = {n: json.loads((schemas / f"{n}.json").read_text(encoding="utf-8")) for n in ("weights", "regimes")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in loaded.values())
    path = tmp_path / "one.npz"
    np.savez(path, **{"layers.0.W_Q": np.eye(3)[:, :2] / 100, "layers.0.W_K": np.eye(3)[:, :2] / 100,
                      "layers.0.W_V": np.eye(3) / 100})
    for name, args in (("weights", ("weights", str(path), "--json")),
                       ("regimes", ("regimes", "R2", "--model", str(path), "--depth", "3", "--json"))):
        code, out, _ = run_cli(*args)
        assert code == 0
        errors = list(Draft202012Validator(loaded[name], registry=registry).iter_errors(json.loads(out)))
        assert not errors, [e.message for e in errors[:3]]
