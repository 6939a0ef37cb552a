"""The kernel: periods, uploads and their checks, the client address, rate and slot limits, SOP size
limits, NIP, workbook cells, shared forms. It imports no app and no wiring.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
