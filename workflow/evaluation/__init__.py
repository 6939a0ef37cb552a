"""SOP monitoring and evaluation (PermenPAN-RB 35/2012): records, and the evidence of how the runs of
a version went. Above the runs it reads.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
