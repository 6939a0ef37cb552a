"""Whether a quarter's figures are locked, whoever locks them.

The performance layer does not know the runs above it. The runs layer tells it which quarters its
data-collection steps have locked by registering a rule here when its models load
(workflow.models.run); a quarter is locked when any registered rule says so. The figures services
and pages ask `figures_locked` and nothing else.
"""

from collections.abc import Callable

LockRule = Callable[[object, int, int], bool]  # (agency, year, quarter) -> locked?

rules: list[LockRule] = []


def figures_lock_rule(rule: LockRule) -> LockRule:
    """Register a rule that may lock a quarter's figures (a decorator; registering twice is harmless)."""
    if rule not in rules:
        rules.append(rule)
    return rule


def figures_locked(agency, year: int, quarter: int) -> bool:
    """The quarter's figures may no longer be changed by their units: a registered rule locks them."""
    return any(rule(agency, year, quarter) for rule in rules)
