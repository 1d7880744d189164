"""The public API (docs/api.md): the curated names, their results and views,
and the values are the ones the command line reports (the worked example runs
in tests/test_api_docs.py)."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import boundprop
from boundprop.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def test_the_public_names_and_a_cheap_import() -> None:
    for name in boundprop.__all__:
        assert getattr(boundprop, name) is not None
    code = "import sys, boundprop; print(int('sympy' in sys.modules), int('z3' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "0"]
    with pytest.raises(AttributeError):
        boundprop.no_such_name  # noqa: B018


def test_prove_with_exact_ranges() -> None:
    verdict = boundprop.prove("exp(x) >= 1 + x", x=(-1, 1))
    assert verdict.proved and verdict.variables == {"x": ("-1", "1")}
    assert verdict.to_json()["verdict"] == "proved"
    refuted = boundprop.prove("x**2 <= x", x=(Fraction(0), "2"))
    assert refuted.refuted and refuted.counterexample is not None
    x = Fraction(refuted.counterexample["x"])
    assert 0 <= x <= 2 and x * x > x  # a real counterexample
    with pytest.raises(InputError, match="not exact"):
        boundprop.prove("x >= 0", x=(0.1, 1))
    with pytest.raises(InputError, match="pair"):
        boundprop.prove("x >= 0", x=(0,))
    ill = boundprop.prove("x/x <= 1", x=(-1, 1))
    assert ill.status == "ill-defined" and ill.witness is not None


def test_check_values_match_the_json_and_use_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path))
    seen: list[str] = []
    result = boundprop.check("example", progress=lambda node, i, total: seen.append(node))
    assert not result.from_cache and "E1" in seen
    again = boundprop.check("example")
    assert again.from_cache
    assert again.statuses == result.statuses
    assert result.node("Lemma 2").status == "refuted"
    assert [n.id for n in result.findings] == ["E2"]
    assert result.counts["refuted"] == 1 and sum(result.counts.values()) == len(result.statuses)
    assert result.to_json()["nodes"][0]["id"] == next(iter(result.report.nodes))
    assert "<table>" in result._repr_html_() and "#ffc9c9" in result._repr_html_()
    assert "refuted" in result.summary()
    assert result.dot().startswith("digraph")
    with pytest.raises(InputError, match="no node"):
        result.node("Lemma 99")
    fresh = boundprop.check(boundprop.load("example"))
    assert not fresh.from_cache and fresh.statuses == result.statuses


def test_a_submodule_of_the_same_name_does_not_hide_the_function(tmp_path: Path) -> None:
    """``import boundprop.check`` (as the command line does) binds the submodule on the
    package; ``boundprop.check(...)`` must still check, and the module's own names stay."""
    code = (
        "import boundprop.check, boundprop.compare, boundprop.regimes, boundprop.report.dot, boundprop.witness\n"
        "import boundprop\n"
        "from boundprop.cli import check_cmd\n"
        "assert boundprop.check.check_paper.__module__ == 'boundprop.check'\n"
        "assert boundprop.report.dot.to_dot and boundprop.witness.run_witness\n"
        "result = boundprop.check('example', cache=False)\n"
        "print(result.statuses['E2'].value, type(result).__name__, callable(boundprop.regimes),\n"
        "      callable(boundprop.witness), callable(boundprop.report),\n"
        "      type(boundprop.compare(['1/1000'], [1], [1])).__name__, boundprop.compare.dong_problem.__name__)\n"
    )
    env = {"BOUNDPROP_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["refuted", "PaperCheck", "True", "True", "True", "ComparisonResult", "dong_problem"]


def test_the_old_names_still_work() -> None:
    from boundprop import api

    assert boundprop.check_paper is api.check and boundprop.map_regimes is api.regimes
    assert "check_paper" not in boundprop.__all__


def test_node_and_verdict_latex_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path))
    result = boundprop.check("example")
    latex = result.node("E1")._repr_latex_()
    assert latex.startswith(r"\textbf{Lemma 1} (proved)") and "$" in latex  # typeset, not the raw wording
    assert r"\begin{document}" in result.latex()
    verdict = boundprop.prove("exp(x) >= 1 + x", x=(-1, 1))
    assert verdict._repr_latex_().startswith("$e^{x}")


