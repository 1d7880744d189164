"""The command line is a thin layer over the Python API (issue 19): each command's
JSON equals the API result's ``to_json()`` on a small input (timings aside), and the
library's errors name its own parameters while the command line names its options."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from boundprop import api
from boundprop.errors import InputError

RunCli = Callable[..., tuple[int, str, str]]


def _untimed(value: Any) -> Any:
    """``value`` without its wall-clock fields (they differ between two runs)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if not k.endswith("seconds")}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path / "cache"))


def test_check_json_is_the_api_result_and_the_command_stores_it(run_cli: RunCli) -> None:
    code, out, _ = run_cli("check", "example", "--json", "--jobs", "1")
    assert code == 0
    reused = api.check("example")  # check stores what it computed; the API reuses it
    assert reused.from_cache
    fresh = api.check("example", cache=False)
    assert not fresh.from_cache
    assert _untimed(json.loads(out)) == _untimed(fresh.to_json()) == _untimed(reused.to_json())


def test_check_no_cache_stores_nothing_and_check_always_checks_afresh(run_cli: RunCli) -> None:
    assert run_cli("check", "example", "--json", "--no-cache", "--jobs", "1")[0] == 0
    assert not api.check("example", reuse=False, cache=False).from_cache
    assert not api.check("example").from_cache  # nothing was stored: a miss (which stores)
    assert api.check("example").from_cache
    assert not api.check("example", reuse=False).from_cache  # as `boundprop check` does


def test_check_refuses_a_bad_number_of_jobs() -> None:
    with pytest.raises(InputError, match="jobs: must be at least 1"):
        api.check("example", jobs=0, cache=False)


@pytest.mark.parametrize(
    ("cli", "call"),
    [
        (("x**2 <= x", "--var", "x=0:2"), lambda: api.prove("x**2 <= x", x=(0, 2))),
        (("x**2 <= x", "--var", "x=0:2"), lambda: api.prove("x**2 <= x", variables=["x=0:2"])),
        (("n**2 >= n", "--var", "n=0:oo", "--integer", "n"),
         lambda: api.prove("n**2 >= n", integer="n", n=(0, None))),
        (("x*y <= (x**2 + y**2)/2", "--assume", "x >= y"),
         lambda: api.prove("x*y <= (x**2 + y**2)/2", assume="x >= y")),
        (("log(x) >= 0", "--var", "x=-1:1"), lambda: api.prove("log(x) >= 0", x=(-1, 1))),
    ],
)
def test_prove_json_is_the_api_verdict(run_cli: RunCli, cli: tuple[str, ...], call: Callable[[], Any]) -> None:
    code, out, _ = run_cli("prove", *cli, "--json")
    assert code == 0
    assert _untimed(json.loads(out)) == _untimed(call().to_json())


def test_prove_text_renders_the_verdict(run_cli: RunCli) -> None:
    verdict = api.prove("x**2 <= x", x=(0, 2))
    code, out, _ = run_cli("prove", "x**2 <= x", "--var", "x=0:2")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith(f"REFUTED by {verdict.method} in ")
    point = ", ".join(f"{k} = {v}" for k, v in (verdict.counterexample or {}).items())
    assert lines[1] == f"counterexample: {point}"
    assert lines[2] == "variables: x in [0, 2]"
    code, out, _ = run_cli("prove", "n**2 >= n", "--var", "n=0:oo", "--integer", "n")
    assert out.splitlines()[-1] == "variables: n integer in [0, oo)"


def test_prove_passes_a_duplicate_range_to_the_same_error(run_cli: RunCli) -> None:
    code, _, err = run_cli("prove", "x >= 0", "--var", "x=0:1", "--var", "x=0:2")
    assert code == 3 and "'x' given twice" in err
    with pytest.raises(InputError, match="'x' given twice"):
        api.prove("x >= 0", variables=["x=0:1", "x=0:2"])


def test_regimes_json_is_the_api_map(run_cli: RunCli) -> None:
    code, out, _ = run_cli("regimes", "R1", "--depth", "3", "--json")
    assert code == 0
    assert _untimed(json.loads(out)) == _untimed(api.regimes("R1", depth=3).to_json())
    code, out, _ = run_cli("regimes", "R2", "--param", "eta=1/1000:1/10", "--fix", "L=4", "--depth", "3", "--json")
    assert code == 0
    result = api.regimes("R2", params={"eta": ("1/1000", "1/10")}, fix={"L": 4}, depth=3)
    assert _untimed(json.loads(out)) == _untimed(result.to_json())


