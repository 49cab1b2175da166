"""Letters per second in each format, rendered from a fixed context (all 25 outcomes in turn).

Targets: HTML >= 500/s, DOCX >= 50/s. PDF depends on HarfBuzz's subset library
(libharfbuzz-subset0): without it WeasyPrint embeds whole CJK fonts and takes seconds
per letter.
"""

from __future__ import annotations

import ctypes.util
import time
from collections.abc import Callable
from datetime import date

from workflow.letters import (
    ApplicantData,
    CaseData,
    DeadlineData,
    LetterContext,
    LetterData,
    LetterheadData,
    OutcomeData,
    StepData,
    available_templates,
    render,
)

AGENCY = LetterheadData(
    code="bench",
    name="淄博高端装备及现代服务业产业园管理中心",
    short_name="淄高装",
    reconsideration_body="淄博市人民政府",
    court="淄博市张店区人民法院",
    address="淄博市高新区古侯路4317号217室",
    postcode="255035",
    phone="0533-8100167",
)
RUNS = {"txt": 2000, "html": 2000, "docx": 200, "pdf": 20}
TARGETS = {"html": 500, "docx": 50}


def _contexts() -> list[LetterContext]:
    outcomes = [
        name.removeprefix("decision/").removesuffix(".j2")
        for name in available_templates()
        if name.startswith("decision/")
    ]
    contexts = []
    for code in outcomes:
        contexts.append(
            LetterContext(
                agency=AGENCY,
                applicant=ApplicantData(name="李明", type="natural_person"),
                case=CaseData(
                    number="B-2026-0001",
                    received_on=date(2026, 2, 12),
                    channel="online",
                    request="2025年度产业园企业技术改造专项资金拨付明细",
                ),
                letter=LetterData(
                    kind="decision",
                    title="政府信息公开申请答复书",
                    number="淄高装公开〔2026〕12号",
                    issued_on=date(2026, 3, 10),
                ),
                step=StepData(
                    trigger="decide",
                    occurred_on=date(2026, 3, 10),
                    reason="理由一\n理由二",
                    party="淄博市财政局",
                    contact="0533-3180000",
                    until=date(2026, 3, 9),
                ),
                outcome=OutcomeData(
                    code=code, label=code, refusal=code.startswith("withheld"), access="随函附送"
                ),
                deadlines={"answer": DeadlineData(date(2026, 3, 18), 20)},
            )
        )
    return contexts


def _rate(fmt: str, contexts: list[LetterContext], runs: int) -> float:
    job: Callable[[LetterContext], object] = lambda ctx: render(ctx, [fmt])  # noqa: E731
    job(contexts[0])  # warm the template cache and the imports
    began = time.perf_counter()
    for number in range(runs):
        job(contexts[number % len(contexts)])
    return runs / (time.perf_counter() - began)


def run() -> None:
    subset = ctypes.util.find_library("harfbuzz-subset")
    print(f"libharfbuzz-subset: {subset or 'MISSING (install libharfbuzz-subset0; PDF is slow)'}")
    contexts = _contexts()
    for fmt, runs in RUNS.items():
        rate = _rate(fmt, contexts, runs)
        target = TARGETS.get(fmt)
        verdict = "" if target is None else (" ok" if rate >= target else f" BELOW {target}/s")
        print(f"{fmt:>4}: {rate:8.1f} letters/s over {runs} letters{verdict}")