def test_the_data_frames_and_a_clear_error_without_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path))
    result = boundprop.check("example")
    frame = result.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc["E2", "status"] == "refuted" and set(frame.index) == set(result.statuses)
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if the notebook extra were not installed
    with pytest.raises(InputError, match=r"needs pandas: pip install 'boundprop\[notebook\]'"):
        result.to_dataframe()


def test_regimes_result_views(tmp_path: Path) -> None:
    rmap = boundprop.regimes("R1", depth=3)
    assert isinstance(rmap, boundprop.RegimeResult) and rmap.theorem == "R1"
    fractions = rmap.fractions()
    assert abs(sum(fractions.values()) - 1) < 1e-9
    assert rmap.to_json()["cells"] and len(rmap.to_json()["cells"]) == len(rmap.cells)
    figure = rmap.figure()
    from matplotlib.figure import Figure

    assert isinstance(figure, Figure) and len(figure.axes) == 1
    png = rmap._repr_png_()
    assert png is not None and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "#1a9641" in rmap._repr_html_()  # the informative colour of the plots
    assert rmap.save(tmp_path / "m.svg").read_text().lstrip().startswith("<?xml")
    assert r"\begin{tabular}" in rmap.latex() or "tabular" in rmap.latex()
    pd = pytest.importorskip("pandas")
    frame = rmap.to_dataframe()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(rmap.cells)
    assert abs(frame["volume"].sum() - 1) < 1e-9
    for cell, (_, row) in zip(rmap.cells, frame.iterrows(), strict=True):
        assert row["class"] == cell.klass.value
        assert Fraction(row[f"{rmap.map.problem.axes[0].name}_lo"]) == cell.box[0][0]  # exact, not rounded


def test_table_result_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path))
    bounds = boundprop.table("R1", layers=(0, 2), fix={"eta": "1/100"})
    assert isinstance(bounds, boundprop.TableResult) and [r.layer for r in bounds.rows] == [0, 1, 2]
    data = bounds.to_json()
    assert data["theorem"] == "R1" and len(data["rows"]) == 3
    assert bounds.render("csv").splitlines()[0].startswith("layer,")
    assert boundprop.render_table(bounds, "markdown") == bounds.render("markdown")  # the older name
    assert "<table>" in bounds._repr_html_()
    pytest.importorskip("pandas")
    frame = bounds.to_dataframe()
    assert list(frame.index) == [0, 1, 2]
    first = data["rows"][0]
    key = next(k for k in first if k != "layer")
    assert frame.loc[0, f"{key}_hi"] == first[key]["hi"]


def test_witness_result_views() -> None:
    measured = boundprop.witness("R1", params={"eta": [0.1], "L": [2]}, samples=8)
    assert isinstance(measured, boundprop.WitnessResult) and measured.soundness_failures == ()
    assert measured.to_json()["configurations"][0]["samples"] == 8
    again = boundprop.witness("R1", params={"eta": [0.1], "L": [2]}, samples=8)
    assert again.configurations[0].measured == measured.configurations[0].measured  # seeded
    assert "<table>" in measured._repr_html_()
    with pytest.raises(InputError, match="samples"):
        boundprop.witness("R1", samples=0)


def test_report_writes_a_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path / "cache"))
    written = boundprop.report("example", tmp_path / "example.html", maps=False, tables=False)
    assert isinstance(written, boundprop.ReportFile)
    assert "<html" in written.path.read_text(encoding="utf-8")[:500].lower()
    assert f"wrote {written.path}" in written.log
    source = boundprop.report("example", tmp_path / "example.tex", maps=False, tables=False)
    assert r"\documentclass" in source.path.read_text(encoding="utf-8")
    assert all(f.name.startswith("example-") for f in source.files)
