"""One vocabulary: each fixed set of codes once, with its label, read by code or label."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workflow import codes
from workflow.codes import AppealKind, AppealResult, ApplicantType, Channel, Coded, TimerStatus
from workflow.letters.context import ApplicantData
from workflow.reporting.format2021 import APPEAL_KINDS, APPEAL_RESULTS, APPLICANT_COLUMNS
from workflow.store.records import PENDING_TIMER

SETS = [
    value
    for value in vars(codes).values()
    if isinstance(value, type) and issubclass(value, Coded) and value is not Coded
]


@pytest.mark.parametrize("vocabulary", SETS, ids=lambda s: s.__name__)
def test_every_code_and_label_of_a_set_is_its_own(vocabulary: type[Coded]) -> None:
    members = list(vocabulary)
    assert len({m.value for m in members}) == len({m.label for m in members}) == len(members)
    for member in members:
        assert vocabulary.parse(member.value) is member
        assert vocabulary.parse(member.label) is member


def test_a_code_is_read_from_its_code_or_its_chinese_label_and_nothing_else() -> None:
    assert ApplicantType.parse("自然人") is ApplicantType.NATURAL_PERSON
    assert Channel.parse(" 邮寄（需签收） ") is Channel.REGISTERED_POST
    assert AppealKind.parse("行政复议") == "reconsideration"
    assert AppealResult.parse("robot") is None
    assert Channel.known().startswith("in_person (当面提交), registered_post (邮寄（需签收）)")


def test_the_report_the_letters_and_the_store_read_the_same_sets() -> None:
    assert tuple(ApplicantType) == APPLICANT_COLUMNS
    assert AppealKind.labels() == APPEAL_KINDS
    assert list(APPEAL_RESULTS) == [*AppealResult, "pending"]
    assert ApplicantData(name="张三", type=ApplicantType.BUSINESS).is_person is False
    assert str(PENDING_TIMER.compile()).endswith(f"'{TimerStatus.PENDING}'")


def test_the_vocabulary_imports_the_standard_library_only() -> None:
    code = (
        "import importlib.util, sys; before = set(sys.modules); "
        f"spec = importlib.util.spec_from_file_location('vocabulary', {codes.__file__!r}); "
        "spec.loader.exec_module(importlib.util.module_from_spec(spec)); "
        "print(sorted(m for m in set(sys.modules) - before"
        " if m.split('.')[0] not in sys.stdlib_module_names))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
