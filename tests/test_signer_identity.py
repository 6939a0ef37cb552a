"""The signature block names the person whose certificate signs: when the employee record and the
certificate disagree, nothing is signed."""

import pytest

from reports.documents.signing import SigningRefused
from reports.documents.signing.identity import names_match
from reports.models import SignedDocument
from workflow.models import Employee

from .conftest import sign_report


def test_an_edited_name_of_the_kepala_dinas_is_not_signed_with_his_certificate(balangan):
    Employee.objects.filter(user__username="balangan.kadis").update(full_name="ORANG LAIN, S.H.")
    with pytest.raises(SigningRefused, match="H. RODY RAHMADY NOOR.*ORANG LAIN, S.H."):
        sign_report(balangan, "balangan.kadis")
    assert not SignedDocument.objects.exists()


def test_an_edited_nip_of_the_kepala_dinas_is_not_signed_with_his_certificate(balangan):
    Employee.objects.filter(user__username="balangan.kadis").update(nip="199001012015031001")
    with pytest.raises(SigningRefused, match="19900101 201503 1 001"):
        sign_report(balangan, "balangan.kadis")
    assert not SignedDocument.objects.exists()


def test_a_name_differing_only_in_spacing_and_case_still_signs(balangan):
    kadis = Employee.objects.get(user__username="balangan.kadis")
    Employee.objects.filter(pk=kadis.pk).update(full_name="  " + kadis.full_name.lower().replace(" ", "  "))
    document = sign_report(balangan, "balangan.kadis")
    assert document.signer_nip == kadis.nip_display


@pytest.mark.parametrize(
    "certified, printed, same",
    [
        ("H. RODY RAHMADY NOOR, S.Sos, MM.Pub", "h. rody  rahmady noor, s.sos, mm.pub", True),
        ("RODY RAHMADY NOOR", "H. RODY RAHMADY NOOR, S.Sos, MM.Pub", True),  # a national CA's CN, no titles
        ("NOOR RODY", "H. RODY RAHMADY NOOR, S.Sos, MM.Pub", False),  # not in the printed order
        ("RODY", "H. RODY RAHMADY NOOR, S.Sos, MM.Pub", False),  # one word names nobody
        ("ORANG LAIN", "H. RODY RAHMADY NOOR, S.Sos, MM.Pub", False),
        ("", "H. RODY RAHMADY NOOR, S.Sos, MM.Pub", False),
    ],
)
def test_a_certificate_names_the_printed_signer_only_when_its_words_are_his(certified, printed, same):
    assert names_match(certified, printed) is same
