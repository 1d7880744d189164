"""The public Python API (re-exported by ``import boundprop``; see docs/api.md).

Every function returns frozen values: the same result objects the command
line renders (:class:`~boundprop.regimes.RegimeMap`,
:class:`~boundprop.report.table.BoundTable`) or small frozen views of plain
values (:class:`PaperCheck`, :class:`NodeResult`, :class:`Verdict`), each
with ``to_json()``. Nothing here prints; long work reports through an
optional ``progress`` callback.

Exact numbers: ranges and fixed values are given as ``int``, ``str``
(``"1/10"``, ``"0.1"``, ``"-oo"``, ``"oo"``) or :class:`fractions.Fraction`;
a ``float`` is refused, because ``0.1`` as a float is not 1/10.
"""

from __future__ import annotations

import html
import io
import keyword
import math
import tokenize
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boundprop.errors import BoundpropError, ExpressionError, InputError, RangeError
from boundprop.lemma import Paper
from boundprop.rangespec import layer_range
from boundprop.statement import Budget
from boundprop.verdict import CheckResult, NodeReport, PaperReport, Status

if TYPE_CHECKING:
    import sympy as sp

    from boundprop.expr import Guard
    from boundprop.statement import Statement, Variable

__all__ = [
    "ComparisonResult",
    "NodeResult",
    "PaperCheck",
    "RegimeResult",
    "ReportFile",
    "StepResult",
    "TableResult",
    "Verdict",
    "WitnessResult",
    "build_statement",
    "check",
    "layer_range",
    "compare",
    "load",
    "map_question",
    "prove",
    "regimes",
    "report",
    "report_content",
    "result_json",
    "table",
    "witness",
    # older names, kept because they cost nothing: the methods of the results do the same
    "check_paper",
    "latex_report",
    "map_regimes",
    "plot_regimes",
    "regimes_latex",
    "render_table",
]

Number = int | str | Fraction
Range = tuple[Number | None, Number | None]
CheckProgress = Callable[[str, int, int], None]  # (node id, index, total)

# status -> (background, text) colours of the HTML views, as the DAG draws them
_COLOURS = {
    Status.PROVED: "#b7e4c7",
    Status.PROVED_BOUNDED: "#d8f3dc",
    Status.ASSUMED: "#dbe9f6",
    Status.REFUTED: "#ffc9c9",
    Status.ILL_DEFINED: "#ffd8a8",
    Status.TESTED: "#fff3bf",
    Status.UNKNOWN: "#e9ecef",
}


def _exact(value: Number | None, what: str) -> str:
    """An exact number as the text the parsers read.

    >>> _exact(Fraction(1, 3), "x"), _exact(-2, "x"), _exact(None, "x"), _exact("0.1", "x")
    ('1/3', '-2', 'oo', '0.1')
    """
    if value is None:
        return "oo"
    if isinstance(value, bool) or isinstance(value, float):
        raise InputError(
            f"{what}: {value!r} is not exact; give an int, a Fraction or a string such as '0.1' or '1/10'"
        )
    if isinstance(value, int | Fraction):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise InputError(f"{what}: {value!r} is not a number (int, Fraction or string)")


def _budget(budget: Budget | None, effort: float, timeout: float | None) -> Budget:
    base = budget or Budget()
    if timeout is not None:
        if not 0 < timeout <= 86_400:
            raise InputError(f"timeout must be a positive number of seconds (at most 86400), not {timeout}")
        base = Budget(**{**_fields(base), "seconds": float(timeout)})
    if effort != 1.0:
        if not 0 < effort <= 1000:
            raise InputError(f"effort must be a positive factor (at most 1000), not {effort}")
        base = base.scaled(effort)
    return base


def _fields(budget: Budget) -> dict[str, Any]:
    return {name: getattr(budget, name) for name in ("seconds", "max_boxes", "samples", "seed", "z3_rlimit")}


# ---------------------------------------------------------------------------
# load and check


def load(target: str | Path) -> Paper:
    """Load and validate a paper: a bundled id (``"example"``,
    ``"alman-song-2025"``, ...) or a path to a lemma ``.toml`` (its proof
    file is found beside it, as for the command line).

    >>> paper = load("example")
    >>> paper.id, sorted(paper.nodes)[:2]
    ('example', ['E1', 'E2'])
    """
    from boundprop.loader import load_paper

    return load_paper(target)


@dataclass(frozen=True, slots=True)
class StepResult:
    """One proof step: its claim and what the engine concluded."""

    index: int
    claim: str
    status: Status
    method: str
    evidence: str
    counterexample: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class NodeResult:
    """One node of a checked paper, as plain values.

    ``status`` is a :class:`~boundprop.verdict.Status` (a ``str`` enum, so
    ``node.status == "proved"`` works); ``counterexample`` maps names to exact
    values as strings (matrices as nested lists of strings) and is set for
    refuted and ill-defined nodes.
    """

    id: str
    label: str
    variant: str
    kind: str
    provenance: str
    text: str
    status: Status
    method: str
    evidence: str
    counterexample: Mapping[str, Any] | None
    seconds: float
    uses: tuple[str, ...]
    fully_checked: bool
    unestablished: tuple[str, ...]
    proof_status: Status | None
    steps: tuple[StepResult, ...]
    premises: str | None  # "satisfiable", "unsatisfiable", "undetermined" or None (no hypotheses)
    report: NodeReport = field(repr=False, compare=False)
    paper: Paper | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, node: NodeReport, paper: Paper | None = None) -> NodeResult:
        return cls(
            id=node.id,
            label=node.label,
            variant=node.variant,
            kind=node.kind,
            provenance=node.provenance,
            text=node.text,
            status=node.status,
            method=node.method,
            evidence=node.evidence,
            counterexample=dict(node.counterexample) if node.counterexample else None,
            seconds=node.seconds,
            uses=node.uses,
            fully_checked=node.fully_checked,
            unestablished=node.unestablished,
            proof_status=node.proof_status,
            steps=tuple(
                StepResult(
                    s.index, s.claim, s.result.status, s.result.method, s.result.evidence,
                    dict(s.result.counterexample) if s.result.counterexample else None,
                )
                for s in node.steps
            ),
            premises=node.premises.label if node.premises is not None else None,
            report=node,
            paper=paper,
        )

    @property
    def is_finding(self) -> bool:
        """Refuted or ill-defined, or a proof with a refuted step."""
        return self.status.is_finding or self.proof_status is Status.REFUTED

    def to_json(self) -> dict[str, Any]:
        """The node's object of ``boundprop check --json`` (docs/json-schema.md)."""
        from boundprop.report.data import node_json

        return node_json(self.report)

    def latex(self) -> str:
        """The statement typeset as the LaTeX report prints it (text with ``$...$``)."""
        spec = self.paper.nodes.get(self.id) if self.paper is not None else None
        if spec is None:
            return self.text
        from boundprop.report.notation import Typesetter

        return str(Typesetter(self.paper).node(spec).sentence())  # type: ignore[arg-type]

    def _repr_latex_(self) -> str:
        from boundprop.report.escape import escape

        return f"\\textbf{{{escape(self.label)}}} ({self.status.value}): {self.latex()}"


