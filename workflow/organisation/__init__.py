"""The organisation layer: whose agency a login sees, Plh/Plt appointments, the mail outbox.
With workflow.permissions and the tables workflow.models.organisation and .mail.

Layers, top to bottom: interface > documents > evaluation > runs > performance data > SOP > organisation > kernel
(docs/architecture.md; checked by lint-imports in make test).
"""
