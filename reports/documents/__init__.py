"""The documents layer: every printed document rendered from data, whether it may be signed,
requests rendered in the background, electronic signatures and their verification.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
