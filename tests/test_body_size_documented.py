"""The web server's body limit in the docs (nginx `client_max_body_size`) is one number everywhere,
and lets through the largest upload the settings allow: with less, nginx would refuse a file the
app accepts before the app could say why."""

import math
import re

from django.conf import settings

from reports.views.documents import VERIFY_FORM_OVERHEAD

from .databases import ROOT

MIB = 1024 * 1024
DOCUMENTS = ["README.md", "docs/deployment.md", "docs/files.md"]


def documented_sizes() -> dict[str, list[int]]:
    """Each document's `client_max_body_size <n>m` values, in MiB (nginx's m)."""
    pattern = re.compile(r"client_max_body_size\s+(\d+)m;")
    return {name: [int(size) for size in pattern.findall((ROOT / name).read_text())] for name in DOCUMENTS}


def largest_upload_body() -> int:
    """The largest request body the settings let the app accept: a verification upload with its
    form around it, or one evidence file."""
    return max(settings.VERIFY_MAX_BYTES + VERIFY_FORM_OVERHEAD, settings.EVIDENCE_MAX_BYTES)


def test_the_docs_name_one_body_limit_for_nginx():
    sizes = documented_sizes()
    assert all(sizes.values()), f"a document lost its nginx body limit: {sizes}"
    assert len({size for values in sizes.values() for size in values}) == 1, sizes


def test_the_documented_body_limit_lets_the_largest_upload_through():
    needed = math.ceil(largest_upload_body() / MIB)
    for name, values in documented_sizes().items():
        assert all(size >= needed for size in values), f"{name}: client_max_body_size {values}m < {needed}m"