@dataclass(frozen=True, slots=True)
class PaperCheck:
    """The check of a paper: per-node results, counts, JSON, a table view.

    ``report`` is the :class:`~boundprop.verdict.PaperReport` the command
    line renders; ``from_cache`` says whether it was reused from the results
    cache (see :func:`check`).
    """

    report: PaperReport = field(repr=False)
    from_cache: bool = False

    @property
    def paper(self) -> Paper:
        return self.report.paper

    @property
    def seconds(self) -> float:
        return self.report.seconds

    @property
    def nodes(self) -> dict[str, NodeResult]:
        """Every node (definitions included) by id, in check order."""
        return {nid: NodeResult.of(n, self.paper) for nid, n in self.report.nodes.items()}

    def node(self, name: str) -> NodeResult:
        """A node by id or by label (``"Lemma 2"``)."""
        if name in self.report.nodes:
            return NodeResult.of(self.report.nodes[name], self.paper)
        hits = [n for n in self.report.nodes.values() if n.label == name]
        if len(hits) != 1:
            from boundprop.suggest import did_you_mean

            ids = [n for n in self.report.nodes if not n.startswith("def:")]
            hint = did_you_mean(name, ids + [n.label for n in self.report.nodes.values()]) if not hits else ""
            raise InputError(
                f"{self.paper.id} has {'no' if not hits else 'several'} node {name!r}{hint} (ids: {', '.join(ids)})"
            )
        return NodeResult.of(hits[0], self.paper)

    @property
    def statuses(self) -> dict[str, Status]:
        """Node id -> status, statements only (definitions are always assumed)."""
        return {nid: n.status for nid, n in self.report.nodes.items() if n.kind != "definition"}

    @property
    def counts(self) -> dict[str, int]:
        """Status -> number of statements with it (every status present)."""
        out = {s.value: 0 for s in Status}
        for status in self.statuses.values():
            out[status.value] += 1
        return out

    @property
    def findings(self) -> list[NodeResult]:
        """The refuted and ill-defined nodes, and the nodes whose proof has a refuted step."""
        return [n for n in self.nodes.values() if n.is_finding]

    def to_json(self) -> dict[str, Any]:
        """``boundprop check --json`` for this paper (docs/json-schema.md)."""
        from boundprop.report.data import paper_json

        return paper_json(self.report)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per statement (needs pandas, an optional extra)."""
        pd = _pandas()
        rows = [
            {
                "id": n.id, "label": n.label, "variant": n.variant, "status": n.status.value,
                "fully_checked": n.fully_checked, "method": n.method, "seconds": n.seconds,
                "evidence": n.evidence, "counterexample": n.counterexample,
            }
            for n in self.nodes.values()
            if n.kind != "definition"
        ]
        return pd.DataFrame(rows).set_index("id")

    def summary(self) -> str:
        """The summary lines ``boundprop check`` prints under its table."""
        from rich.console import Console

        from boundprop.mechanism import explanations
        from boundprop.report.text import summary

        console = Console(file=io.StringIO(), width=120, color_system=None)
        console.print(summary(self.report, explanations(self.report)))
        return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]

    def latex(self) -> str:
        """The LaTeX source of the verification report (statements, statuses,
        evidence; without the DAG figure, maps and tables that :func:`report` adds)."""
        from boundprop.mechanism import explanations
        from boundprop.report.document import report_document

        return report_document(self.report, why=explanations(self.report)).tex

    def dot(self, include_definitions: bool = True) -> str:
        """The dependency graph in graphviz's DOT language (as ``boundprop graph``)."""
        from boundprop.report.dot import to_dot

        return to_dot(self.report, include_definitions=include_definitions)

    def _repr_html_(self) -> str:
        rows = []
        for n in self.nodes.values():
            if n.kind == "definition":
                continue
            colour = _COLOURS.get(n.status, "#ffffff")
            shown = n.evidence
            if n.counterexample:
                shown += "; counterexample: " + ", ".join(f"{k} = {v}" for k, v in n.counterexample.items())
            rows.append(
                f"<tr><td>{html.escape(n.id)}</td><td>{html.escape(n.label)}</td>"
                f'<td style="background:{colour}">{html.escape(n.status.value)}</td>'
                f"<td>{'yes' if n.fully_checked else 'no'}</td><td>{html.escape(shown)}</td></tr>"
            )
        head = "<tr><th>node</th><th>label</th><th>status</th><th>fully checked</th><th>evidence</th></tr>"
        title = html.escape(f"{self.paper.id}: {self.paper.title}")
        return f"<table><caption>{title}</caption>{head}{''.join(rows)}</table>"


def check(
    target: str | Path | Paper,
    *,
    budget: Budget | None = None,
    effort: float = 1.0,
    timeout: float | None = None,
    progress: CheckProgress | None = None,
    cache: bool = True,
    reuse: bool = True,
    jobs: int = 1,
) -> PaperCheck:
    """Check a paper node by node.

    Parameters
    ----------
    target
        A bundled id, a path to a lemma file, or a :class:`Paper` from :func:`load`.
    budget, effort, timeout
        The limits per statement: a :class:`~boundprop.statement.Budget`
        (default: the command line's), its proving limits scaled by
        ``effort`` and its wall-clock safety cap replaced by ``timeout``
        seconds, exactly as ``check --effort F --timeout S``.
    progress
        Called as ``progress(node_id, index, total)`` before each node.
    cache
        Reuse (and store) the results cache shared with the command line
        (boundprop/cache.py): a hit is returned only when the lemma, proof
        and annotation files, the engine and the budget are all unchanged. A
        :class:`Paper` object is always checked afresh (it may differ from
        its files).
    reuse
        With ``cache``, whether a hit may be returned; ``reuse=False``
        checks afresh and stores the result (``boundprop check`` does that).
    jobs
        Check independent nodes in this many worker processes (the same
        verdicts for any number).

    >>> result = check("example", cache=False)
    >>> result.node("Lemma 2").status, sorted(result.node("E2").counterexample)
    (<Status.REFUTED: 'refuted'>, ['x'])
    """
    from boundprop.check import check_paper as check_now

    chosen = _budget(budget, effort, timeout)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"must be at least 1, not {jobs}", "jobs")
    if isinstance(target, Paper):
        return PaperCheck(check_now(target, chosen, progress=progress, workers=jobs), from_cache=False)
    from boundprop import cache as results_cache
    from boundprop.loader import load_paper

    if cache and reuse:
        cached = results_cache.load_report(target, chosen)
        if cached is not None:
            return PaperCheck(cached, from_cache=True)
    before = results_cache.key(target, chosen)  # the files' hash before loading them
    report = check_now(load_paper(target), chosen, progress=progress, workers=jobs)
    if cache:
        results_cache.store(target, chosen, before, report)
    return PaperCheck(report, from_cache=False)


# ---------------------------------------------------------------------------
# one statement


# ---------------------------------------------------------------------------
# statements from strings (prove, and ``boundprop prove``)


def _parse_var(spec: str) -> tuple[str, str, str]:
    """``NAME=LO:HI`` -> ``(name, lo, hi)``; the name must be a variable."""
    from boundprop.expr import SCALAR_FUNCTIONS
    from boundprop.rangespec import parse_range

    with _named("`variables`"):
        parsed = parse_range(spec)
        if parsed.name in SCALAR_FUNCTIONS or keyword.iskeyword(parsed.name):
            raise RangeError(f"{spec!r}: {parsed.name!r} is a function or constant, not a variable")
    return parsed.name, parsed.lo, parsed.hi


def _names_in(text: str, where: str) -> list[str]:
    """Identifiers of ``text`` that are not functions or constants, in order."""
    from boundprop.expr import SCALAR_FUNCTIONS

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        raise ExpressionError(f"malformed math {text!r} (unbalanced brackets?)", where) from None
    names: list[str] = []
    previous = None
    for tok in tokens:
        if (
            tok.type == tokenize.NAME
            and (previous is None or previous.string != ".")
            and tok.string not in SCALAR_FUNCTIONS
            and not keyword.iskeyword(tok.string)
            and tok.string not in names
        ):
            names.append(tok.string)
        previous = tok
    return names


