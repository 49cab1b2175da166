"""The letter data of an agency, an applicant and a case, read from their records.

The agency's letterhead has fallbacks, so a letter never prints a blank: an agency
without a short name is numbered with its code; without a seal text, "（印章）". A reply
letter (答复书) must name the body that hears a reconsideration and the court: one that
names neither leaves the applicant's 60 days unstarted (行政复议法 Art. 20(3)), so an
agency without them issues no reply letter (``require_remedy_bodies``). Its other letters,
which carry no remedy clause, name "有管辖权的行政复议机关" / "有管辖权的人民法院".
"""

from __future__ import annotations

from datetime import date

from workflow.errors import LetterError
from workflow.letters.context import ApplicantData, CaseData, LetterheadData
from workflow.store.records import AgencyRecord, ApplicantRecord, CaseRecord

GENERIC_RECONSIDERATION_BODY = "有管辖权的行政复议机关"
GENERIC_COURT = "有管辖权的人民法院"
DEFAULT_SEAL = "（印章）"


def given(value: str | None) -> str | None:
    """The text, stripped; ``None`` for nothing or blanks."""
    return value.strip() if value is not None and value.strip() else None


def short_name_of(agency: AgencyRecord) -> str:
    """The name a letter number (文号) is made with."""
    return given(agency.short_name) or agency.code


def letterhead_of(agency: AgencyRecord) -> LetterheadData:
    return LetterheadData(
        code=agency.code,
        name=agency.name,
        short_name=short_name_of(agency),
        reconsideration_body=given(agency.reconsideration_body) or GENERIC_RECONSIDERATION_BODY,
        court=given(agency.court) or GENERIC_COURT,
        seal_text=given(agency.seal_text) or DEFAULT_SEAL,
        address=given(agency.address),
        postcode=given(agency.postcode),
        phone=given(agency.phone),
        email=given(agency.email),
    )


def letterhead_gaps(agency: AgencyRecord) -> list[str]:
    """The remedy fields an agency has not set; its letters name a generic body instead."""
    return [
        option
        for option, value in (
            ("--reconsideration-body", agency.reconsideration_body),
            ("--court", agency.court),
        )
        if given(value) is None
    ]


def require_remedy_bodies(agency: AgencyRecord, where: str) -> None:
    """Refuse a reply letter from an agency that has not set its reconsideration body and court."""
    gaps = letterhead_gaps(agency)
    if gaps:
        options = " ".join(f"{option} NAME" for option in gaps)
        raise LetterError(
            f"{where}: a reply letter must name the body that hears a reconsideration and the "
            f"court (行政复议法 Art. 20); agency {agency.code} has no "
            f"{' and no '.join(option.lstrip('-') for option in gaps)}: "
            f"run `workflow agency set {agency.code} {options}`"
        )


def applicant_of(record: ApplicantRecord) -> ApplicantData:
    return ApplicantData(name=record.name, type=record.type, contact=given(record.contact))


def case_data(
    case: CaseRecord, corrected_on: date | None, correction_notice_on: date | None = None
) -> CaseData:
    return CaseData(
        number=case.number,
        received_on=case.received_on,
        channel=case.channel,
        request=case.request,
        corrected_on=corrected_on,
        correction_notice_on=correction_notice_on,
    )
