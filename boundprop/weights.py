"""Norms of a real transformer's attention weights, to place it on the regime maps.

Reads a checkpoint (NumPy ``.npz``; ``.safetensors``, parsed here: an 8-byte little-endian
header length, a JSON header, raw little-endian data; PyTorch state dicts ``.pt`` /
``.pth`` / ``.bin`` only when torch is importable) and measures, per layer and as the
maximum over the heads, the norms of W_Q, W_K and W_V that the papers' hypotheses bound:

``N1``  the entrywise maximum max_ij |W_ij|;
``N2``  the operator infinity-norm max_i sum_j |W_ij| (the lemma files' normN2);
``OP2`` the operator 2-norm (largest singular value).

Two namings (docs/weights.md):

* Hugging Face GPT-2: ``[transformer.]h.N.attn.c_attn.weight`` of shape (d, 3d), split into
  Q, K, V and each into H heads of d/H columns; the value weights of head h are the OV
  product W_V^h W_O^h (d x d) when ``h.N.attn.c_proj.weight`` is present (the paper's
  per-head W_V acts on the residual stream), else the V block. H comes from ``config.json``
  beside the checkpoint (``n_head`` or ``num_attention_heads``) or from ``heads``.
* plain: ``layers.N.W_Q``, ``layers.N.W_K`` of shape (H, d, k) or (d, k), ``layers.N.W_V``
  of shape (H, d, d) or (d, d).

Nothing here prints; bad files raise :class:`~boundprop.errors.InputError` naming the file.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from boundprop.errors import InputError
from boundprop.norms import Norm

__all__ = ["LayerWeights", "ModelWeights", "Placement", "place", "read_checkpoint", "read_tensors",
           "read_safetensors"]

Arr = np.ndarray[Any, Any]
MATRICES = ("W_Q", "W_K", "W_V")

_SAFETENSORS_DTYPES: dict[str, str] = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U8": "u1", "BOOL": "?",
}


@dataclass(frozen=True, slots=True)
class LayerWeights:
    """One layer: ``norms[matrix][norm]`` is the maximum over the layer's heads."""

    index: int
    norms: Mapping[str, Mapping[str, float]]


@dataclass(frozen=True, slots=True)
class ModelWeights:
    """A checkpoint's attention weights: H heads, width d, L layers, norms per layer."""

    path: Path
    format: str  # npz, safetensors or torch
    naming: str  # gpt2 or plain
    heads: int
    width: int
    layers: tuple[LayerWeights, ...]
    key_width: int = 0  # k, the columns of W_Q and W_K per head

    def values(self, norm: Norm | str) -> dict[str, float]:
        """The model as parameter values of the Alman-Song setting, eta in ``norm``."""
        return {"eta": self.eta(norm), "H": self.heads, "d": self.width, "k": self.key_width, "L": self.depth}

    @property
    def depth(self) -> int:
        return len(self.layers)

    def eta(self, norm: Norm | str) -> float:
        """The smallest eta with ||W|| <= eta for every weight matrix of every layer, in ``norm``."""
        key = Norm(norm).value
        return max(layer.norms[m][key] for layer in self.layers for m in MATRICES)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "naming": self.naming,
            "H": self.heads,
            "d": self.width,
            "k": self.key_width,
            "L": self.depth,
            "eta": {n.value: self.eta(n) for n in (Norm.N1, Norm.N2, Norm.OP2)},
            "layers": [{"layer": layer.index, **{m: dict(layer.norms[m]) for m in MATRICES}}
                       for layer in self.layers],
        }


# ---------------------------------------------------------------------------
# reading tensors


