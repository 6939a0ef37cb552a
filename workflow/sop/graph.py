"""The SOP's flowchart as a graph: steps are nodes, exits are labelled arrows.

The rules (checked before a version becomes effective, and live in the editor and on import):
- the first and the last step are terminators; a terminator without exits is an end, and an SOP
  may have several ends; a terminator has at most one exit;
- a process step has exactly one exit (by default to the next step);
- a decision has two or more exits, each with its own label (Ya/Tidak, Lengkap/Tidak lengkap,
  Disetujui/Ditolak/Didisposisikan …), to any earlier or later step;
- every step is reachable from the first one, and from every step some end can be reached.
Each problem is one Indonesian sentence that names the step.
"""

from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Arrow:
    label: str
    target: int  # the number of the step it leads to


@dataclass(frozen=True)
class Node:
    number: int
    symbol: str  # "terminator", "process" or "decision"
    exits: tuple[Arrow, ...] = field(default_factory=tuple)

    @property
    def is_end(self) -> bool:
        return self.symbol == "terminator" and not self.exits


def nodes_of(version) -> list[Node]:
    """The graph of a stored version (uses prefetched steps and exits when there are some)."""
    numbers = {step.pk: step.number for step in version.steps.all()}
    return [
        Node(step.number, step.symbol, tuple(Arrow(e.label, numbers.get(e.target_id, 0)) for e in step.exit_list()))
        for step in sorted(version.steps.all(), key=lambda s: s.number)
    ]


def graph_problems(version) -> list[str]:
    return problems(nodes_of(version))


def problems(nodes: list[Node]) -> list[str]:
    """Every broken rule, in step order; empty when the graph is sound."""
    if not nodes:
        return [_("The SOP has no steps: an effective SOP needs at least one.")]
    nodes = sorted(nodes, key=lambda n: n.number)
    by_number = {node.number: node for node in nodes}
    found: list[str] = []
    first, last = nodes[0], nodes[-1]
    for node, which in ((first, _("first")), (last, _("last"))):
        if node.symbol != "terminator":
            found.append(
                _("Step %(n)d is the %(which)s step: draw it as a terminator (start/end).")
                % {"n": node.number, "which": which}
            )
    for node in nodes:
        n = {"n": node.number}
        targets = [arrow.target for arrow in node.exits]
        for arrow in node.exits:
            if arrow.target not in by_number:
                found.append(
                    _("Step %(n)d: the exit %(label)s leads to step %(target)d, which does not exist.")
                    % {**n, "label": _quoted(arrow.label), "target": arrow.target}
                )
            elif arrow.target == node.number:
                found.append(_("Step %(n)d: an exit cannot lead back to the same step.") % n)
        if node.symbol == "decision":
            labels = [arrow.label.strip().casefold() for arrow in node.exits]
            if len(node.exits) < 2:
                found.append(_("Step %(n)d is a decision: it needs at least two exits, each with a label.") % n)
            elif any(not label for label in labels):
                found.append(_("Step %(n)d is a decision: every exit needs a label (e.g. Ya / Tidak).") % n)
            elif len(set(labels)) != len(labels):
                found.append(_("Step %(n)d is a decision: two exits have the same label.") % n)
        elif node.symbol == "process" and len(targets) != 1:
            found.append(
                _("Step %(n)d is a process: it has exactly one exit (use a decision for a choice).") % n
                if targets
                else _("Step %(n)d is a process without an exit: say which step comes next.") % n
            )
        elif node.symbol == "terminator" and len(targets) > 1:
            found.append(_("Step %(n)d is a terminator: it has at most one exit.") % n)
    if not any(node.is_end for node in nodes):
        found.append(_("The flow has no end: the last step must be a terminator without exits."))
        return found
    reachable = _walk(first.number, {node.number: [a.target for a in node.exits] for node in nodes})
    for node in nodes:
        if node.number not in reachable:
            found.append(_("Step %(n)d cannot be reached from the first step.") % {"n": node.number})
    backwards: dict[int, list[int]] = {node.number: [] for node in nodes}
    for node in nodes:
        for arrow in node.exits:
            backwards.setdefault(arrow.target, []).append(node.number)
    finishing = set()
    for end in (node for node in nodes if node.is_end):
        finishing |= _walk(end.number, backwards)
    for node in nodes:
        if node.number in reachable and node.number not in finishing:
            found.append(_("From step %(n)d no path reaches an end of the SOP.") % {"n": node.number})
    return found


def _walk(start: int, edges: dict[int, list[int]]) -> set[int]:
    seen, queue = {start}, deque([start])
    while queue:
        for target in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _quoted(label: str) -> str:
    return f"“{label}”" if label else "→"


def default_exits(nodes: list[Node]) -> list[Node]:
    """A process or starting terminator written without exits goes on to the next step."""
    nodes = sorted(nodes, key=lambda n: n.number)
    result = []
    for index, node in enumerate(nodes):
        following = nodes[index + 1].number if index + 1 < len(nodes) else None
        wants_default = node.symbol == "process" or (node.symbol == "terminator" and index == 0)
        if not node.exits and wants_default and following is not None:
            node = Node(node.number, node.symbol, (Arrow("", following),))
        result.append(node)
    return result