def test_regimes_latex_is_the_api_latex(run_cli: RunCli) -> None:
    code, out, _ = run_cli("regimes", "R1", "--depth", "2", "--format", "latex")
    assert code == 0 and out == api.regimes("R1", depth=2).latex() + "\n"


def test_regimes_errors_name_the_api_argument_or_the_option(run_cli: RunCli) -> None:
    with pytest.raises(InputError) as caught:
        api.regimes("R1", params=["eta=1"], depth=2)
    assert str(caught.value).startswith("`params` 'eta=1'") and "--" not in str(caught.value)
    code, _, err = run_cli("regimes", "R1", "--param", "eta=1", "--depth", "2")
    assert code == 3 and "--param 'eta=1'" in err
    with pytest.raises(InputError) as caught:
        api.regimes("R1", fix=["L"], depth=2)
    assert str(caught.value).startswith("`fix` 'L'") and "--" not in str(caught.value)
    code, _, err = run_cli("regimes", "R1", "--fix", "L", "--depth", "2")
    assert code == 3 and "--fix 'L'" in err


def test_regimes_places_a_model_as_the_command_does(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "small.npz"
    np.savez(path, **{f"layers.{i}.{m}": np.full((2, 4, 2) if m != "W_V" else (2, 4, 4), 1 / 512)
                      for i in range(3) for m in ("W_Q", "W_K", "W_V")})
    code, out, _ = run_cli("regimes", "R2", "--model", str(path), "--depth", "4", "--json")
    assert code == 0
    result = api.regimes("R2", model=path, depth=4)
    assert result.placement is not None and result.to_json()["model"]["class"] == result.placement.klass
    assert _untimed(json.loads(out)) == _untimed(result.to_json())


def test_a_model_error_names_the_parameter_in_the_library_and_the_option_on_the_command_line(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = tmp_path / "small.npz"
    np.savez(path, **{f"layers.0.{m}": np.eye(3)[:, :2] / 100 if m != "W_V" else np.eye(3) / 100
                      for m in ("W_Q", "W_K", "W_V")})
    # n (tokens) is an axis of R1's map but no quantity of a checkpoint
    with pytest.raises(InputError) as caught:
        api.regimes("R1", params={"eta": ("1/1000", "1/10"), "n": (2, 64)}, fix={"L": 2}, model=path,
                    depth=2)
    assert str(caught.value).startswith("`model`: the map's axis 'n'")
    code, _, err = run_cli("regimes", "R1", "--param", "eta=1/1000:1/10", "--param", "n=2:64",
                           "--fix", "L=2", "--model", str(path), "--depth", "2")
    assert code == 3 and "error: --model: the map's axis 'n'" in err


def test_witness_json_is_the_api_result(run_cli: RunCli) -> None:
    code, out, _ = run_cli("witness", "R1", "--param", "eta=0.1", "--param", "L=2", "--samples", "12", "--json")
    assert code == 0
    result = api.witness("R1", params={"eta": [0.1], "L": [2]}, samples=12)
    assert _untimed(json.loads(out)) == _untimed(result.to_json())
    # threads over chunks of draws give the same numbers
    threaded = api.witness("R1", params={"eta": [0.1], "L": [2]}, samples=12, workers=2)
    assert _untimed(threaded.to_json()) == _untimed(result.to_json())


def test_witness_overflow_is_an_input_error_in_the_api_too(run_cli: RunCli) -> None:
    with pytest.raises(InputError, match="overflows"):
        api.witness("R1", params={"eta": [1e300], "L": [2]}, samples=2)
    code, _, err = run_cli("witness", "R1", "--param", "eta=1e300", "--param", "L=2", "--samples", "2")
    assert code == 3 and "overflows" in err


def test_scaffold_names_its_parameters_and_new_names_its_options(tmp_path: Path, run_cli: RunCli) -> None:
    from boundprop.scaffold import scaffold, write_scaffold

    with pytest.raises(InputError) as caught:
        scaffold("p", tmp_path, 'say "hi"')
    assert str(caught.value) == "`title`: the title may not contain quotes, backslashes or newlines"
    code, _, err = run_cli("new", "p", "--dir", str(tmp_path), "--title", 'say "hi"')
    assert code == 3
    assert err.strip().endswith("error: --title: the title may not contain quotes, backslashes or newlines")
    files = scaffold("p", tmp_path)
    write_scaffold(files)
    with pytest.raises(InputError, match="pass `force` to overwrite"):
        write_scaffold(files)
    code, _, err = run_cli("new", "p", "--dir", str(tmp_path))
    assert code == 3 and "pass --force to overwrite" in err and "`" not in err


def test_gpt2_heads_error_names_the_option_of_each_command(tmp_path: Path, run_cli: RunCli) -> None:
    from boundprop.weights import read_checkpoint

    path = tmp_path / "gpt2.npz"
    np.savez(path, **{"h.0.attn.c_attn.weight": np.zeros((4, 12)), "h.0.attn.c_proj.weight": np.zeros((4, 4))})
    with pytest.raises(InputError, match="pass `heads`"):
        read_checkpoint(path)
    code, _, err = run_cli("weights", str(path))
    assert code == 3 and "pass --heads" in err
    code, _, err = run_cli("regimes", "R2", "--model", str(path), "--depth", "2")
    assert code == 3 and "pass --model-heads" in err


@pytest.mark.parametrize(
    ("kwargs", "api_text", "cli_args", "cli_text"),
    [
        ({"assume": "y > 0"}, "`assume` 'y > 0': unknown name 'y' (use it in `statement` or give `variables` y=LO:HI)",
         ("--assume", "y > 0"), "--assume 'y > 0': unknown name 'y' (use it in EXPR or give --var y=LO:HI)"),
        ({"integer": "z"}, "`integer` 'z': the name appears neither in `statement` nor in `variables`",
         ("--integer", "z"), "--integer 'z': the name appears neither in EXPR nor in --var"),
        ({"variables": ["x=0"]}, "`variables` 'x=0': expected NAME=LO:HI",
         ("--var", "x=0"), "--var 'x=0': expected NAME=LO:HI"),
    ],
)
def test_prove_errors_name_the_api_argument_or_the_option(
    run_cli: RunCli, kwargs: dict[str, Any], api_text: str, cli_args: tuple[str, ...], cli_text: str
) -> None:
    with pytest.raises(InputError) as caught:
        api.prove("x >= 0", **kwargs)
    assert str(caught.value).startswith(api_text) and "--" not in str(caught.value)
    code, _, err = run_cli("prove", "x >= 0", *cli_args)
    assert code == 3 and f"error: {cli_text}" in err and "`" not in err


def test_compare_json_is_the_api_result(run_cli: RunCli) -> None:
    code, out, _ = run_cli("compare", "--eta", "1/1000,1/10", "--heads", "1", "--depths", "1,4", "--json")
    assert code == 0
    result = api.compare(["1/1000", "1/10"], [1], [1, 4])
    assert json.loads(out) == result.to_json() and result.dong_map is None
    code, out, _ = run_cli("compare", "--eta", "1/100", "--heads", "2", "--depths", "2", "--r0", "2", "--dong",
                           "--dong-depth", "3", "--json")
    assert code == 0
    result = api.compare(["1/100"], [2], [2], r0=2, dong=True, dong_depth=3)
    assert result.dong_map is not None
    assert _untimed(json.loads(out)) == _untimed(result.to_json())


def test_compare_errors_name_the_api_argument_or_the_option(run_cli: RunCli) -> None:
    with pytest.raises(InputError, match="^`n`, `d` and `k` must be at least 1$"):
        api.compare(["1/10"], [1], [1], d=0)
    code, _, err = run_cli("compare", "--d", "0")
    assert code == 3 and "error: --n, --d and --k must be at least 1" in err
    with pytest.raises(InputError, match="^`dong_depth` must be between 1 and 30$"):
        api.compare(["1/10"], [1], [1], dong=True, dong_depth=0)
    code, _, err = run_cli("compare", "--dong-plot", "x.png", "--dong-depth", "0")
    assert code == 3 and "error: --dong-depth must be between 1 and 30" in err
    with pytest.raises(InputError) as caught:
        api.compare(["1/10"], [1], [1], dong=True, dong_fix=["gamma"])
    assert str(caught.value).startswith("`dong` 'gamma'")
    code, _, err = run_cli("compare", "--dong", "--dong-fix", "gamma")
    assert code == 3 and "error: --dong-param/--dong-fix 'gamma'" in err
    with pytest.raises(InputError, match="not exact"):
        api.compare([0.1], [1], [1])


@pytest.mark.parametrize("value", ["0", "nan", "100000"])
def test_prove_timeout_is_checked_as_check_does_and_named(run_cli: RunCli, value: str) -> None:
    code, out, err = run_cli("prove", "x >= 0", "--timeout", value)
    assert code == 3 and out == ""
    assert "error: --timeout: must be a positive number of seconds (at most 86400)" in err
    with pytest.raises(InputError, match="timeout must be a positive number of seconds"):
        api.prove("x >= 0", timeout=float(value))