def build_statement(
    expr: str,
    assumes: Sequence[str] = (),
    var_specs: Sequence[str] = (),
    integers: Sequence[str] = (),
) -> Statement:
    """A :class:`Statement` from strings: the claim, hypotheses, ``NAME=LO:HI`` ranges, integer names.

    Examples
    --------
    Errors name the arguments in backticks (```statement```, ```assume```,
    ```variables```, ```integer```), for the command line to put its options there.

    >>> st = build_statement("exp(x) - 1 <= 2*x", var_specs=["x=0:1.25"])
    >>> st.conclusion, st.variables[0].hi
    (exp(x) - 1 <= 2*x, 5/4)
    >>> build_statement("x >= 0", assumes=["y > 0"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    boundprop.errors.ExpressionError: `assume` 'y > 0': unknown name 'y' (use it in `statement` or give ...
    """
    from boundprop.statement import Statement, StatementGuard, exact_bound, make_variable, statement_guards

    ranges: dict[str, tuple[str, str]] = {}
    for spec in var_specs:
        name, lo, hi = _parse_var(spec)
        if name in ranges:
            raise RangeError(f"`variables` {name!r} given twice")
        ranges[name] = (lo, hi)
    expr_names = _names_in(expr, "`statement`")
    declared = list(expr_names) + [n for n in ranges if n not in expr_names]
    assume_names: set[str] = set()
    for text in assumes:
        for name in _names_in(text, f"`assume` {text!r}"):
            if name not in declared:
                raise ExpressionError(
                    f"unknown name {name!r} (use it in `statement` or give `variables` {name}=LO:HI)",
                    f"`assume` {text!r}",
                )
            assume_names.add(name)
    for name in ranges:
        if name not in expr_names and name not in assume_names:
            raise RangeError(f"`variables` {name!r}: the name appears neither in `statement` nor in `assume`")
    for name in integers:
        if name not in declared:
            raise RangeError(f"`integer` {name!r}: the name appears neither in `statement` nor in `variables`")
    variables: list[Variable] = []
    for name in declared:
        lo, hi = ranges.get(name, ("-oo", "oo"))
        if name in integers:
            for end in (lo, hi):
                value = exact_bound(end, name, f"`variables` {name}")
                if value.is_finite and not value.is_integer:
                    raise RangeError(
                        f"`integer` {name!r} has the non-integer bound {end} "
                        f"(write `variables` {name}=LO:HI with integers)",
                        f"`variables` {name}",
                    )
        variables.append(
            make_variable(name, lo, hi, integer=name in integers, where=f"`variables` {name}")
        )
    symbols = {v.name: v.symbol for v in variables}
    guards: list[StatementGuard] = []
    hypotheses: list[Any] = []
    for text in assumes:
        # each assumption is one hypothesis; its guards may assume the ones before it
        found: list[Guard] = []
        hypotheses.append(_relation(text, symbols, f"`assume` {text!r}", found))
        guards += statement_guards(found, len(hypotheses) - 1)
    found = []
    conclusion = _relation(expr, symbols, "`statement`", found)
    guards += statement_guards(found, len(hypotheses))
    return Statement(
        variables=tuple(variables), hypotheses=tuple(hypotheses), conclusion=conclusion, guards=tuple(guards)
    )


def _relation(text: str, symbols: dict[str, sp.Symbol], where: str, guards: list[Guard] | None = None) -> Any:
    import sympy as sp

    from boundprop.expr import is_relation, parse

    value = parse(text, symbols, where, guards=guards)
    if value is sp.true or value is sp.false or (
        is_relation(value) and not isinstance(value, sp.Symbol)
    ):
        return value
    raise ExpressionError(f"{text!r} is not a relation (write e.g. 'x^2 >= 0')", where)