def read_safetensors(path: Path) -> dict[str, Arr]:
    """The tensors of a ``.safetensors`` file (no dependency: the format is a JSON header)."""
    data = path.read_bytes()
    if len(data) < 8:
        raise InputError("not a safetensors file: shorter than its 8-byte header length", str(path))
    (size,) = struct.unpack("<Q", data[:8])
    if size > len(data) - 8:
        raise InputError(f"not a safetensors file: header length {size} exceeds the file", str(path))
    try:
        header = json.loads(data[8:8 + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"safetensors header is not JSON ({exc})", str(path)) from None
    if not isinstance(header, dict):
        raise InputError("safetensors header is not a JSON object", str(path))
    body = memoryview(data)[8 + size:]
    out: dict[str, Arr] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (begin, end) = spec["dtype"], [int(s) for s in spec["shape"]], spec["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise InputError(f"safetensors tensor {name!r}: needs dtype, shape and data_offsets", str(path)) from None
        count = int(np.prod(shape)) if shape else 1
        if dtype == "BF16":  # bfloat16: the high half of a float32
            width = 2
        elif dtype in _SAFETENSORS_DTYPES:
            width = np.dtype(_SAFETENSORS_DTYPES[dtype]).itemsize
        else:
            raise InputError(f"safetensors tensor {name!r}: unsupported dtype {dtype!r}", str(path))
        if not (0 <= begin <= end <= len(body)) or end - begin != count * width:
            raise InputError(f"safetensors tensor {name!r}: data_offsets {begin}..{end} do not match "
                             f"shape {shape} of {dtype} in a body of {len(body)} bytes", str(path))
        raw = bytes(body[begin:end])
        if dtype == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(raw, dtype=_SAFETENSORS_DTYPES[dtype])
        out[name] = array.reshape(shape).astype(np.float64)
    return out


def read_tensors(path: Path) -> tuple[str, dict[str, Arr]]:
    """(format, name -> float64 array) of a checkpoint, by its suffix."""
    if not path.is_file():
        raise InputError("no such checkpoint file", str(path))
    suffix = path.suffix.lower()
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as npz:
                return "npz", {k: np.asarray(npz[k], dtype=np.float64) for k in npz.files}
        except (OSError, ValueError) as exc:
            raise InputError(f"not a readable .npz file ({exc})", str(path)) from None
    if suffix == ".safetensors":
        return "safetensors", read_safetensors(path)
    if suffix in (".pt", ".pth", ".bin"):
        return "torch", _read_torch(path)
    raise InputError(f"unknown checkpoint format {suffix!r} (known: .npz, .safetensors, .pt/.pth/.bin)", str(path))


def _read_torch(path: Path) -> dict[str, Arr]:
    try:
        import torch  # optional: only for PyTorch state dicts
    except ImportError:
        raise InputError("reading a PyTorch state dict needs torch (pip install torch); "
                         "or save it as .safetensors or .npz", str(path)) from None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a bad file
        raise InputError(f"not a readable PyTorch state dict ({type(exc).__name__})", str(path)) from None
    if not isinstance(state, dict):
        raise InputError("the PyTorch file is not a state dict (name -> tensor)", str(path))
    return {str(k): v.detach().to(torch.float64).numpy() for k, v in state.items() if hasattr(v, "detach")}


# ---------------------------------------------------------------------------
# norms


def _norms(w: Arr) -> dict[str, float]:
    return {
        Norm.N1.value: float(np.max(np.abs(w))) if w.size else 0.0,
        Norm.N2.value: float(np.max(np.sum(np.abs(w), axis=1))) if w.size else 0.0,
        Norm.OP2.value: float(np.linalg.norm(w, 2)) if w.size else 0.0,
    }


def _max_over_heads(heads: list[Arr]) -> dict[str, float]:
    per_head = [_norms(h) for h in heads]
    return {n: max(p[n] for p in per_head) for n in per_head[0]}


_GPT2 = re.compile(r"^(?:transformer\.)?h\.(\d+)\.attn\.c_attn\.weight$")
_PLAIN = re.compile(r"^layers\.(\d+)\.(W_Q|W_K|W_V)$")


def _config_heads(path: Path) -> int | None:
    config = path.parent / "config.json"
    if not config.is_file():
        return None
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise InputError("config.json beside the checkpoint is not JSON", str(config)) from None
    value = data.get("n_head", data.get("num_attention_heads")) if isinstance(data, dict) else None
    return int(value) if isinstance(value, int) else None


def read_checkpoint(path: str | Path, heads: int | None = None) -> ModelWeights:
    """Read ``path`` and measure its attention weights (see the module docstring).

    Parameters
    ----------
    path
        A ``.npz``, ``.safetensors`` or PyTorch checkpoint.
    heads
        H for GPT-2 names when no ``config.json`` gives it (a given value wins).
    """
    path = Path(path)
    fmt, tensors = read_tensors(path)
    gpt2 = {int(m.group(1)): k for k in tensors if (m := _GPT2.match(k))}
    plain: dict[int, dict[str, str]] = {}
    for k in tensors:
        if m := _PLAIN.match(k):
            plain.setdefault(int(m.group(1)), {})[m.group(2)] = k
    if gpt2:
        h = heads or _config_heads(path)
        if h is None:
            raise InputError("GPT-2 names need the number of heads: put config.json (n_head) beside "
                             "the checkpoint or pass `heads`", str(path))
        layers, width = _gpt2_layers(path, tensors, gpt2, h)
        return ModelWeights(path, fmt, "gpt2", h, width, layers, width // h)
    if plain:
        layers, h, width, key_width = _plain_layers(path, tensors, plain)
        return ModelWeights(path, fmt, "plain", h, width, layers, key_width)
    raise InputError("no attention weights found: expected h.N.attn.c_attn.weight (GPT-2) or "
                     "layers.N.W_Q / W_K / W_V (plain naming, docs/weights.md)", str(path))


def _consecutive(path: Path, indices: list[int]) -> None:
    if sorted(indices) != list(range(len(indices))):
        raise InputError(f"layers must be numbered 0..L-1, found {sorted(indices)}", str(path))


def _gpt2_layers(path: Path, tensors: Mapping[str, Arr], names: Mapping[int, str],
                 heads: int) -> tuple[tuple[LayerWeights, ...], int]:
    _consecutive(path, list(names))
    layers = []
    width = 0
    for i in sorted(names):
        w = tensors[names[i]]
        if w.ndim != 2 or w.shape[1] != 3 * w.shape[0]:
            raise InputError(f"{names[i]}: expected shape (d, 3d), found {w.shape}", str(path))
        width = w.shape[0]
        if width % heads:
            raise InputError(f"{names[i]}: width {width} is not a multiple of {heads} heads", str(path))
        q, k, v = np.split(w, 3, axis=1)
        proj_name = names[i].replace("c_attn", "c_proj")
        proj = tensors.get(proj_name)
        if proj is not None and proj.shape != (width, width):
            raise InputError(f"{proj_name}: expected shape ({width}, {width}), found {proj.shape}", str(path))
        blocks = [np.split(m, heads, axis=1) for m in (q, k, v)]
        # the paper's per-head W_V maps the residual stream to itself: the OV product
        values = blocks[2] if proj is None else [vh @ oh for vh, oh in zip(blocks[2], np.split(proj, heads, axis=0),
                                                                           strict=True)]
        norms = {"W_Q": _max_over_heads(blocks[0]), "W_K": _max_over_heads(blocks[1]), "W_V": _max_over_heads(values)}
        layers.append(LayerWeights(i, norms))
    return tuple(layers), width


def _plain_layers(path: Path, tensors: Mapping[str, Arr],
                  names: Mapping[int, Mapping[str, str]]) -> tuple[tuple[LayerWeights, ...], int, int, int]:
    _consecutive(path, list(names))
    layers = []
    shapes: set[tuple[int, int]] = set()
    keys: set[int] = set()
    for i in sorted(names):
        missing = [m for m in MATRICES if m not in names[i]]
        if missing:
            raise InputError(f"layer {i}: missing {', '.join(f'layers.{i}.{m}' for m in missing)}", str(path))
        norms = {}
        for m in MATRICES:
            w = tensors[names[i][m]]
            stack = [w] if w.ndim == 2 else list(w) if w.ndim == 3 else None
            if stack is None or not stack:
                raise InputError(f"layers.{i}.{m}: expected shape (H, d, k) or (d, k), found {w.shape}", str(path))
            shapes.add((len(stack), stack[0].shape[0]))
            if m != "W_V":
                keys.add(stack[0].shape[1])
            norms[m] = _max_over_heads(stack)
        layers.append(LayerWeights(i, norms))
    if len(shapes) != 1:
        raise InputError(f"heads and width differ between matrices: (H, d) in {sorted(shapes)}", str(path))
    if len(keys) != 1:
        raise InputError(f"W_Q and W_K have different widths k: {sorted(keys)}", str(path))
    (h, width), = shapes
    return tuple(layers), h, width, keys.pop()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a model falls on a regime map: its point on the axes and the class there."""

    norm: str  # the norm its eta is measured in (the theorem's)
    point: Mapping[str, float]  # axis name -> the model's value
    klass: str  # the class of the cell holding the point, or "outside the map"
    baselines: tuple[str, ...] = ()  # vacuous: the baselines no worse than the bound

    def to_json(self) -> dict[str, Any]:
        return {"norm": self.norm, "point": dict(self.point), "class": self.klass, "baselines": list(self.baselines)}


def place(rmap: Any, model: ModelWeights) -> Placement:
    """The class of ``rmap`` (a :class:`boundprop.regimes.RegimeMap`) at the model's point.

    eta is measured in the theorem's norm (N1 when the theorem is untyped); every split axis
    must be a model quantity (eta, H, d, k, L). A point on the edge of two cells takes a
    decided class; classes hold on whole closed cells, so each is true there.
    """
    from fractions import Fraction

    problem = rmap.problem
    norm = problem.norm or Norm.N1.value
    values = model.values(norm)
    point: dict[str, float] = {}
    for axis in problem.axes:
        if axis.name not in values:
            raise InputError(f"the map's axis {axis.name!r} is not a quantity of the model "
                             f"(known: {', '.join(values)})", "`model`")
        point[axis.name] = values[axis.name]
    exact = {name: Fraction(v) for name, v in point.items()}
    hits = [cell for cell in rmap.cells
            if all(lo <= exact[a.name] <= hi for a, (lo, hi) in zip(problem.axes, cell.box, strict=True))]
    if not hits:
        return Placement(norm, point, "outside the map")
    decided = [c for c in hits if c.klass.value != "undetermined"] or hits
    return Placement(norm, point, decided[0].klass.value, tuple(decided[0].baselines))
