"""Bound tables: directed decimal rounding, renderings, the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from exact_eval import sign_of

from boundprop.loader import load_paper
from boundprop.propagate import Enclosure, LayerRow, layer_model, layer_rows
from boundprop.report.table import BoundTable, render, table_json

TOY = Path(__file__).parent / "data" / "toy_collapse.toml"


def _fraction(d: Decimal) -> Fraction:
    return Fraction(d)


def _table() -> BoundTable:
    paper = load_paper(TOY)
    fix = {"eta": sp.Rational(1, 10), "H": sp.Integer(4), "phi0": sp.Integer(1),
           "d": sp.Integer(2), "k": sp.Integer(2), "beta": sp.Rational(1, 2)}
    rows = layer_rows(layer_model(paper, "R2"), fix, range(0, 6))
    return BoundTable("toy-collapse", "R2", "R2", {k: Fraction(str(v)) for k, v in fix.items()}, rows, digits=5)


def test_printed_ends_enclose_the_exact_values() -> None:
    table = _table()
    paper = load_paper(TOY)
    model = layer_model(paper, "R2")
    data = table_json(table)
    point = {sp.Symbol(k, real=True): sp.Rational(v.numerator, v.denominator) for k, v in table.fixed.items()}
    for row in data["rows"]:
        quantities = model.at(row["layer"])
        for key in ("phi", "eps", "e"):
            lo, hi = sp.Rational(row[key]["lo"]), sp.Rational(row[key]["hi"])
            expr = quantities[key]
            assert sign_of(expr - lo, point) >= 0 and sign_of(hi - expr, point) >= 0, (row, key)


def test_json_shape() -> None:
    data = json.loads(render(_table(), "json"))
    assert data["theorem"] == "R2" and data["fixed"]["eta"] == "1/10"
    assert [r["layer"] for r in data["rows"]] == list(range(6))
    assert set(data["rows"][3]) == {"layer", "phi", "eps", "e"}
    assert set(data["rows"][3]["e"]) == {"lo", "hi"}


def test_csv_markdown_text() -> None:
    table = _table()
    rows = list(csv.reader(io.StringIO(render(table, "csv"))))
    assert rows[0] == ["layer", "phi_lo", "phi_hi", "eps_lo", "eps_hi", "e_lo", "e_hi"]
    assert len(rows) == 7
    md = render(table, "markdown").splitlines()
    assert md[1].startswith("| layer |") and md[2].startswith("|---:")
    text = render(table, "text")
    assert "rounded down" in text and "R2" in text


def test_exact_values_print_once() -> None:
    one = Enclosure(Fraction(3, 2), Fraction(3, 2), Fraction(3, 2))
    wide = Enclosure(Fraction(1, 3), Fraction(2, 3))
    t = BoundTable("p", "T", "T", {}, (LayerRow(1, {"phi": one, "eps": wide, "e": one}),), digits=3)
    line = render(t, "text").splitlines()[-1]
    assert "1.5" in line and "[0.333, 0.667]" in line


def test_cli_table(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = run_cli("table", "R1", "--paper", str(TOY), "--layers", "0:3", "--format", "json",
                             "--fix", "eta=1/10")
    assert code == 0, err
    data = json.loads(out)
    assert data["rows"][2]["e"] == {"lo": "2.24", "hi": "2.24"}  # 2*2*4*(1/10)*(7/5) exactly
    assert "proved" in data["recurrence"]


@pytest.mark.parametrize("args", [["--layers", "3:1"], ["--layers", "x"], ["--layers", "0:2", "--fix", "eta=oops"],
                                  ["--layers", "0:2", "--digits", "0"]])
def test_cli_table_errors(run_cli: Callable[..., tuple[int, str, str]], args: list[str]) -> None:
    code, out, err = run_cli("table", "R1", "--paper", str(TOY), *args)
    assert code == 3 and out == "" and len(err.strip().splitlines()) == 1


def test_the_columns_and_the_rows_name_the_same_quantities() -> None:
    # the quantities are listed once (LayerModel.quantities); the columns and every row follow it
    from boundprop.propagate import table_columns

    paper = load_paper(TOY)
    model = layer_model(paper, "R2")
    _, columns = table_columns(paper, "R2")
    rows = layer_rows(model, {"eta": sp.Rational(1, 10), "H": sp.Integer(4), "phi0": sp.Integer(1),
                              "d": sp.Integer(2), "k": sp.Integer(2), "beta": sp.Rational(1, 2)}, range(0, 2))
    assert [c.key for c in columns] == list(model.quantities()) == list(rows[0].values)


def test_a_fourth_quantity_declared_in_the_annotation_file_is_a_column_everywhere() -> None:
    # issue 18: the quantities of a table come from the annotation file, any number of them
    from boundprop.loader.annotations import load_annotations
    from boundprop.regimes import bound_table
    from boundprop.report.booktabs import bound_table_latex

    paper = load_paper(TOY)
    ann = load_annotations(paper, TOY.with_name("toy_collapse_ratio.regimes.toml"))
    table = bound_table(paper, "R1", range(0, 4), annotations=ann)
    assert [c.key for c in table.columns] == ["phi", "eps", "e", "ratio"]
    for row in table.rows:  # r_l = e_l / phi_l, exactly (rational at these values)
        assert row["ratio"].exact is not None and row["e"].exact is not None and row["phi"].exact is not None
        assert row["ratio"].exact == row["e"].exact / row["phi"].exact
    assert table.rows[2]["ratio"].exact == Fraction(2 * 2 * 4, 10) / Fraction(14, 10)  # 2*l*H*eta*phi0/(1+H*eta)
    text = render(table, "text").splitlines()
    assert text[1].split() == ["layer", "phi_l", "eps_l", "e_l", "e_l/phi_l"]
    assert text[4].split()[0] == "2" and text[4].endswith("[1.14285, 1.14286]")  # 8/7, rounded outward
    data = json.loads(render(table, "json"))
    ends = data["rows"][2]["ratio"]
    assert Fraction(ends["lo"]) < Fraction(8, 7) < Fraction(ends["hi"])
    from jsonschema import Draft202012Validator

    schema = json.loads((Path(__file__).parent.parent / "docs" / "schemas" / "table.json").read_text())
    Draft202012Validator(schema).validate(data)
    header = next(c for c in csv.reader(io.StringIO(render(table, "csv"))))
    assert header[-2:] == ["ratio_lo", "ratio_hi"]
    tex = bound_table_latex(table, paper, float_env=False)
    assert r"$\ell$ & $\varphi_\ell$ & $\varepsilon_\ell$ & ${e}_{\ell}$ & $r_\ell$ \\" in tex
    assert r"$r_\ell = " in tex  # an expression column is defined in the caption


def test_a_quantity_that_does_not_parse_names_its_line(tmp_path: Path) -> None:
    from boundprop.errors import BoundpropError
    from boundprop.loader.annotations import load_annotations

    paper = load_paper(TOY)
    path = tmp_path / "bad.regimes.toml"
    path.write_text('paper = "toy-collapse"\n[layers.R1]\nquantities = [\n'
                    '  { key = "e", title = "e", latex = "e", expr = "err" },\n'
                    '  { key = "r", title = "r", latex = "r", expr = "err/nosuch(l)" },\n]\n', encoding="utf-8")
    with pytest.raises(BoundpropError) as info:
        layer_model(paper, "R1", load_annotations(paper, path))
    assert info.value.where == f"{path}:5"
