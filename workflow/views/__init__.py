"""Pages of the workflow app (interface layer): access.py resolves the agency and the object of a page;
the other modules call services and selectors and render.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
