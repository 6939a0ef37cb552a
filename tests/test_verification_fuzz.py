"""Fuzzing the verification of uploads: no exception escapes, and only the exact original is ever original.

Hypothesis mutates a genuine signed PDF (byte flips, truncations, insertions, deletions, splices,
appended bytes, and edits of /ByteRange, /SubFilter and /Contents), derandomised so every run
checks the same examples.
"""

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.documents.verification import Outcome, verify_upload

from .test_verification_page import signed

EXAMPLES = 3000
LANDMARKS = (
    b"/ByteRange",
    b"/Contents",
    b"/SubFilter",
    b"/Filter",
    b"/AcroForm",
    b"/Sig",
    b"/Type",
    b"xref",
    b"startxref",
    b"trailer",
    b"%%EOF",
    b"obj",
    b"endobj",
    b"stream",
    b"/Root",
    b"/Length",
    b"%PDF",
)


@pytest.fixture
def original(balangan):
    return signed(balangan)


def landmarks(data: bytes) -> list[int]:
    found = sorted({match.start() for word in LANDMARKS for match in re.finditer(re.escape(word), data)})
    return found or [0]


def mutations(data: bytes):
    """Mutated copies of `data`, often near the places a signature check reads."""
    return mutation(data, landmarks(data))


@st.composite
def mutation(draw, data: bytes, spots: list[int]):
    size = len(data)

    def position():
        near = st.builds(
            lambda spot, delta: min(max(spot + delta, 0), size), st.sampled_from(spots), st.integers(-48, 48)
        )
        return draw(st.one_of(near, st.integers(0, size)))

    kind = draw(
        st.sampled_from(
            ["same", "flip", "truncate", "insert", "delete", "splice", "append", "byte_range", "subfilter", "contents"]
        )
    )
    out = bytearray(data)
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = min(position(), size - 1)
            out[at] = draw(st.integers(0, 255))
    elif kind == "truncate":
        del out[position() :]
    elif kind == "insert":
        at = position()
        out[at:at] = draw(st.binary(min_size=1, max_size=64))
    elif kind == "delete":
        at = position()
        del out[at : at + draw(st.integers(1, 512))]
    elif kind == "splice":
        start, length, at = position(), draw(st.integers(1, 4096)), position()
        out[at:at] = data[start : start + length]
    elif kind == "append":
        out += draw(st.binary(min_size=1, max_size=256))
    elif kind == "byte_range":
        numbers = draw(
            st.lists(
                st.one_of(st.integers(-10, 10), st.integers(-(10**12), 10**12), st.integers(0, size + 10)),
                min_size=0,
                max_size=6,
            )
        )
        text = b"/ByteRange [" + b" ".join(str(n).encode() for n in numbers) + b"]"
        out = bytearray(re.sub(rb"/ByteRange\s*\[[^\]]*\]", lambda _m: text, bytes(out), count=1))
    elif kind == "subfilter":
        name = draw(
            st.one_of(
                st.sampled_from(
                    [b"adbe.pkcs7.detached", b"adbe.pkcs7.sha1", b"adbe.x509.rsa_sha1", b"ETSI.RFC3161", b""]
                ),
                st.from_regex(rb"[A-Za-z.#0-9]{0,30}", fullmatch=True),
            )
        )
        out = bytearray(re.sub(rb"/SubFilter\s*/[^\s/>\]]*", lambda _m: b"/SubFilter /" + name, bytes(out), count=1))
    elif kind == "contents":
        match = re.search(rb"/Contents\s*<", data)
        if match:
            for _ in range(draw(st.integers(1, 4))):
                at = match.end() + draw(st.integers(0, 4000))
                out[at] = draw(st.sampled_from(b"0123456789abcdefABCDEF>< "))
    return bytes(out)


def test_no_mutation_of_a_signed_pdf_escapes_as_an_exception_or_passes_for_the_original(original):
    data = bytes(original.pdf)
    assert verify_upload(data, original).outcome == Outcome.ORIGINAL
    seen: dict[str, int] = {}
    started = time.monotonic()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(mutated=mutations(data))
    def check(mutated):
        verdict = verify_upload(mutated, original)  # raising anything fails the test
        assert verdict.outcome in set(Outcome)
        assert (verdict.outcome == Outcome.ORIGINAL) == (mutated == data), "only the exact original is original"
        seen[verdict.outcome] = seen.get(verdict.outcome, 0) + 1

    check()
    elapsed = time.monotonic() - started
    print(f"fuzzed {sum(seen.values())} uploads in {elapsed:.1f} s: {seen}")
    assert sum(seen.values()) >= EXAMPLES
