"""Personal data masked for roles that do not need it: 居民身份证号, 统一社会信用代码
and phone numbers, wherever they appear in a text (contacts, requests, notes)."""

from __future__ import annotations

import re
from typing import Any

# 18-character resident identity numbers and credit codes, 15-digit old identity
# numbers, mainland mobiles, landlines with an area code.
_IDENTITY = re.compile(r"(?<![0-9A-Za-z])(\d{4})(\d{10}|[0-9A-Z]{11})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_OLD_IDENTITY = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    text = _IDENTITY.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)
    text = _OLD_IDENTITY.sub(lambda m: m[1] + "********" + m[2], text)
    text = _MOBILE.sub(lambda m: m[1] + "****" + m[2], text)
    return _LANDLINE.sub(lambda m: m[1] + "****" + m[2], text)


def mask_values(data: Any) -> Any:
    """Every string in a JSON-like structure, masked."""
    if isinstance(data, str):
        return mask_text(data)
    if isinstance(data, dict):
        return {key: mask_values(value) for key, value in data.items()}
    if isinstance(data, list):
        return [mask_values(value) for value in data]
    return data
