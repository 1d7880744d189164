"""`boundprop weights CHECKPOINT`: the norms of a transformer's attention weights.

Per layer, the largest (over heads) entrywise maximum N1, operator infinity-norm N2 and
operator 2-norm OP2 of W_Q, W_K and W_V, with H, d, k and L; `boundprop regimes THEOREM
--model CHECKPOINT` places the model on a map (docs/weights.md).
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from boundprop.cli.args import flag
from boundprop.norms import Norm
from boundprop.weights import MATRICES, read_checkpoint

__all__ = ["HELP", "add_arguments", "run"]

HELP = "measure the norms of a checkpoint's attention weights (npz, safetensors, PyTorch) per layer"

EPILOG = """\
examples:
  boundprop weights model.safetensors             # GPT-2 names; H from config.json beside it
  boundprop weights model.safetensors --heads 12 --json
  boundprop weights weights.npz                   # plain names layers.N.W_Q / W_K / W_V
  boundprop regimes R2 --model model.safetensors --plot r2.png
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("checkpoint", metavar="CHECKPOINT", help=".npz, .safetensors or .pt/.pth/.bin file")
    parser.add_argument("--heads", type=int, metavar="H", help="heads per layer for GPT-2 names (else config.json)")
    parser.add_argument("--json", action="store_true", help="print the norms as JSON on stdout")


def run(args: argparse.Namespace, console: Console) -> int:
    with flag("--heads", param="heads"):  # the library names its parameter
        model = read_checkpoint(args.checkpoint, heads=args.heads)
    if args.json:
        json.dump(model.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    out = Console()
    out.print(f"[bold]{model.path}[/bold] ({model.format}, {model.naming} names): "
              f"H = {model.heads}, d = {model.width}, k = {model.key_width}, L = {model.depth}")
    table = Table("layer", *(f"{m} {n.value}" for m in MATRICES for n in (Norm.N1, Norm.N2, Norm.OP2)))
    for layer in model.layers:
        table.add_row(str(layer.index), *(f"{layer.norms[m][n.value]:.4g}"
                                          for m in MATRICES for n in (Norm.N1, Norm.N2, Norm.OP2)))
    out.print(table)
    out.print("eta (max over layers and matrices): "
              + ", ".join(f"{n.value} {model.eta(n):.4g}" for n in (Norm.N1, Norm.N2, Norm.OP2)))
    return 0
