"""Status codes: 100 bits, shown once, stored as a keyed hash (SECURITY.md)."""

from __future__ import annotations

import math

from mediation.cases.status_codes import (
    ALPHABET,
    LENGTH,
    code_matches,
    display,
    hash_code,
    new_status_code,
    normalise,
)


def test_codes_carry_100_random_bits() -> None:
    assert LENGTH * math.log2(len(ALPHABET)) == 100
    codes = {new_status_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(code) == 20 and set(code) <= set(ALPHABET) for code in codes)


def test_codes_are_shown_in_groups_of_four() -> None:
    assert display("ABCD1234EFGH5678JKMN") == "ABCD-1234-EFGH-5678-JKMN"


def test_typing_variants_match() -> None:
    code = new_status_code()
    stored = hash_code(code)
    assert code_matches(display(code), stored)
    assert code_matches(" ".join(display(code).lower().split("-")), stored)
    assert code_matches(code.replace("1", "l").replace("0", "o"), stored)


def test_a_different_code_does_not_match() -> None:
    assert not code_matches(new_status_code(), hash_code(new_status_code()))
    assert not code_matches("", hash_code(new_status_code()))


def test_the_hash_is_keyed_by_the_pepper(settings) -> None:
    code = new_status_code()
    first = hash_code(code)
    settings.MEDIATION_STATUS_CODE_PEPPER = b"\x01" * 32
    assert hash_code(code) != first
    assert code not in first


def test_garbage_input_is_normalised_without_error() -> None:
    assert normalise("<script>…💥" * 20) != ""
    assert len(normalise("x" * 1000)) == 64
