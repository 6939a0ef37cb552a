import pytest
from django.core.exceptions import ValidationError

from sopkinerja.common.nip import format_nip, normalise_nip, validate_nip


def messages_for(value: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_nip(value)
    return caught.value.messages


def test_the_nip_printed_on_seed_000_is_valid_in_its_grouped_form():
    validate_nip("19660313 198903 1 011")


def test_a_nip_is_printed_in_four_groups():
    assert format_nip("196603131989031011") == "19660313 198903 1 011"
    assert normalise_nip("19660313 198903 1 011") == "196603131989031011"


def test_a_nip_with_seventeen_digits_is_refused_in_indonesian():
    assert messages_for("19660313198903101") == ["NIP harus terdiri dari 18 angka (contoh: 19660313 198903 1 011)."]


def test_a_nip_with_letters_is_refused():
    assert "18 angka" in messages_for("19660313198903101X")[0]


def test_a_nip_whose_birth_date_does_not_exist_is_refused():
    assert "tanggal lahir" in messages_for("19660230 198903 1 011")[0]


def test_a_nip_with_appointment_month_thirteen_is_refused():
    assert "pengangkatan" in messages_for("19660313 198913 1 011")[0]


def test_a_nip_appointed_before_birth_is_refused():
    assert "sesudah tanggal lahir" in messages_for("19660313 196001 1 011")[0]


def test_a_nip_with_sex_digit_three_is_refused():
    assert "jenis kelamin" in messages_for("19660313 198903 3 011")[0]
