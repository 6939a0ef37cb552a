"""Timing probes for the request path (tests/bench/inprocess.py middleware): one probe between each
two middleware of settings.MIDDLEWARE and one before the view, each noting when the request passes it
on the way in and the response on the way out. A middleware's own cost is the time between its outer
probe and its inner one, in and out; the view's is the innermost probe's. A probe costs two clock
reads and an append."""

import time

MARKS: list[tuple[int, str, float]] = []  # (probe index, "in" or "out", perf_counter)
PROBES = 24  # more than settings.MIDDLEWARE has entries


def probe_class(index: int) -> type:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        MARKS.append((index, "in", time.perf_counter()))
        response = self.get_response(request)
        MARKS.append((index, "out", time.perf_counter()))
        return response

    return type(f"Probe{index}", (), {"__init__": __init__, "__call__": __call__})


# Settings name middleware by dotted path: Probe0 … Probe23 live here.
globals().update({f"Probe{index}": probe_class(index) for index in range(PROBES)})


def probed(middleware: list[str]) -> list[str]:
    """settings.MIDDLEWARE with a probe before each entry and one before the view."""
    chain = []
    for index, path in enumerate(middleware):
        chain += [f"{__name__}.Probe{index}", path]
    return [*chain, f"{__name__}.Probe{len(middleware)}"]


def costs(middleware: list[str]) -> dict[str, float]:
    """Seconds spent in each middleware (its own work, in and out) and in the view, from MARKS of one
    request; empty when the request did not reach every probe (a middleware answered early)."""
    at = {(index, way): moment for index, way, moment in MARKS}
    last = len(middleware)
    if any((index, way) not in at for index in range(last + 1) for way in ("in", "out")):
        return {}
    result = {
        path: (at[(index + 1, "in")] - at[(index, "in")]) + (at[(index, "out")] - at[(index + 1, "out")])
        for index, path in enumerate(middleware)
    }
    result["view"] = at[(last, "out")] - at[(last, "in")]
    return result
