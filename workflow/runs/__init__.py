"""The runs layer: the state machines of an SOP run (workflow.models.run), disposisi, the working
calendar of deadlines, the timeline and the mail about work. Reads the figures of the layer below.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
