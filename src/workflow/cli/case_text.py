"""How a case reads on screen: Chinese labels, with the codes a script would use in brackets."""

from __future__ import annotations

from collections.abc import Iterator

from workflow.cases.step_view import StepView
from workflow.cases.views import CaseList, CaseView, DeadlineView


def coded(label: str | None, code: str | None) -> str:
    """``已办结 [decided]``: the label people read, the code scripts and options use."""
    if code is None:
        return "-"
    return f"{label} [{code}]" if label and label != code else code


def due_text(deadline: DeadlineView) -> str:
    if deadline.due_on is not None:
        due = f"{deadline.due_on} 到期"
    elif deadline.awaiting_calendar_year is not None:
        due = f"到期日未定（待{deadline.awaiting_calendar_year}年日历）"
    else:
        due = "到期日未定"
    if not deadline.running:
        return f"{due}，{deadline.status.label}"
    if deadline.overdue_workdays:
        return f"{due}，已逾期 {deadline.overdue_workdays} 个工作日"
    return f"{due}，剩 {deadline.remaining_workdays} 个工作日"


def case_lines(case: CaseView) -> Iterator[str]:
    closed = "" if case.open else f"，{coded(case.outcome_label, case.outcome)}"
    yield f"{case.number}  {case.agency_name}  {coded(case.state_label, case.state)}{closed}"
    yield (
        f"  申请人：{case.applicant}（{coded(case.applicant_type.label, case.applicant_type)}），"
        f"{case.received_on} 收到，{coded(case.channel.label, case.channel)}"
    )
    yield f"  承办人：{case.handler or '未指定'}"
    yield f"  申请内容：{case.request}"
    for warning in case.warnings:
        yield f"  警告：{warning}"
    for deadline in case.deadlines:
        yield f"  {coded(deadline.label, deadline.clock)}：{due_text(deadline)}"
        for line in deadline.explanation:
            yield f"      {line}"
    yield "  办理记录："
    labels = case.state_labels
    for event in case.events:
        source = coded(labels.get(event.from_state or ""), event.from_state)
        yield (
            f"    {event.seq:>2}. {event.occurred_on} {coded(event.trigger_label, event.trigger)}："
            f"{source} → {coded(labels.get(event.to_state), event.to_state)}（{event.actor}）"
        )
    for appeal in case.appeals:
        result = coded(appeal.result.label, appeal.result) if appeal.result else "尚未审结"
        kind = coded(appeal.kind.label, appeal.kind)
        yield f"  复议诉讼：{kind}，{appeal.filed_on} 提出，{result}"
    allowed = [coded(case.trigger_labels.get(name), name) for name in case.allowed_triggers]
    yield f"  可用操作：{'，'.join(allowed) or '无'}"


def list_lines(listed: CaseList) -> Iterator[str]:
    for row in listed.rows:
        due = row.next_due
        if due is None:
            urgency = coded(row.outcome_label, row.outcome)
        else:
            urgency = f"{due.label or due.clock} {due_text(due)}"
        yield (
            f"{row.number}  {row.received_on}  {coded(row.state_label, row.state)}  "
            f"{row.applicant}  承办人 {row.handler or '-'}  {urgency}"
        )
    yield f"共 {len(listed.rows)} 件，截至 {listed.as_of}"


def step_lines(step: StepView) -> Iterator[str]:
    outcome = f"，{coded(step.outcome_label, step.outcome)}" if step.outcome else ""
    source, dest = coded(step.from_label, step.from_state), coded(step.to_label, step.to_state)
    yield f"{step.number}: {coded(step.trigger_label, step.trigger)}: {source} → {dest}{outcome}"
    for letter in step.letters:
        yield f"  文书：{letter.number}  {coded(letter.title, letter.kind)}"
    for warning in step.warnings:
        yield f"  注意：{warning}"