def result_json(statement: Statement, result: CheckResult) -> dict[str, Any]:
    """The JSON object ``prove --json`` prints.

    >>> from boundprop.verdict import CheckResult, Status
    >>> st = build_statement("x >= 0", var_specs=["x=0:1"])
    >>> result_json(st, CheckResult(Status.TESTED, "falsifier", "none found"))["verdict"]
    'unknown'
    """
    from boundprop.verdict import Status

    verdict = {Status.PROVED: "proved", Status.REFUTED: "refuted", Status.ILL_DEFINED: "ill-defined"}.get(
        result.status, "unknown"
    )
    point = dict(result.counterexample) if result.counterexample is not None else None
    return {
        "verdict": verdict,
        "status": result.status.value,
        "method": result.method,
        "evidence": result.evidence,
        "counterexample": point if result.status is Status.REFUTED else None,
        "witness": point if result.status is Status.ILL_DEFINED else None,
        "undefined": (
            {"subterm": result.details.get("undefined"), "reason": result.details.get("reason")}
            if result.status is Status.ILL_DEFINED
            else None
        ),
        "vacuous": bool(result.details.get("vacuous", False)),
        "seconds": round(result.seconds, 4),
        "statement": str(statement.conclusion),
        "assumptions": [str(h) for h in statement.hypotheses],
        "variables": {
            v.name: {"lo": str(v.lo), "hi": str(v.hi), "integer": v.integer}
            for v in statement.variables
        },
        "tried": list(result.details.get("tried", [])),
    }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision of one statement (:func:`prove`).

    ``status`` is proved, refuted, ill-defined, tested or unknown;
    ``counterexample`` (refuted) and ``witness`` (ill-defined) map each
    variable to an exact value as a string.
    """

    status: Status
    method: str
    evidence: str
    seconds: float
    counterexample: Mapping[str, Any] | None
    witness: Mapping[str, Any] | None
    statement: str
    assumptions: tuple[str, ...]
    variables: Mapping[str, tuple[str, str]]  # name -> (lo, hi), exact, "-oo"/"oo" when unbounded
    latex: str = field(repr=False, default="")
    json: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def proved(self) -> bool:
        return self.status is Status.PROVED

    @property
    def refuted(self) -> bool:
        return self.status is Status.REFUTED

    def to_json(self) -> dict[str, Any]:
        """The object ``boundprop prove --json`` prints."""
        return dict(self.json)

    def _repr_latex_(self) -> str:
        return f"${self.latex}$ \\quad \\text{{{self.status.value}}}"


def prove(
    statement: str,
    *,
    assume: str | Sequence[str] = (),
    integer: str | Iterable[str] = (),
    variables: Mapping[str, Range] | Sequence[str] | None = None,
    budget: Budget | None = None,
    effort: float = 1.0,
    timeout: float | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    **ranges: Range,
) -> Verdict:
    """Prove or refute one statement, as ``boundprop prove``.

    Parameters
    ----------
    statement
        A relation, such as ``"exp(x) >= 1 + x"``.
    assume
        Hypotheses (one string or several), such as ``"x >= -1"``.
    integer
        Names that range over the integers.
    **ranges
        ``x=(lo, hi)`` for each variable with a range, ends as int, Fraction
        or string (``"1/10"``, ``"-oo"``) or None for unbounded; a name used
        without a range ranges over all reals. ``variables={"x": (lo, hi)}``
        does the same for names that clash with this function's keywords;
        ``variables=["x=0:1.25"]`` gives them as ``NAME=LO:HI`` strings.
    budget, effort, timeout, seed
        The limits, as for :func:`check`; ``seed`` is the falsifier's.
    progress
        Called with each backend's name before it runs.

    >>> prove("exp(x) >= 1 + x", x=(-1, 1)).status
    <Status.PROVED: 'proved'>
    >>> v = prove("x**2 <= x", x=(0, 2))
    >>> v.refuted, sorted(v.counterexample)
    (True, ['x'])
    >>> prove("x*y <= (x**2 + y**2)/2", assume="x >= y").proved
    True
    >>> prove("n**2 >= n", integer="n", n=(0, None)).status
    <Status.PROVED: 'proved'>
    """
    import sympy as sp

    from boundprop.backends import portfolio

    specs: list[str] = []
    if isinstance(variables, str):
        variables = [variables]
    if variables is not None and not isinstance(variables, Mapping):
        specs, variables = list(variables), None
    given = dict(variables or {})
    for name, rng in ranges.items():
        if name in given:
            raise InputError(f"the range of {name!r} is given twice")
        given[name] = rng
    for name, rng in given.items():
        if not isinstance(rng, tuple | list) or len(rng) != 2:
            raise InputError(f"{name}: give the range as a pair (lo, hi), not {rng!r}")
        lo = "-oo" if rng[0] is None else _exact(rng[0], name)
        specs.append(f"{name}={lo}:{_exact(rng[1], name)}")
    assumes = [assume] if isinstance(assume, str) else list(assume)
    integers = [integer] if isinstance(integer, str) else list(integer)
    built = build_statement(statement, assumes, specs, integers)
    chosen = _budget(budget, effort, timeout)
    if seed:
        chosen = Budget(**{**_fields(chosen), "seed": seed})
    result = portfolio.decide(built, chosen, progress=progress)
    data = result_json(built, result)
    return Verdict(
        status=result.status,
        method=result.method,
        evidence=result.evidence,
        seconds=result.seconds,
        counterexample=data["counterexample"],
        witness=data["witness"],
        statement=statement,
        assumptions=tuple(assumes),
        variables={v.name: (str(v.lo), str(v.hi)) for v in built.variables},
        latex=sp.latex(built.conclusion),
        json=data,
    )


# ---------------------------------------------------------------------------
# comparing papers (Dong et al. 2021 with Alman & Song 2025)


@dataclass(frozen=True, slots=True)
class ComparisonResult:
    """Where rank collapse, layer collapse and fast attention apply (:func:`compare`):
    ``comparison`` is the :class:`~boundprop.compare.Comparison` that ``boundprop
    compare`` renders, ``dong_map`` the :class:`~boundprop.regimes.RegimeMap` of
    Dong et al.'s Theorem 2.2 when asked for."""

    comparison: Any  # a boundprop.compare.Comparison
    dong_map: Any = None  # a boundprop.regimes.RegimeMap, or None

    @property
    def points(self) -> tuple[Any, ...]:
        return tuple(self.comparison.points)

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``boundprop compare --json``."""
        from boundprop.compare import comparison_json

        data = comparison_json(self.comparison)
        if self.dong_map is not None:
            data["dong_map"] = self.dong_map.to_json()
        return data

    def save(self, path: str | Path) -> Path:
        """The map of ``compare --plot``: one panel per H, eta across, L up."""
        from boundprop.report.comparison import plot_comparison

        return plot_comparison(self.comparison, path)

    def save_dong(self, path: str | Path) -> Path:
        """The Dong map of ``compare --dong-plot``."""
        if self.dong_map is None:
            raise InputError("no Dong map: call compare(..., dong=True)")
        from boundprop.report.plot import plot_map

        return plot_map(self.dong_map, path)


def compare(
    etas: Sequence[Number],
    heads: Sequence[int],
    depths: Sequence[int],
    *,
    n: int = 1024,
    d: int = 4,
    k: int = 4,
    phi0: Number = 1,
    gamma: Number = 1,
    r0: Number = 1,
    c: Number = 1,
    dong: bool = False,
    dong_params: Sequence[str] | None = None,
    dong_fix: Sequence[str] | None = None,
    dong_depth: int = 10,
) -> ComparisonResult:
    """Decide, at every exact point of ``etas x heads x depths``, whether Dong et al.'s
    rank collapse, Alman & Song's layer collapse (R1/R2/Theorem 5.3 informative) and
    fast attention apply, as ``boundprop compare``; ``n, d, k, phi0, gamma, r0, c`` are
    the comparison's assumptions. With ``dong`` also pave Dong's Theorem 2.2 over
    ``dong_params`` (``NAME=LO:HI[:log]``) at ``dong_fix`` (``NAME=VALUE``).

    >>> result = compare(["1/1000"], [1], [1, 4])
    >>> [p.depth for p in result.points], sorted(result.to_json())[:2]
    ([1, 4], ['assumptions', 'notes'])
    """
    import boundprop.compare as comparing

    if min(n, d, k) < 1:
        raise InputError("`n`, `d` and `k` must be at least 1")
    if dong and not 1 <= dong_depth <= 30:
        raise InputError("`dong_depth` must be between 1 and 30")
    exact = {name: Fraction(_exact(value, name)) for name, value in
             (("phi0", phi0), ("gamma", gamma), ("r0", r0), ("c", c))}
    assumptions = comparing.Assumptions(n=n, d=d, k=k, phi0=exact["phi0"], gamma=exact["gamma"], r0=exact["r0"],
                                        c_fast=exact["c"])
    result = comparing.compare([Fraction(_exact(e, "eta")) for e in etas], list(heads), list(depths), assumptions)
    if not dong:
        return ComparisonResult(result)
    from boundprop.regimes import pave

    with _named("`dong`"):  # the library's errors name the spec, this the argument
        problem = comparing.dong_problem(dong_params or comparing.DONG_DEFAULT_AXES,
                                         dong_fix or comparing.DONG_DEFAULT_FIX)
    return ComparisonResult(result, pave(problem, depth=dong_depth))


# ---------------------------------------------------------------------------
# regimes and bound tables


def _axis_specs(params: Mapping[str, Any] | Sequence[str] | None, what: str) -> list[str]:
    if params is None:
        return []
    if isinstance(params, str):
        return [params]
    if not isinstance(params, Mapping):
        return list(params)
    specs = []
    for name, rng in params.items():
        if not isinstance(rng, tuple | list) or len(rng) not in (2, 3):
            raise InputError(f"{what} {name}: give (lo, hi) or (lo, hi, 'log'), not {rng!r}")
        tail = f":{rng[2]}" if len(rng) == 3 else ""
        specs.append(f"{name}={_exact(rng[0], name)}:{_exact(rng[1], name)}{tail}")
    return specs


def _fix_specs(fix: Mapping[str, Number] | Sequence[str] | None) -> list[str]:
    if fix is None:
        return []
    if isinstance(fix, Mapping):
        return [f"{name}={_exact(value, name)}" for name, value in fix.items()]
    return [fix] if isinstance(fix, str) else list(fix)


def _executor(kind: str, scheduler: str | None, jobs: int, *preload: str) -> Any:
    """The :mod:`boundprop.executor` of ``executor``, ``scheduler`` and ``jobs``."""
    from boundprop.executor import make_executor

    return make_executor(kind, scheduler, jobs, preload)


def _paper_of(theorem: str, paper: str | Path | Paper | None) -> Paper:
    """The paper holding ``theorem``: ``paper`` if given, else the one bundled paper that has it."""
    from boundprop.loader import bundled_papers, load_paper

    if isinstance(paper, Paper):
        return paper
    if paper is not None:
        return load_paper(str(paper))
    hits = []
    for pid in bundled_papers():
        found = load_paper(pid)
        if theorem in found.nodes or any(n.label == theorem for n in found.nodes.values()):
            hits.append(found)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        from boundprop.suggest import did_you_mean

        names = [name for pid in bundled_papers() for n in load_paper(pid).nodes.values() for name in (n.id, n.label)]
        raise InputError(f"no bundled paper has a node {theorem!r}{did_you_mean(theorem, names)} (or name its paper)")
    raise InputError(f"{theorem!r} is in several papers ({', '.join(p.id for p in hits)}): name the paper")


@contextmanager
def _named(name: str) -> Iterator[None]:
    """Errors raised inside start with ``name``: the argument they concern."""
    try:
        yield
    except BoundpropError as exc:
        exc.message = f"{name} {exc.message}"
        exc.args = (exc.message,)
        raise


def map_question(
    paper: Paper, theorem: str, params: Sequence[str], fixes: Sequence[str], projects: Sequence[str],
    regimes: Sequence[str] | None, ann: Any,
    options: tuple[str, str, str] = ("`params`", "`fix`", "`project`"),
) -> tuple[list[Any], dict[str, object], list[str]]:
    """The map asked for: ``params``/``project`` axes (``NAME=LO:HI[:log]``), ``fixes``
    (``NAME=VALUE``) and regime overlays, the annotation file's ``[map.THEOREM]``
    filling what is not given. An error starts with its argument's name in ``options``."""
    from boundprop.propagate import find_node
    from boundprop.rangespec import spec_name
    from boundprop.regimes import parse_axis, parse_fix

    node = find_node(paper, theorem)
    defaults = ann.maps.get(node.id)
    param_specs = list(params)
    fix_specs = list(fixes)
    if defaults is not None:
        if not param_specs and not projects:
            param_specs = list(defaults.params)
        given = {spec_name(s) for s in [*param_specs, *fix_specs, *projects]}
        fix_specs = [s for s in defaults.fix if spec_name(s) not in given] + fix_specs
    axes = []
    for spec in param_specs:
        with _named(options[0]):
            axes.append(parse_axis(spec, paper, ann))
    for spec in projects:
        with _named(options[2]):
            axes.append(parse_axis(spec, paper, ann, split=False))
    fixed: dict[str, object] = {}
    for spec in fix_specs:
        with _named(options[1]):
            name, value = parse_fix(spec, paper, ann)
        fixed[name] = value
    if regimes is None:
        chosen = list(defaults.regimes) if defaults is not None else []
    else:
        chosen = [r for r in regimes if r != "none"]
    return axes, fixed, chosen


