"""Malformed SOP input never crashes: Waktu text and flow graphs of any shape get an answer."""

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.sop.graph import Arrow, Node, problems
from workflow.sop.text import parse_waktu

SYMBOLS = st.sampled_from(["terminator", "process", "decision"])


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40) | st.from_regex(r"\s*\d{1,7}([.,]\d{0,3})?\s*[A-Za-z ]{0,14}(\(.*\))?", fullmatch=True))
def test_any_waktu_text_is_read_or_refused_with_a_message(text):
    try:
        waktu = parse_waktu(text)
    except ValidationError as refusal:
        assert refusal.messages and all(message.strip() for message in refusal.messages)
    else:
        assert waktu.amount is None or 0 <= waktu.amount <= 100_000 * 60


@st.composite
def graphs(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    numbers = draw(st.lists(st.integers(1, 40), min_size=count, max_size=count, unique=True))
    nodes = []
    for number in numbers:
        exits = draw(
            st.lists(st.tuples(st.sampled_from(["", "Ya", "Tidak", "ya", "Lengkap"]), st.integers(0, 42)), max_size=4)
        )
        nodes.append(Node(number, draw(SYMBOLS), tuple(Arrow(label, target) for label, target in exits)))
    return nodes


@settings(max_examples=400, deadline=None)
@given(graphs())
def test_any_flow_graph_gets_a_list_of_problems_each_naming_what_is_wrong(nodes):
    found = problems(nodes)
    assert isinstance(found, list) and all(isinstance(problem, str) and problem for problem in found)
    if not found:  # a sound graph: the first and last are terminators and an end exists
        ordered = sorted(nodes, key=lambda node: node.number)
        assert ordered[0].symbol == ordered[-1].symbol == "terminator"
        assert any(node.is_end for node in nodes)
