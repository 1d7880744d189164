"""The experiments are the papers' plug-ins; the engine holds the protocol and the registry."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from boundprop import simulated
from boundprop.errors import InputError
from boundprop.loader import BUNDLED_LEMMAS


def test_registry_comes_from_the_bundled_plugins() -> None:
    registry = simulated.experiments()
    assert registry, "no experiment registered"
    wu = simulated.plugin("wu_2024")
    assert {e.name for e in wu.EXPERIMENTS} <= set(registry)
    assert all(registry[e.name] is e for e in wu.EXPERIMENTS)
    # the engine module defines no experiment runner of its own
    assert not [name for name in vars(simulated) if name.startswith(("_masked", "_radius", "_ln_"))]


def test_plugin_doctests_pass() -> None:
    result = doctest.testmod(simulated.plugin("wu_2024"), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_an_unknown_plugin_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no experiment plug-in"):
        simulated.plugin("no_such_paper")


def test_plugins_are_shipped_with_the_lemma_files() -> None:
    # pyproject installs lemmas/*_experiments.py beside lemmas/*.toml (share/boundprop/lemmas)
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"lemmas/*_experiments.py"' in text
    assert (BUNDLED_LEMMAS / f"wu_2024{simulated.PLUGIN_SUFFIX}.py").is_file()