def regimes(
    theorem: str,
    *,
    paper: str | Path | Paper | None = None,
    params: Mapping[str, Any] | Sequence[str] | None = None,
    fix: Mapping[str, Number] | Sequence[str] | None = None,
    project: Mapping[str, Any] | Sequence[str] | None = None,
    overlay: Sequence[str] | None = None,
    depth: int = 12,
    backend: str = "batch",
    progress: Callable[[int, int, int], None] | None = None,
    model: str | Path | None = None,
    model_heads: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    jobs: int = 1,
) -> RegimeResult:
    """Pave a theorem's parameter box into rigorously classed cells, as ``boundprop regimes``.

    ``params`` maps each free axis to ``(lo, hi)`` or ``(lo, hi, "log")``
    (or is a list of ``"NAME=LO:HI[:log]"``); ``fix`` maps parameters to
    exact values; without ``params`` (and ``project``) the annotation
    file's ``map.THEOREM`` defaults are used, and a missing default is an
    error (docs/regimes-format.md). ``overlay`` lists declared regimes
    (default: the annotation file's). Returns the
    :class:`~boundprop.regimes.RegimeMap`: ``.fractions()`` gives the
    volume fraction of each class, ``.cells`` the cells with exact boxes,
    ``.to_json()`` the JSON of ``regimes --json``.

    ``model`` (a checkpoint, with ``model_heads`` for GPT-2 names) places a
    model on the map: its H, d and k are fixed from it (unless they are
    axes) and ``.placement`` says in which class its point falls.

    ``jobs`` local worker processes, or with ``executor="dask"`` the Dask
    cluster at ``scheduler``, pave parts of the map (:mod:`boundprop.executor`);
    the cells are the same as in one process.

    >>> rmap = regimes("R1", depth=2)  # the annotation file's default map
    >>> sorted(rmap.fractions())
    ['informative', 'premises-fail', 'undetermined', 'vacuous']
    """
    from boundprop.propagate import load_annotations
    from boundprop.regimes import build_problem, pave

    chosen_paper = _paper_of(theorem, paper)
    ann = load_annotations(chosen_paper)
    axes, fixed, chosen = map_question(
        chosen_paper, theorem, _axis_specs(params, "params"), _fix_specs(fix), _axis_specs(project, "project"),
        None if overlay is None else list(overlay), ann,
    )
    if not axes:
        raise InputError(
            f"give at least one NAME=LO:HI ({theorem}: the annotation file has no map.{theorem} defaults, "
            "docs/regimes-format.md)", "`params`",
        )
    if not 0 <= depth <= 40:
        raise InputError("depth must be between 0 and 40 (deeper cells would be below float resolution)")
    weights = None
    if model is not None:
        from boundprop.weights import read_checkpoint

        weights = read_checkpoint(model, heads=model_heads)
        # the map is drawn for the model's sizes: H, d, k fixed from it (not the map's defaults)
        sizes = {"H": weights.heads, "d": weights.width, "k": weights.key_width}
        on_axes = {a.name for a in axes}
        fixed.update({n: Fraction(v) for n, v in sizes.items() if n in chosen_paper.params and n not in on_axes})
    known = _checked_vacuity(chosen_paper) if not isinstance(paper, Paper) else None
    problem = build_problem(chosen_paper, theorem, axes, fixed, chosen, ann, known=known)  # type: ignore[arg-type]
    runner = _executor(executor, scheduler, jobs, "boundprop.regimes")
    question = None
    if runner.workers > 1 or executor == "dask":
        from boundprop.loader import BUNDLED_LEMMAS
        from boundprop.regimes import Question

        # workers load the paper again: by its bundled id, or its lemma file; they use the
        # same vacuity statuses as this process (never prove them again, never differently)
        bundled = chosen_paper.source.resolve().parent == BUNDLED_LEMMAS.resolve()
        question = Question(chosen_paper.id if bundled else str(chosen_paper.source), problem.theorem,
                            tuple(axes), tuple(problem.fixed.items()), tuple(r.id for r in problem.regimes),
                            tuple(sorted((k, v.status.value) for k, v in (known or {}).items())))
    rmap = pave(problem, depth=depth, backend=backend, progress=progress,
                executor=runner if question is not None else None, question=question)
    if weights is None:
        return RegimeResult(rmap, paper=chosen_paper)
    from boundprop.weights import place

    return RegimeResult(rmap, weights, place(rmap, weights), paper=chosen_paper)


