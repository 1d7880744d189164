"""The shared NAME=LO:HI parser: the library's errors name no flag, the CLI's do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from boundprop.errors import InputError, RangeError
from boundprop.loader import load_paper
from boundprop.rangespec import parse_range, parse_value
from boundprop.regimes import parse_axis, parse_fix


@pytest.mark.parametrize("spec", ["x", "x=0", "x=:1", "=0:1", "1x=0:1", "x=0:1:2"])
def test_malformed_range_is_refused(spec: str) -> None:
    with pytest.raises(RangeError, match="NAME=LO:HI") as err:
        parse_range(spec)
    assert "--" not in str(err.value)


def test_log_suffix_only_where_allowed() -> None:
    assert parse_range("x=1:2:log", log=True).log
    with pytest.raises(RangeError):
        parse_range("x=1:2:log")


@pytest.mark.parametrize(("call", "spec"), [(parse_axis, "nope=0:1"), (parse_axis, "x=0"), (parse_axis, "x=1:0"),
                                            (parse_fix, "x"), (parse_fix, "nope=1")])
def test_library_errors_name_no_flag(call: Callable[..., object], spec: str) -> None:
    with pytest.raises(InputError) as err:
        call(spec, load_paper("example"))
    assert str(err.value).startswith(repr(spec)), str(err.value)


def test_parse_value_strips() -> None:
    assert parse_value(" eta = 1/10 ") == ("eta", "1/10")


@pytest.mark.parametrize(("args", "start"), [
    (["regimes", "E1", "--paper", "example", "--param", "x=0"], "--param 'x=0': write NAME=LO:HI"),
    (["regimes", "E1", "--paper", "example", "--param", "x=0:1", "--fix", "y"], "--fix 'y': write NAME=VALUE"),
    (["regimes", "E1", "--paper", "example", "--param", "x=0:1", "--project", "nope=0:1"], "--project 'nope=0:1'"),
    (["prove", "x >= 0", "--var", "exp=0:1"], "--var 'exp=0:1': 'exp' is a function"),
    (["compare", "--eta", "0.01", "--heads", "1", "--depths", "1", "--dong", "--dong-param", "beta=1:0"],
     "--dong-param/--dong-fix 'beta=1:0': empty or inverted range"),
])
def test_cli_adds_the_flag(run_cli: Callable[..., tuple[int, str, str]], args: list[str], start: str) -> None:
    code, out, err = run_cli(*args)
    assert code == 3 and out == "", err
    assert err.strip().split(": error: ", 1)[-1].startswith(start), err
    assert len(err.strip().splitlines()) == 1


def test_no_cli_module_imports_another() -> None:
    import ast

    cli = Path(__file__).resolve().parent.parent / "boundprop" / "cli"
    for path in cli.glob("*.py"):
        if path.name in ("__init__.py", "args.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("boundprop.cli"):
                assert node.module == "boundprop.cli.args", f"{path.name}:{node.lineno} imports {node.module}"


def test_library_errors_name_no_command_line_flag() -> None:
    # issue 18: the library raises with its parameter's name (`fix`); only cli/ knows the flags
    import ast
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "boundprop"
    option = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                for const in ast.walk(node.exc):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str) and option.search(const.value):
                        found.append(f"{path.relative_to(package)}:{const.lineno}: {const.value!r}")
    assert not found, "library errors that name a command-line flag:\n" + "\n".join(found)


def test_cli_names_the_flag_of_a_library_error(capsys: pytest.CaptureFixture[str]) -> None:
    from boundprop.cli import main

    code = main(["regimes", "R1", "--param", "eta=0:1", "--param", "eta=0:1/2", "--fix", "H=1", "--fix", "phi0=1"])
    err = capsys.readouterr().err
    assert code == 3 and "--param" in err and "`params`" not in err
