"""Query codes: 80 random bits in a readable alphabet, typed back with any case, spaces
or hyphens and O for 0; stored as a salted digest; sealed so that only the submission
token opens them."""

from __future__ import annotations

from workflow.portal import query_codes


def test_a_code_is_16_characters_shown_in_four_groups_and_read_back_leniently() -> None:
    code = query_codes.new_code()
    assert len(code) == 16
    assert set(code) <= set(query_codes.ALPHABET)
    shown = query_codes.shown(code)
    assert len(shown) == 19
    assert shown.count("-") == 3
    salt = query_codes.new_salt()
    stored = query_codes.digest(code, salt)
    assert query_codes.matches(f" {shown.lower()} ", salt, stored)
    assert query_codes.matches(
        "0000-0000-0000-0000".replace("0", "O"), salt, query_codes.digest("0" * 16, salt)
    )
    assert not query_codes.matches(code[:-1] + ("1" if code[-1] != "1" else "2"), salt, stored)


def test_nothing_matches_a_missing_code() -> None:
    assert not query_codes.matches("", None, None)
    assert not query_codes.matches("0" * 16, None, None)


def test_only_the_submission_token_unseals_the_code() -> None:
    token, other = query_codes.new_token(), query_codes.new_token()
    assert query_codes.TOKEN.fullmatch(token)
    sealed = query_codes.seal("ABCD", token)
    assert query_codes.unseal(sealed, token) == "ABCD"
    assert query_codes.unseal(sealed, other) is None
    assert query_codes.unseal(None, token) is None
    assert query_codes.token_digest(token) != query_codes.token_digest(other)