def table(
    theorem: str,
    *,
    paper: str | Path | Paper | None = None,
    layers: range | tuple[int, int] | str = range(0, 5),
    fix: Mapping[str, Number] | Sequence[str] | None = None,
    digits: int = 6,
    recurrence: bool = True,
    cache: bool = True,
    flags: bool = False,
) -> TableResult:
    """The per-layer quantities of a theorem as certified enclosures, as ``boundprop table``.

    ``layers`` is a ``range``, a pair ``(a, b)`` (inclusive) or ``"a:b"``;
    ``fix`` the parameters' exact values (missing ones come from the
    annotation file's ``table.THEOREM.fix`` and ``map.THEOREM.fix``). With
    ``recurrence`` the recurrence is checked against its closed form by
    induction (through the results cache when ``cache``); with ``flags`` the
    rows where the theorem is vacuous or its premises fail are marked (one
    small regime paving). Returns the :class:`~boundprop.propagate.BoundTable`
    (computed by :func:`boundprop.regimes.bound_table`); ``render`` writes it
    as text, markdown, csv, json or latex.
    """
    if not 1 <= digits <= 50:
        raise InputError("digits must be between 1 and 50")
    if isinstance(layers, str):
        chosen_layers = layer_range(layers)
    elif isinstance(layers, tuple):
        chosen_layers = range(int(layers[0]), int(layers[1]) + 1)
    else:
        chosen_layers = layers
    if len(chosen_layers) == 0 or chosen_layers.start < 0:
        raise InputError(f"layers {layers!r}: need 0 <= a <= b")
    chosen_paper = _paper_of(theorem, paper)
    known = _checked_vacuity(chosen_paper) if cache and flags and not isinstance(paper, Paper) else None
    return _table(chosen_paper, theorem, chosen_layers, _fix_specs(fix), digits, recurrence, cache, flags, known)


def _table(
    paper: Paper, theorem: str, layers: range, fix: Sequence[str], digits: int, recurrence: bool, cache: bool,
    flags: bool, known: Mapping[str, CheckResult] | None,
) -> TableResult:
    from boundprop import cache as results_cache
    from boundprop.propagate import LayerModel, check_recurrence
    from boundprop.regimes import bound_table

    def check(model: LayerModel) -> CheckResult:  # through the results cache: same files and engine, same answer
        found, _ = results_cache.recurrence(paper.source, model.theorem, lambda: check_recurrence(model), read=cache)
        return found

    result = bound_table(paper, theorem, layers, fix, digits, recurrence=check if recurrence else None, flags=flags,
                         known=known)
    return TableResult(result, paper)


def _vacuity_results(report: PaperReport) -> dict[str, CheckResult]:
    """The vacuity theorems' results in a check of a paper (what a map needs of it)."""
    return {
        node_id: CheckResult(n.status, n.method, n.evidence)
        for node_id, n in report.nodes.items()
        if node_id in report.paper.nodes and report.paper.nodes[node_id].vacuity is not None
    }


def _checked_vacuity(paper: Paper) -> dict[str, CheckResult] | None:
    """The vacuity results of a cached check of ``paper``'s files, if there is one (never computed
    here). Only for a paper loaded from its files: an object built or changed in memory may differ
    from the files the cache is keyed by."""
    from boundprop import cache as results_cache

    try:
        found = results_cache.load_report(paper.source, Budget())
    except (OSError, ValueError):
        return None
    return _vacuity_results(found) if found is not None else None


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise InputError("to_dataframe() needs pandas: pip install 'boundprop[notebook]' (or: pip install pandas)") \
            from None
    return pd


def _png(draw: Callable[[Path], Any]) -> bytes:
    """What ``draw(path)`` writes to a temporary .png, as bytes (for Jupyter's ``_repr_png_``)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figure.png"
        draw(path)
        return path.read_bytes()


def _html_rows(head: Sequence[str], rows: Iterable[Sequence[tuple[str, str | None]]], caption: str) -> str:
    """An HTML table; each cell is ``(text, background colour or None)``."""
    cells = "".join(
        "<tr>" + "".join(
            f'<td style="background:{colour}">{html.escape(text)}</td>' if colour else f"<td>{html.escape(text)}</td>"
            for text, colour in row
        ) + "</tr>"
        for row in rows
    )
    header = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
    return f"<table><caption>{html.escape(caption)}</caption>{header}{cells}</table>"


@dataclass(frozen=True, slots=True)
class RegimeResult:
    """A regime map (:func:`regimes`): ``map`` is the
    :class:`~boundprop.regimes.RegimeMap` that ``boundprop regimes`` renders.

    ``fractions()`` gives the volume fraction of each class, ``cells`` the
    cells with exact boxes, ``to_json()`` the JSON of ``regimes --json``,
    ``to_dataframe()`` one row per cell, ``figure()`` a matplotlib figure
    (two free parameters), ``save(path)`` the picture, ``latex()`` the
    booktabs table; Jupyter shows the fractions and the picture.
    """

    map: Any  # a boundprop.regimes.RegimeMap (typed loosely: importing it loads sympy)
    model: Any = None  # a boundprop.weights.ModelWeights placed on the map, if any
    placement: Any = None  # its boundprop.weights.Placement
    paper: Paper | None = field(default=None, repr=False, compare=False)

    @property
    def theorem(self) -> str:
        return str(self.map.problem.theorem)

    @property
    def cells(self) -> tuple[Any, ...]:
        return tuple(self.map.cells)

    def fractions(self) -> dict[str, float]:
        """Volume fraction of each class (informative, vacuous, premises-fail, undetermined)."""
        return dict(self.map.fractions())

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``boundprop regimes --json`` (with ``model``: where the model falls)."""
        data = dict(self.map.to_json())
        if self.model is not None and self.placement is not None:
            m = self.model
            data["model"] = {"path": str(m.path), "H": m.heads, "d": m.width, "k": m.key_width, "L": m.depth,
                             **self.placement.to_json()}
        return data

    def to_dataframe(self) -> Any:
        """One row per cell: each axis's exact ends as ``NAME_lo``/``NAME_hi`` strings, its class, its baselines."""
        pd = _pandas()
        names = [a.name for a in self.map.problem.axes]
        rows = []
        for cell in self.map.cells:
            row: dict[str, Any] = {}
            for name, (lo, hi) in zip(names, cell.box, strict=True):
                row[f"{name}_lo"], row[f"{name}_hi"] = str(lo), str(hi)
            row["class"] = cell.klass.value
            row["baselines"] = ", ".join(cell.baselines)
            row["volume"] = self.map.volume(cell)
            rows.append(row)
        return pd.DataFrame(rows)

    def figure(self, axes: Sequence[str] | None = None, title: str | None = None) -> Any:
        """The map as a matplotlib ``Figure`` (as ``regimes --plot`` draws it)."""
        from boundprop.report.plot import map_figure

        return map_figure(self.map, axes=axes, title=title)

    def save(self, path: str | Path) -> Path:
        """Draw the map to ``path`` (.png, .svg or .pdf), as ``regimes --plot`` (the model marked)."""
        from boundprop.report.plot import plot_map

        markers = [(self.model.path.name, self.placement.point)] if self.placement is not None else []
        return plot_map(self.map, path, markers=markers)

    def latex(self, figure: str | None = None) -> str:
        """The booktabs table of the map's classes (``regimes --format latex``)."""
        from boundprop.report.booktabs import regime_summary_latex

        return regime_summary_latex(self.map, self.paper, figure=figure)

    def _repr_html_(self) -> str:
        from boundprop.report.plot import CLASS_COLOURS

        rows = [((name, CLASS_COLOURS.get(name)), (f"{value:.4f}", None)) for name, value in self.fractions().items()]
        caption = f"{self.theorem}: {len(self.map.cells)} cells, depth {self.map.depth}"
        return _html_rows(("class", "volume fraction"), rows, caption)

    def _repr_png_(self) -> bytes | None:
        free = [a for a in self.map.problem.axes if a.split and a.lo != a.hi]
        return _png(self.save) if len(free) == 2 else None


