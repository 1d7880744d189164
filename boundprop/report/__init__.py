"""Renderers of computed results (text, LaTeX, HTML, tables, drawings): see the modules."""

__all__: list[str] = []
