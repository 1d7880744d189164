"""The command line's rough edges (issue 19): usage of the subcommand on a bad
option, "did you mean" for commands, options, node ids and built-ins, and a
start-up that does not load the engine for ``--help``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest

from boundprop.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def test_an_unknown_option_shows_the_subcommands_usage_and_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["check", "--jsn", "example"], capsys)
    assert code == 3
    assert err.startswith("usage: boundprop check ")
    assert "unrecognized option '--jsn'; did you mean '--json'?" in err
    code, err = _run(["prove", "x >= 0", "--vr", "x=0:1"], capsys)
    assert code == 3 and err.startswith("usage: boundprop prove ") and "did you mean '--var'?" in err
    code, err = _run(["graph", "example", "stray"], capsys)
    assert code == 3 and err.startswith("usage: boundprop graph ") and "unexpected argument 'stray'" in err


def test_an_unknown_command_is_suggested(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["chek", "example"], capsys)
    assert code == 3 and "unknown command 'chek'; did you mean 'check'?" in err
    code, err = _run(["frobnicate"], capsys)
    assert code == 3 and "unknown command 'frobnicate'" in err and "did you mean" not in err


def test_a_misspelt_node_id_is_suggested(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["table", "R3", "--paper", "alman-song-2025", "--layers", "0:1"], capsys)
    assert code == 3 and "no node 'R3' in alman-song-2025; did you mean 'R2'?" in err


def test_ln_is_refused_with_a_suggestion_of_log(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["prove", "ln(x) <= x", "--var", "x=1:2"], capsys)
    assert code == 3 and "'ln' is not a function; did you mean 'log'?" in err


def test_prove_help_does_not_load_the_engine() -> None:
    code = (
        "import sys\n"
        "from boundprop.cli import main\n"
        "try:\n"
        "    main(['prove', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('MODULES', *(m for m in ('sympy', 'z3', 'scipy', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "--var NAME=LO:HI" in out
    assert out.splitlines()[-1] == "MODULES"


def test_the_written_out_default_timeout_is_the_budgets() -> None:
    from boundprop.cli.prove_cmd import DEFAULT_TIMEOUT
    from boundprop.statement import Budget

    assert DEFAULT_TIMEOUT == Budget().seconds


def test_a_goal_without_hypotheses_is_not_called_a_hypothesis() -> None:
    from boundprop.check import _decide_with_shortcuts
    from boundprop.cli.prove_cmd import build_statement
    from boundprop.statement import Budget
    from boundprop.verdict import CheckResult, Status

    def never(*_: object) -> CheckResult:
        return CheckResult(Status.UNKNOWN, "none", "not decided")

    true_goal = _decide_with_shortcuts(build_statement("x <= x + 1", var_specs=["x=0:1"]), Budget(), never)
    assert true_goal.status is Status.PROVED and true_goal.evidence == "the goal is literally true"
    assumed = _decide_with_shortcuts(build_statement("x <= y", ["x <= y"], ["x=0:2", "y=0:2"]), Budget(), never)
    assert assumed.evidence == "every goal is literally a hypothesis"


def _report(paper_body: str, lemma_file: object, decide: object) -> object:
    from boundprop.check import check_paper
    from boundprop.loader import load_paper

    return check_paper(load_paper(lemma_file(paper_body)), decide=decide)  # type: ignore[operator]


_ONE = """
[[node]]
id = "A"
label = "Lemma A"
provenance = "paper"
text = "t"
conclusion = "x <= 2"
"""


def test_the_tally_says_one_statement_and_nothing_for_an_empty_paper(lemma_file: object) -> None:
    from boundprop.report.text import findings
    from boundprop.verdict import CheckResult, Status

    report = _report(_ONE, lemma_file, lambda s, b: CheckResult(Status.PROVED, "scripted", "proved"))
    first = findings(report)[0]  # type: ignore[arg-type]
    assert first.startswith("1 statement checked in ") and first.endswith(": 1 proved.")
    empty = _report("", lemma_file, lambda s, b: CheckResult(Status.PROVED, "scripted", "proved"))
    line = findings(empty)[0]  # type: ignore[arg-type]
    assert line.startswith("0 statements checked in ") and not line.endswith(": .") and line.endswith(" s.")


def test_the_check_table_is_one_line_per_node_and_verbose_adds_the_evidence(lemma_file: object) -> None:
    import io

    from rich.console import Console

    from boundprop.report.text import node_table
    from boundprop.verdict import CheckResult, Status

    long = "z3: " + "a very long piece of evidence " * 12
    report = _report(_ONE, lemma_file, lambda s, b: CheckResult(Status.PROVED, "z3", long))

    def shown(verbose: bool) -> str:
        console = Console(file=io.StringIO(), width=100, color_system=None)
        console.print(node_table(report, verbose=verbose))  # type: ignore[arg-type]
        return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]

    compact = shown(False)
    rows = [line for line in compact.splitlines() if line.startswith("A ")]
    assert len(rows) == 1 and "proved" in rows[0] and "long piece" not in compact
    verbose = shown(True)
    assert "A: a very long piece of evidence" in verbose  # the method's name is not repeated
    assert "z3: a very" not in verbose


def test_regimes_summary_counts_one_cell_in_the_singular(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    # a map classed whole by a vacuity theorem has one cell: "1 cell", not "1 cells"
    code, out, _ = run_cli("regimes", "R1")
    assert code == 0 and "1 cell (1 evaluated)" in out and "1 cells" not in out
