"""The SOP layer: versions and their text, the graph of steps, Waktu, the flowchart and the sheet's
layout, the editor's drafts, the exchange formats. Imports the organisation and the kernel only.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
