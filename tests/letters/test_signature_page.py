"""The agency, the seal and the date never stand alone on a page, in PDF and in DOCX.

Every letter kind is rendered with requests growing three lines at a time over a whole
page, so that somewhere in the sweep the body ends at each point of a page; in every
file the page that holds the signature holds body text above it (GB/T 9704). The PDF is
WeasyPrint's; the DOCX is laid out by LibreOffice, as an office opening it would see it.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.letters import sample
from tests.letters.conftest import program
from workflow.letters import LetterContext, render

KINDS = [*sample.KINDS, "decision"]
FILL = "产业园企业技术改造专项资金拨付明细及其审批依据和相关会议纪要"
LINE = 27  # characters on a line of body text
LENGTHS = range(20, 20 + LINE * 24, LINE * 3)  # a page is about 22 lines


def _long_request(kind: str, length: int) -> LetterContext:
    if kind == "decision":
        base = sample.context("decision", "partially_disclosed")
    else:
        base = sample.context(kind)
    return replace(base, case=replace(base.case, request=(FILL * 40)[:length]))


def _pages(pdftotext: str, pdf: Path) -> list[list[str]]:
    out = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return [[line for line in page.splitlines() if line.strip()] for page in out.split("\f")[:-1]]


def _signature_page_faults(pdftotext: str, pdf: Path) -> str | None:
    """None when the signature's page has body text above the agency's name, else why not."""
    pages = _pages(pdftotext, pdf)
    seal = sample.AGENCY.seal_text
    signed = [page for page in pages if seal in page]
    if len(signed) != 1:
        return f"the seal is on {len(signed)} pages"
    page = signed[0]
    agency = page.index(seal) - 1
    if page[agency] != sample.AGENCY.name:
        return f"the seal is not under the agency's name: {page[agency]!r}"
    if agency == 0:
        return f"the signature stands alone on page {pages.index(page) + 1} of {len(pages)}"
    return None


@pytest.mark.slow
def test_pdf_signature_is_never_alone_on_a_page(tmp_path: Path) -> None:
    pdftotext = program("pdftotext")
    faults = {}
    page_counts = set()
    for kind in KINDS:
        for length in LENGTHS:
            pdf = tmp_path / f"{kind}-{length}.pdf"
            pdf.write_bytes(render(_long_request(kind, length), ["pdf"])["pdf"])
            page_counts.add(len(_pages(pdftotext, pdf)))
            fault = _signature_page_faults(pdftotext, pdf)
            if fault:
                faults[pdf.stem] = fault
    assert faults == {}
    assert {2, 3} <= page_counts  # the sweep did cross page breaks


@pytest.mark.slow
def test_docx_signature_is_never_alone_on_a_page(tmp_path: Path) -> None:
    soffice = program("libreoffice", "soffice")
    pdftotext = program("pdftotext")
    sources = []
    for kind in KINDS:
        for length in LENGTHS:
            source = tmp_path / f"{kind}-{length}.docx"
            source.write_bytes(render(_long_request(kind, length), ["docx"])["docx"])
            sources.append(source)
    converted = tmp_path / "pdf"
    subprocess.run(  # one LibreOffice for all: it starts in seconds, converts in milliseconds
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            *map(str, sources),
        ],
        capture_output=True,
        check=True,
        timeout=600,
    )
    faults = {}
    for source in sources:
        fault = _signature_page_faults(pdftotext, converted / f"{source.stem}.pdf")
        if fault:
            faults[source.stem] = fault
    assert faults == {}