@dataclass(frozen=True, slots=True)
class TableResult:
    """Certified per-layer enclosures (:func:`table`): ``table`` is the
    :class:`~boundprop.propagate.BoundTable` that ``boundprop table`` renders.

    ``render(format)`` writes it as text, markdown, csv, json or latex;
    ``to_json()``, ``to_dataframe()`` (decimal strings, lower ends rounded
    down and upper ends up), and an HTML view in Jupyter.
    """

    table: Any  # a boundprop.propagate.BoundTable
    paper: Paper | None = field(default=None, repr=False, compare=False)

    @property
    def rows(self) -> tuple[Any, ...]:
        return tuple(self.table.rows)

    def render(self, format: str = "text") -> str:
        """``text``, ``markdown``, ``csv``, ``json`` or ``latex`` (a booktabs fragment)."""
        if format == "latex":
            from boundprop.report.booktabs import bound_table_latex

            return bound_table_latex(self.table, self.paper)
        from boundprop.report.table import render

        return render(self.table, format)

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``boundprop table --format json``."""
        from boundprop.report.table import table_json

        return table_json(self.table)

    def to_dataframe(self) -> Any:
        """One row per layer, ``KEY_lo``/``KEY_hi`` columns of outward-rounded decimal strings."""
        pd = _pandas()
        rows = []
        for item in self.to_json()["rows"]:
            row: dict[str, Any] = {"layer": item["layer"]}
            for key, ends in item.items():
                if key != "layer":
                    row[f"{key}_lo"], row[f"{key}_hi"] = ends["lo"], ends["hi"]
            rows.append(row)
        return pd.DataFrame(rows).set_index("layer")

    def _repr_html_(self) -> str:
        data = self.to_json()
        keys = [c.key for c in self.table.columns]
        head = ["layer", *(c.title for c in self.table.columns)]
        rows = [
            [(str(r["layer"]), None)] + [
                (r[k]["lo"] if r[k]["lo"] == r[k]["hi"] else f"[{r[k]['lo']}, {r[k]['hi']}]", None) for k in keys
            ]
            for r in data["rows"]
        ]
        fixed = ", ".join(f"{k} = {v}" for k, v in data["fixed"].items())
        return _html_rows(head, rows, f"{data['label']} at {fixed}")


@dataclass(frozen=True, slots=True)
class WitnessResult:
    """Simulated networks measured against a bound (:func:`witness`): ``report``
    is the :class:`~boundprop.witness.measure.WitnessReport` that ``boundprop
    witness`` renders. ``soundness_failures`` lists the configurations that
    exceed a bound the engine calls proved (a bug if ever non-empty)."""

    report: Any  # a boundprop.witness.measure.WitnessReport

    @property
    def configurations(self) -> tuple[Any, ...]:
        return tuple(self.report.configurations)

    @property
    def soundness_failures(self) -> tuple[Any, ...]:
        return tuple(self.report.soundness_failures)

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``boundprop witness --json``."""
        return dict(self.report.to_json())

    def to_dataframe(self) -> Any:
        """One row per configuration: its parameters, measured, bound, ratio, exceeded."""
        pd = _pandas()
        return pd.DataFrame([
            {**c.params, "measured": c.measured, "bound": c.bound, "ratio": c.ratio, "exceeded": c.exceeded}
            for c in self.report.configurations
        ])

    def save(self, path: str | Path) -> Path:
        """The log-log plot of ``witness --plot``."""
        from boundprop.witness.plot import plot_witness

        return plot_witness(self.report, path)

    def _repr_html_(self) -> str:
        confs = self.report.configurations
        names = list(confs[0].params) if confs else []
        rows = [
            [(f"{c.params[n]:g}", None) for n in names]
            + [(f"{c.measured:.4e}", None), (f"{c.bound:.4e}", None),
               (f"{c.ratio:.4g}", _COLOURS[Status.REFUTED] if c.exceeded else None)]
            for c in confs
        ]
        return _html_rows([*names, "measured", "bound", "ratio"], rows,
                          f"witness {self.report.theorem} ({self.report.spec.norm.value})")


