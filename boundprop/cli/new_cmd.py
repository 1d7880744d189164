"""`boundprop new PAPER-ID`: scaffold a lemma file and a proof file."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from boundprop.cli.args import flag
from boundprop.scaffold import scaffold, write_scaffold

__all__ = ["EPILOG", "HELP", "add_arguments", "run"]

HELP = "start encoding a paper: write a commented lemma file and proof file that already check"

EPILOG = """\
examples:
  boundprop new smith-2026                 # writes lemmas/smith_2026.toml and proofs/smith_2026.toml
  boundprop new smith-2026 --dir mywork --title "Deep nets are smooth"
  boundprop check lemmas/smith_2026.toml   # then edit and check again
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("paper_id", metavar="PAPER-ID", help="lower-case id such as smith-2026")
    parser.add_argument(
        "--dir", default=".", metavar="DIR", help="write DIR/lemmas/ and DIR/proofs/ (default: current directory)"
    )
    parser.add_argument("--title", help="the paper's title")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")


def run(args: argparse.Namespace, console: Console) -> int:
    with flag("--title", param="title"), flag("--force", param="force"):  # the library names its parameters
        files = scaffold(args.paper_id, Path(args.dir), args.title)
        write_scaffold(files, force=args.force)
    print(f"wrote {files.lemma_path}")
    print(f"wrote {files.proof_path}")
    print(f"next: edit them, then run  boundprop check {files.lemma_path}")
    return 0
