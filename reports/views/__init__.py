"""Pages of the reports app (interface layer): documents and verification, figures and targets, keys.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
