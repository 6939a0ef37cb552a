"""Every endpoint of the API fuzzed: generated path segments, pages, JSON bodies and raw bytes. Never a
server error; every refusal is JSON with a code and a message; and a refused write leaves the
database exactly as it was (the audit of refused writes aside). FORM_FUZZ_EXAMPLES sets the count
(`make fuzz` runs more)."""

import json
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from reports.performance.selectors import figure_entries
from sopkinerja.common.periods import Period
from workflow.models import Sop
from workflow.sop.exchange.json_format import export_version

from .api_helpers import bearer, token_for
from .conftest import user
from .figures_helpers import library_visitors
from .fuzzing import FUZZ, NASTY, fingerprint

CHANGED_BY_DESIGN = ("workflow_apiwrite", "workflow_apitoken")  # the audit, the token's last use
GETS = [
    "units?page={n}",
    "positions?page={n}",
    "indicators/{x}",
    "figures/{x}",
    "export/{x}",
    "runs?page={n}",
    "runs/{x}",
    "documents?page={n}",
    "documents/{x}",
    "documents/{x}/pdf",
    "sops?page={n}",
    "sops/{x}",
]
words = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers(-(2**70), 2**70).map(str))
slugs = st.one_of(st.sampled_from(["balangan", "padang-panjang"]), words)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), words),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(words, inner, max_size=4)),
    max_leaves=12,
)


def _segment(value: str) -> str:
    return quote(value, safe="")


def _refused_cleanly(response, before) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        answer = response.json()
        assert answer["code"] and answer["message"], answer
        assert fingerprint(CHANGED_BY_DESIGN) == before, response.content[:300]


def _setup(settings, balangan):
    settings.API_RATE = "100000/m"
    return bearer(token_for(balangan)[1])


@FUZZ
@given(template=st.sampled_from(GETS), slug=slugs, x=words, n=words)
def test_no_read_answers_a_server_error(client, balangan, settings, template, slug, x, n):
    headers = _setup(settings, balangan)
    path = template.format(x=_segment(x), n=_segment(n))
    before = fingerprint(CHANGED_BY_DESIGN)
    _refused_cleanly(client.get(f"/api/v1/agencies/{_segment(slug)}/{path}", headers=headers), before)


def _figure_rows(ids):
    row = st.fixed_dictionaries(
        {"indicator": st.one_of(st.sampled_from(ids), st.integers(-(2**70), 2**70), words)},
        optional={name: st.one_of(words, json_values) for name in ("value", "note", "na_reason", "obstacles")},
    )
    return st.one_of(st.fixed_dictionaries({"rows": st.lists(row, max_size=4)}), json_values)


@FUZZ
@given(data=st.data(), period=st.one_of(st.just("2026-TW4"), words), raw=st.booleans())
def test_no_figures_write_answers_a_server_error_or_saves_in_part(client, balangan, settings, data, period, raw):
    headers = _setup(settings, balangan)
    unit = library_visitors(balangan).responsible_unit
    ids = [entry.indicator.pk for entry in figure_entries(unit, Period.parse("2026-TW4"))]
    body = data.draw(st.binary(max_size=200)) if raw else json.dumps(data.draw(_figure_rows(ids)))
    before = fingerprint(CHANGED_BY_DESIGN)
    url = f"/api/v1/agencies/balangan/units/{unit.pk}/figures/{_segment(period)}"
    _refused_cleanly(client.put(url, body, content_type="application/json", headers=headers), before)


@FUZZ
@given(data=st.data(), how=st.sampled_from(["mutated", "any json", "raw"]), replace=st.booleans())
def test_no_sop_import_answers_a_server_error_or_saves_in_part(client, balangan, settings, data, how, replace):
    settings.API_RATE = "100000/m"
    headers = bearer(token_for(balangan, acts_as=user("balangan.kasubbag"))[1])
    document = export_version(Sop.objects.filter(agency=balangan).first().current_version())
    if how == "mutated":
        key = data.draw(st.sampled_from(sorted(document)))
        document[key] = data.draw(json_values)
        body = json.dumps(document)
    elif how == "any json":
        body = json.dumps(data.draw(json_values))
    else:
        body = data.draw(st.binary(max_size=300))
    before = fingerprint(CHANGED_BY_DESIGN)
    url = f"/api/v1/agencies/balangan/sops?replace_draft={'true' if replace else 'false'}"
    _refused_cleanly(client.post(url, body, content_type="application/json", headers=headers), before)
