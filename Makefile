# `make demo`: set up and check the bundled Alman–Song paper.  `make test`: the whole test suite.
.PHONY: setup demo test lint

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/boundprop check alman-song-2025

test: setup
	.venv/bin/python -m pytest
	.venv/bin/python -m mypy
	.venv/bin/python -m ruff check boundprop
