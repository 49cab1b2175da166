"""Checksums of the two identity numbers an application under Art. 29 names.

居民身份证号 (GB 11643-1999): 17 digits and a check character, ISO 7064 MOD 11-2 (weights
2^(17-i) mod 11, check ``10X98765432`` by the sum mod 11); digits 7-14 are the date of
birth. 统一社会信用代码 (GB 32100-2015): 18 characters of a 31-symbol alphabet (no I, O, S, V,
Z), the last a MOD 31 check over the first 17 with weights 3^i mod 31.

A problem is returned as a sentence in Chinese (the forms show it beside the field), never
raised, so the intake form and the portal can collect every error at once;
``require_identity_number`` raises ``InvalidInput`` for callers with one number.
"""

from __future__ import annotations

import datetime as dt
import enum

from workflow.errors import InvalidInput


class IdentityKind(enum.StrEnum):
    """Which number proves the applicant's identity."""

    RESIDENT_ID = "resident_id"  # 居民身份证号, a natural person
    CREDIT_CODE = "credit_code"  # 统一社会信用代码, a legal person or other organisation


KIND_LABELS: dict[IdentityKind, str] = {
    IdentityKind.RESIDENT_ID: "居民身份证号",
    IdentityKind.CREDIT_CODE: "统一社会信用代码",
}

_RESIDENT_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_RESIDENT_CHECK = "10X98765432"

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(3**i % 31 for i in range(17))


def normalise(number: str) -> str:
    """``number`` without spaces and hyphens, letters in upper case (``x`` is ``X``)."""
    return "".join(number.split()).replace("-", "").upper()


def resident_id_check_char(first17: str) -> str:
    """The check character GB 11643 gives the 17 digits ``first17``."""
    pairs = zip(first17, _RESIDENT_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in pairs)
    return _RESIDENT_CHECK[total % 11]


def credit_code_check_char(first17: str) -> str:
    """The check character GB 32100 gives the 17 characters ``first17``."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def resident_id_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 18-character 居民身份证号, or None when it is."""
    number = normalise(number)
    if len(number) == 15 and number.isdigit():
        return "15位的旧身份证号已停止使用，请填写18位身份证号"
    if len(number) != 18:
        return f"身份证号应为18位，现为{len(number)}位"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号前17位应为数字，最后一位为数字或X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"身份证号中的出生日期{number[6:14]}不是有效日期"
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        return "身份证号校验位不符，请核对号码"
    return None


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, or None when it is."""
    code = normalise(code)
    if len(code) != 18:
        return f"统一社会信用代码应为18位，现为{len(code)}位"
    wrong = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if wrong:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(wrong)}（不使用I、O、S、V、Z）"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3至8位应为行政区划代码（数字）"
    if code[17] != credit_code_check_char(code[:17]):
        return "统一社会信用代码校验位不符，请核对代码"
    return None


def identity_number_problem(kind: IdentityKind, number: str) -> str | None:
    """Why ``number`` is not a valid number of ``kind``, or None when it is."""
    if kind is IdentityKind.RESIDENT_ID:
        return resident_id_problem(number)
    return credit_code_problem(number)


def require_identity_number(kind: IdentityKind, number: str) -> str:
    """``number`` normalised; ``InvalidInput`` naming the problem when it is not valid."""
    problem = identity_number_problem(kind, number)
    if problem is not None:
        raise InvalidInput(problem)
    return normalise(number)
