"""Organisation, SOPs and their runs. Its packages sit on several layers: organisation/ and
permissions.py, sop/, runs/, evaluation/, and the interface (views/, forms/, admin, commands).

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
