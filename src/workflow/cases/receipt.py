"""The receipt date by channel (Art. 31) and the arrival date kept beside it.

For ordinary post and internet channels the receipt date is the day the office confirms
the application with the applicant, and it must try to confirm on the day the application
arrives (Art. 31(2)-(3)). The arrival date is recorded with the case, and a confirmation
later than the next working day after arrival is shown as a warning on the case: a late
confirmation shortens the applicant's time no less than a late answer.
"""

from __future__ import annotations

from datetime import date

from workflow.codes import Channel
from workflow.deadlines import WorkingCalendar
from workflow.errors import InvalidInput


def check_arrival(channel: str, arrived_on: date | None, received_on: date) -> None:
    """Refuse an arrival date where the receipt date is no confirmation, or after it."""
    if arrived_on is None:
        return
    known = Channel.parse(channel)
    if known is None or not known.confirmed:
        which = ", ".join(member.value for member in Channel if member.confirmed)
        label = f" ({known.label})" if known is not None else ""
        raise InvalidInput(
            f"--arrived is for the channels whose receipt date is a confirmation ({which}); "
            f"for {channel}{label} the receipt date is the arrival"
        )
    if arrived_on > received_on:
        raise InvalidInput(
            f"the arrival date {arrived_on} is after the receipt (confirmation) date {received_on}"
        )


def confirmation_warning(
    calendar: WorkingCalendar, arrived_on: date | None, received_on: date
) -> str | None:
    """The warning for a confirmation later than the next working day after arrival."""
    if arrived_on is None:
        return None
    latest = calendar.next_working_day(arrived_on)
    if received_on <= latest:
        return None
    late = calendar.working_days_between(latest, received_on)
    return (
        f"confirmed {received_on}, {late} WD after {latest}, the next working day after the "
        f"application arrived on {arrived_on} (Art. 31: confirm on the day it arrives)"
    )


# Art. 31, by channel: what fixes the receipt date (the intake form and the case page say it).
RECEIPT_RULES: dict[Channel, str] = {
    Channel.IN_PERSON: "当面提交的，以提交之日为收到申请之日（第三十一条第一项）。",
    Channel.ORAL: (
        "口头提出的，由本机关代为填写申请并经申请人确认，以提出之日为收到申请之日"
        "（第二十九条、第三十一条第一项）。"
    ),
    Channel.REGISTERED_POST: (
        "以邮寄方式提交、需签收的（挂号信、特快专递等），以本机关签收之日为收到申请之日"
        "（第三十一条第二项）。"
    ),
    Channel.ORDINARY_POST: (
        "以平常信函等无需签收的方式提交的，应于收到当日与申请人确认，以确认之日为收到申请之日；"
        "请另填到达日期（第三十一条第二项）。"
    ),
    Channel.FAX: (
        "通过传真提交的，以双方确认之日为收到申请之日，应于到达当日确认；请另填到达日期"
        "（第三十一条第三项）。"
    ),
    Channel.ONLINE: (
        "通过互联网渠道提交的，以双方确认之日为收到申请之日，应于到达当日确认；请另填到达日期"
        "（第三十一条第三项）。"
    ),
    Channel.EMAIL: (
        "通过电子邮件提交的，属互联网渠道，以双方确认之日为收到申请之日，应于到达当日确认；"
        "请另填到达日期（第三十一条第三项）。"
    ),
}
