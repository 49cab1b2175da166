"""The checksums of 居民身份证号 (GB 11643) and 统一社会信用代码 (GB 32100) on intake."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.errors import InvalidInput
from workflow.identity_numbers import (
    CREDIT_CODE_ALPHABET,
    IdentityKind,
    credit_code_check_char,
    credit_code_problem,
    identity_number_problem,
    require_identity_number,
    resident_id_check_char,
    resident_id_problem,
)

# Published examples: the standard's own sample number, and codes printed on business licences.
VALID_RESIDENT_IDS = ["11010519491231002X", "440524188001010014", "110101199003074477"]
VALID_CREDIT_CODES = ["9144030071526726XG", "91110108551385082Q", "91310000717866186P"]


@pytest.mark.parametrize("number", VALID_RESIDENT_IDS)
def test_published_resident_ids_are_valid(number: str) -> None:
    assert resident_id_problem(number) is None


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_published_credit_codes_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None


def test_spaces_hyphens_and_a_small_x_are_forgiven() -> None:
    assert resident_id_problem("110105 19491231 002x") is None
    resident = require_identity_number(IdentityKind.RESIDENT_ID, "110105-19491231-002x")
    assert resident == "11010519491231002X"
    credit = require_identity_number(IdentityKind.CREDIT_CODE, " 9144030071526726xg ")
    assert credit == "9144030071526726XG"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验位不符"),
        ("11010519491231002", "应为18位，现为17位"),
        ("110105491231002", "15位的旧身份证号已停止使用"),
        ("11010519491231002Y", "最后一位为数字或X"),
        ("1101051949123A002X", "前17位应为数字"),
        ("110105194902300020", "出生日期19490230不是有效日期"),
    ],
)
def test_a_wrong_resident_id_is_refused_with_its_reason(number: str, reason: str) -> None:
    problem = resident_id_problem(number)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9144030071526726XH", "校验位不符"),
        ("9144030071526726X", "应为18位，现为17位"),
        ("9144030071526726OG", "不允许的字符：O"),
        ("91ABCDEF71526726XG", "行政区划代码"),
    ],
)
def test_a_wrong_credit_code_is_refused_with_its_reason(code: str, reason: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None
    assert reason in problem


def test_the_kind_chooses_the_check_and_require_raises_the_reason() -> None:
    assert identity_number_problem(IdentityKind.CREDIT_CODE, VALID_CREDIT_CODES[0]) is None
    assert identity_number_problem(IdentityKind.RESIDENT_ID, VALID_CREDIT_CODES[0]) is not None
    with pytest.raises(InvalidInput, match="校验位不符"):
        require_identity_number(IdentityKind.RESIDENT_ID, "110105194912310021")


_BIRTH = st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))


@given(
    region=st.text("0123456789", min_size=6, max_size=6),
    birth=_BIRTH,
    serial=st.text("0123456789", min_size=3, max_size=3),
    position=st.integers(0, 17),
    replacement=st.sampled_from("0123456789X"),
)
def test_every_single_character_change_of_a_resident_id_is_caught(
    region: str, birth: str, serial: str, position: int, replacement: str
) -> None:
    first17 = region + birth + serial
    number = first17 + resident_id_check_char(first17)
    assert resident_id_problem(number) is None
    changed = number[:position] + replacement + number[position + 1 :]
    if changed != number:
        assert resident_id_problem(changed) is not None


@given(
    head=st.text(CREDIT_CODE_ALPHABET, min_size=2, max_size=2),
    region=st.text("0123456789", min_size=6, max_size=6),
    body=st.text(CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
    position=st.integers(0, 17),
    replacement=st.sampled_from(CREDIT_CODE_ALPHABET),
)
def test_every_single_character_change_of_a_credit_code_is_caught(
    head: str, region: str, body: str, position: int, replacement: str
) -> None:
    first17 = head + region + body
    code = first17 + credit_code_check_char(first17)
    assert credit_code_problem(code) is None
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert credit_code_problem(changed) is not None
