"""The proof file's schema: ``paper`` and ``[[proof]]`` with their ``[[proof.step]]``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boundprop.lemma import Citation, Paper, Proof, Step
from boundprop.loader.reader import Reader, check_keys, string, table

__all__ = ["load_proof_file"]


def load_proof_file(path: Path, paper: Paper) -> dict[str, Proof]:
    reader = Reader(path)
    check_keys(reader, reader.data, {"paper", "proof"}, "the proof file", 1)
    paper_id = reader.data.get("paper")
    if paper_id is not None and paper_id != paper.id:
        raise reader.fail(f"proof file is for paper {paper_id!r}, not {paper.id!r}", reader.line_of("paper"))
    raw = reader.data.get("proof", [])
    if not isinstance(raw, list):
        raise reader.fail("'proof' must be an array of tables: write [[proof]]", reader.line_of("proof"))
    proofs: dict[str, Proof] = {}
    search_from = 1
    for spec in raw:
        line = reader.line_of("[[proof]]", start=search_from)
        search_from = line + 1
        spec = table(reader, spec, "proof", line)
        check_keys(reader, spec, {"of", "note", "step"}, "proof", line)
        of = string(reader, spec, "of", line)
        line = reader.line_of(f'"{of}"', start=line)
        if of not in paper.nodes:
            raise reader.fail(
                f"proof of {of!r}, which is not a node of {paper.source} (add the node or remove the proof)", line
            )
        if of in proofs:
            raise reader.fail(f"second proof of {of!r} (first at line {proofs[of].line})", line)
        steps_raw = spec.get("step", [])
        if not isinstance(steps_raw, list) or not steps_raw:
            raise reader.fail(f"proof of {of!r} has no [[proof.step]]", line)
        steps = []
        step_from = line
        for step_spec in steps_raw:
            step_line = reader.line_of("[[proof.step]]", start=step_from)
            step_from = step_line + 1
            step_spec = table(reader, step_spec, "step", step_line)
            check_keys(reader, step_spec, {"claim", "using", "note", "induction"}, f"step of {of!r}", step_line)
            steps.append(_load_step(reader, step_spec, of, paper, step_line))
        proofs[of] = Proof(of=of, steps=tuple(steps), note=str(spec.get("note", "")), line=line, source=path)
    return proofs


def _load_step(reader: Reader, spec: Mapping[str, Any], of: str, paper: Paper, line: int) -> Step:
    using = []
    raw_using = spec.get("using", [])
    if not isinstance(raw_using, list):
        raise reader.fail(f"step of {of!r}: 'using' must be a list", line)
    for item in raw_using:
        if isinstance(item, str):
            item = {"node": item}
        if not isinstance(item, dict) or not isinstance(item.get("node"), str):
            raise reader.fail(f"step of {of!r}: each 'using' entry needs a node id", line)
        cited = item["node"]
        if cited not in paper.nodes:
            raise reader.fail(f"step of {of!r} cites {cited!r}, which is not a node", line)
        if cited == of:
            raise reader.fail(f"step of {of!r} cites the node it proves", line)
        subs = item.get("with", {})
        if not isinstance(subs, dict) or not all(isinstance(v, str) for v in subs.values()):
            raise reader.fail(f"step of {of!r}: 'with' must map names to math strings", line)
        using.append(Citation(node=cited, subs=dict(subs)))
    induction = spec.get("induction")
    if induction is not None:
        if not isinstance(induction, dict) or not all(isinstance(v, str) for v in induction.values()):
            raise reader.fail(f"step of {of!r}: 'induction' must map keys to math strings", line)
        missing = {"index", "base", "recurrence", "closed"} - set(induction)
        if missing:
            raise reader.fail(f"step of {of!r}: induction needs {', '.join(sorted(missing))}", line)
    claim = string(reader, spec, "claim", line)
    return Step(
        claim=claim, using=tuple(using), note=str(spec.get("note", "")), line=line, induction=induction
    )
