"""The performance-data layer: indicators, targets, figures and evidence, capaian and predikat, the
figures lock, the Excel of a unit's quarter and of the targets. Knows nothing of runs or documents.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
