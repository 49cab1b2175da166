"""Chinese text in Word documents: python-docx sets only the Latin font name, and Word then
shows Chinese in whatever East Asian font it guesses. The ``w:eastAsia`` font attribute and
the East Asian language tag fix it; letters and report drafts both need them."""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from docx.shared import Pt

LATIN_FONT = "Times New Roman"


def set_chinese_fonts(target: Any, east_asian: str, size: float, bold: bool = False) -> None:
    """Fonts of a python-docx run or style (both expose ``.font`` and ``.element``)."""
    target.font.size = Pt(size)
    target.font.bold = bold
    target.font.name = LATIN_FONT
    properties = target.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = properties.makeelement(qn("w:lang"), {})
        properties.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
