"""The layout is a picture of the domain, and it stays one: the layers of docs/architecture.md hold
(import-linter), no module circle, no private name borrowed across modules, no function copied
between modules, and the "Where is …?" table names only places that exist."""

import ast
import importlib
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sopkinerja", "workflow", "reports")
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def application_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_layer_contracts_hold_counting_imports_inside_functions():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: the groups of modules that import each other in a circle."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_modules_import_each_other_in_a_circle_counting_imports_inside_functions():
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    modules = {m for m in graph.modules if ".migrations" not in m}
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules} for m in modules}
    assert strongly_connected(edges) == []


def test_the_cycle_finder_finds_a_circle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_is_imported_from_another_module():
    borrowed = []
    for path in [*application_modules(), *sorted((ROOT / "tests").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in {*PACKAGES, "tests"}:
                borrowed += [
                    f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert borrowed == []


def function_bodies(path: Path):
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and len(node.body) >= 2:
            body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body  # the docstring aside
            if len(body) >= 2:
                yield node.name, ast.dump(ast.Module(body=body, type_ignores=[]), annotate_fields=False)


def test_no_function_is_copied_between_application_modules():
    places = defaultdict(list)
    for path in application_modules():
        for name, body in function_bodies(path):
            places[body].append(f"{path.relative_to(ROOT)}:{name}")
    assert [where for where in places.values() if len(where) > 1] == []


def where_is_rows() -> list[tuple[str, list[str]]]:
    text = ARCHITECTURE.read_text()
    table = text.split("## Where is …?", 1)[1]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] not in {"use case", "---"} and not set(cells[0]) <= {"-"}:
            rows.append((cells[0], re.findall(r"`([^`]+)`", cells[1])))
    return rows


def resolve(dotted: str) -> object:
    """Import the longest module prefix of the dotted path, then follow the attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


def named_places(places: list[str]) -> list[str]:
    """The dotted paths a row names; a bare name after a dotted path lives beside it (same module)."""
    named, module = [], None
    for place in places:
        if place.split(".")[0] in PACKAGES:
            named.append(place)
            module = place if _is_module(place) else place.rsplit(".", 1)[0]
        elif module and re.fullmatch(r"[A-Za-z_]\w*", place) and not place.isupper():
            named.append(f"{module}.{place}")
    return named


def _is_module(dotted: str) -> bool:
    try:
        importlib.import_module(dotted)
    except ModuleNotFoundError:
        return False
    return True


def test_every_place_in_the_where_is_table_exists():
    rows = where_is_rows()
    assert len(rows) > 30, "the Where is …? table was not found"
    stale = []
    for use_case, places in rows:
        for dotted in named_places(places):
            try:
                resolve(dotted)
            except (ImportError, AttributeError):
                stale.append(f"{use_case}: {dotted}")
    assert stale == []


@pytest.mark.parametrize(
    "question",
    [
        "approve a step",
        "compute capaian",
        "sign a PDF",
        "verify a signature",
        "import an SOP",
        "save a figure",
        "who may act",
        "resolve a page's agency",
    ],
)
def test_the_where_is_table_answers_a_newcomers_question_with_one_place(question):
    rows = [places for use_case, places in where_is_rows() if use_case == question]
    assert len(rows) == 1, f"no single row for {question!r}"
    assert len(named_places(rows[0])) == 1, f"{question!r} should point at one place: {rows[0]}"


def test_the_verification_workers_import_without_djangos_apps():
    """The killable workers that read uploaded PDFs start without django.setup(): their module must
    not import a table (reports.documents.verification, run by a forkserver)."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'; "
        "import reports.documents.verification as v; print(v.judge_copy.__name__)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "judge_copy"