def witness(
    theorem: str,
    *,
    params: Mapping[str, Sequence[float]] | None = None,
    samples: int = 300,
    seed: int = 0,
    adversarial: bool = False,
    generations: int = 60,
    norm: str | None = None,
    workers: int = 1,
    progress: Callable[[str, int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> WitnessResult:
    """Measure simulated attention networks against a bound (R1, R2 or
    ``"Theorem 5.3"`` of Alman & Song 2025), as ``boundprop witness``.

    ``params`` maps parameter names (eta, L, H, n, d, k, beta, phi0, qk_eta)
    to the values of a grid (floats are fine here: this is a float64
    simulation, not a proof); missing names take the command's defaults.
    The draws are seeded, so the same call gives the same numbers (for any
    number of ``workers``, threads over chunks of draws, or with
    ``executor="dask"`` on the Dask cluster at ``scheduler``). A configuration
    where the float64 simulation overflows is an input error.

    >>> w = witness("R1", params={"eta": [0.1], "L": [2]}, samples=12)
    >>> len(w.configurations), w.soundness_failures
    (1, ())
    """
    import numpy as np

    from boundprop.witness.measure import run_witness
    from boundprop.witness.networks import Norm

    if samples < 1:
        raise InputError(f"samples must be at least 1, not {samples}")
    if workers < 1:
        raise InputError(f"workers must be at least 1, not {workers}")
    with np.errstate(over="ignore", invalid="ignore"):  # overflow shows as nan/inf, refused below
        result = run_witness(
            theorem, {k: list(v) for k, v in (params or {}).items()}, samples=samples, seed=seed,
            adversarial=adversarial, norm_override=Norm.parse(norm) if norm else None,
            adversarial_options={"generations": generations}, workers=workers, progress=progress,
            executor=_executor(executor, scheduler, 1) if executor == "dask" else None,
        )
    for conf in result.configurations:
        # float64 overflow (eta = 1e308, or a bound past 1.8e308) gives nan/inf:
        # no measurement to report, and nan is not JSON.
        if not (math.isfinite(conf.measured) and math.isfinite(conf.bound)):
            shown = ", ".join(f"{k}={v:g}" for k, v in conf.params.items())
            raise RangeError(
                f"the float64 simulation overflows at {shown} (measured {conf.measured:g}, bound {conf.bound:g}); "
                "choose smaller parameter values"
            )
    return WitnessResult(result)


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A written report (:func:`report`): the file, the figures written beside it, and the notes."""

    path: Path
    files: tuple[Path, ...]
    log: str  # what ``boundprop report`` would have printed (wrote ..., notes)

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "files": [str(f) for f in self.files], "log": self.log}

    def _repr_html_(self) -> str:
        return f"<p>wrote <code>{html.escape(str(self.path))}</code></p><pre>{html.escape(self.log)}</pre>"


def _theorems_with(paper: Paper, keys: Iterable[str]) -> list[str]:
    """The node ids of the annotation file's entries (``*`` and unknown names left out), in order."""
    from boundprop.errors import BoundpropError
    from boundprop.propagate import find_node

    out: list[str] = []
    for name in keys:
        if name == "*":
            continue
        try:
            node_id = find_node(paper, str(name)).id
        except BoundpropError:
            continue
        if node_id not in out:
            out.append(node_id)
    return out


def report_content(
    target: str | Path,
    budget: Budget | None = None,
    *,
    depth: int = 10,
    layers: str | range = "0:8",
    digits: int = 4,
    maps: bool = True,
    tables: bool = True,
    cache: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Any:
    """What the report shows, computed: the check (through the results cache), the regime
    maps and the bound tables the annotation file declares (``map.*``, ``table.*``), and
    notes on what was left out and why. Returns a :class:`~boundprop.report.data.ReportContent`."""
    from boundprop import cache as results_cache
    from boundprop.errors import BoundpropError
    from boundprop.mechanism import explanations
    from boundprop.propagate import load_annotations
    from boundprop.regimes import default_problem, pave
    from boundprop.report.data import ReportContent

    if not 1 <= digits <= 50:
        raise InputError("digits must be between 1 and 50")
    tick = progress or (lambda what: None)

    def checking(node_id: str, index: int, total: int) -> None:
        tick(f"checking {node_id} ({index}/{total})")

    checked, _ = results_cache.check(target, budget or Budget(), progress=checking, read=cache)
    paper = checked.paper
    ann = load_annotations(paper)
    notes: list[str] = []
    # a report without maps or tables says why (the annotation file declares none)
    declared = {"regime maps": (maps, "map", ann.maps), "bound tables": (tables, "table", ann.table_fix)}
    for what, (wanted, key, entries) in declared.items():
        if wanted and not _theorems_with(paper, entries):
            why = (f"{ann.source.name} declares no [{key}.THEOREM]" if ann.source is not None
                   else f"there is no annotation file {paper.source.stem}.regimes.toml")
            notes.append(f"no {what}: {why} (docs/regimes-format.md)")
    # the check just read or made decided the vacuity theorems: the maps reuse its results
    known = _vacuity_results(checked)
    found_maps = []
    for theorem in _theorems_with(paper, ann.maps) if maps else []:
        tick(f"regime map of {theorem}")
        try:
            found_maps.append(pave(default_problem(paper, theorem, ann, known=known), depth=depth))
        except BoundpropError as exc:
            notes.append(f"the regime map of {theorem} is left out: {exc}")
    found_tables = []
    for theorem in _theorems_with(paper, ann.table_fix) if tables else []:
        tick(f"bound table of {theorem}")
        try:
            chosen = layer_range(layers) if isinstance(layers, str) else layers
            made = _table(paper, theorem, chosen, (), digits, True, cache, True, known)
            found_tables.append(made.table)
        except BoundpropError as exc:
            notes.append(f"the bound table of {theorem} is left out: {exc}")
    # the mechanisms are checked here (exact instance checks), so report/ only renders them
    return ReportContent(checked, tuple(found_maps), tuple(found_tables), tuple(notes), explanations(checked))


def report(
    target: str | Path,
    out: str | Path,
    *,
    depth: int = 10,
    layers: str = "0:8",
    digits: int = 4,
    maps: bool = True,
    tables: bool = True,
    timings: bool = True,
    effort: float = 1.0,
    timeout: float | None = None,
    budget: Budget | None = None,
    cache: bool = True,
    engine: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportFile:
    """Write the whole verification report of a paper, as ``boundprop report``:
    ``out`` ending in ``.html`` (one self-contained page), ``.tex`` (the
    source, figures beside it) or ``.pdf`` (compiled with ``engine``). The
    check comes from the results cache when the files are unchanged, and so
    does the whole rendering when nothing that changes it did (``cache=False``
    computes both again). ``progress`` receives what is being done."""
    import shutil

    from boundprop import cache as results_cache
    from boundprop.report.output import file_name, html_file, keep_source, latex_document

    out_path = Path(out)
    suffix = out_path.suffix.lower()
    if suffix not in (".tex", ".pdf", ".html"):
        raise InputError(f"{str(out)!r}: give a .tex, .pdf or .html file name")
    if not out_path.parent.exists():
        raise InputError(f"{str(out)!r}: the directory {str(out_path.parent)!r} does not exist")
    if not 1 <= digits <= 50:
        raise InputError("digits must be between 1 and 50")
    if not 0 <= depth <= 40:
        raise InputError("depth must be between 0 and 40")
    chosen = _budget(budget, effort, timeout)

    def content() -> Any:
        return report_content(target, chosen, depth=depth, layers=layers, digits=digits, maps=maps, tables=tables,
                              cache=cache, progress=progress)

    def render() -> results_cache.Rendered:  # the files (out's name and the figures beside it) and the lines to print
        if suffix == ".html":
            page = html_file(content(), show_seconds=timings)
            data = page.html.encode("utf-8")
            lines = [f"wrote {{out}} ({len(data) / 1e6:.2f} MB, self-contained)", *(f"note: {n}" for n in page.notes)]
            return results_cache.Rendered({out_path.name: data}, tuple(lines))
        if suffix == ".pdf":
            from boundprop.report.compile import LatexError, compile_latex, find_engine

            find_engine(engine)  # fail before the (long) check when no engine is installed
            document = latex_document(content(), show_seconds=timings)
            try:
                result = compile_latex(document.tex, document.files, engine=engine)
            except LatexError as exc:
                kept = keep_source(document, out_path.parent / f"{file_name(out_path.stem)}-latex")
                raise LatexError(f"{exc.message}; the LaTeX source is kept in {kept}", exc.log) from None
            bad = result.summary.overfull_worse_than(1.0)
            lines = [
                f"wrote {{out}} ({result.pages} pages; {result.engine}, {result.runs} run(s), {result.seconds:.1f} s; "
                f"{len(bad)} overfull box(es) over 1pt)",
                *(f"  warning: {issue.message}" for issue in bad[:5]),
                *(f"note: {n}" for n in document.notes),
            ]
            return results_cache.Rendered({out_path.name: result.pdf}, tuple(lines))
        document = latex_document(content(), prefix=file_name(out_path.stem) + "-", show_seconds=timings)
        extra = f" and {', '.join(sorted(document.files))}" if document.files else ""
        files = {out_path.name: document.tex.encode("utf-8"), **document.files}
        return results_cache.Rendered(files, (f"wrote {{out}}{extra}", *(f"note: {n}" for n in document.notes)))

    # every option that changes what is written (the engine only for a PDF: it is in the file), and
    # whether graphviz is there to draw the graph (installing it must not keep serving a report without one)
    what = "\0".join(
        str(v) for v in ("report", out_path.name, depth, layers, digits, maps, tables, timings,
                         engine if suffix == ".pdf" else "", shutil.which("dot") or "")
    )
    rendered, _ = results_cache.rendered(target, chosen, what, render, read=cache)
    try:
        for name, data in rendered.files.items():
            (out_path.parent / name).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    log = "\n".join(line.replace("{out}", str(out_path)) for line in rendered.messages)
    figures = tuple(out_path.parent / name for name in rendered.files if name != out_path.name)
    return ReportFile(out_path, figures, log + "\n")


def render_table(bound_table: Any, format: str = "text", paper: Paper | None = None) -> str:
    """Older name of :meth:`TableResult.render` (also accepts a bare ``BoundTable``)."""
    if isinstance(bound_table, TableResult):
        return bound_table.render(format)
    return TableResult(bound_table, paper).render(format)


def regimes_latex(rmap: Any, figure: str | None = None) -> str:
    """Older name of :meth:`RegimeResult.latex`."""
    return (rmap if isinstance(rmap, RegimeResult) else RegimeResult(rmap)).latex(figure)


def plot_regimes(rmap: Any, path: str | Path) -> Path:
    """Older name of :meth:`RegimeResult.save`."""
    return (rmap if isinstance(rmap, RegimeResult) else RegimeResult(rmap)).save(path)


check_paper = check
map_regimes = regimes


def latex_report(result: PaperCheck) -> str:
    """Older name of :meth:`PaperCheck.latex`."""
    return result.latex()
