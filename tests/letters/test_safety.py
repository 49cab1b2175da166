"""Applicant text is data: it renders literally in every format and never as markup or template.

And a template cannot print what the context does not give: a missing field is an error,
never a blank.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.letters import sample
from workflow.errors import LetterError
from workflow.letters import StepData, Templates, render
from workflow.letters.render import Format

HOSTILE_NAME = "<script>alert(1)</script> & {{ 7*7 }}"
HOSTILE_REQUEST = "{{ 7*7 }} {% raw %}x{% endraw %} <b>粗</b> a & b < c > d \"q\" 'q' {#c#}"


def _hostile(kind: str = "decision", outcome: str | None = "withheld.state_secret") -> object:
    ctx = sample.context(kind, outcome)
    return replace(
        ctx,
        applicant=replace(ctx.applicant, name=HOSTILE_NAME),
        case=replace(ctx.case, request=HOSTILE_REQUEST),
        step=replace(ctx.step, reason="理由<i>一</i>\n{{ agency.name }}"),
    )


def test_hostile_text_is_escaped_in_html() -> None:
    html = render(_hostile(), ["html"])[Format.HTML].decode()  # type: ignore[arg-type]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ 7*7 }}：" in html
    assert "{{ 7*7 }} {% raw %}x{% endraw %} &lt;b&gt;粗&lt;/b&gt; a &amp; b &lt; c &gt; d" in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert "49" not in html


def test_hostile_text_is_literal_in_plain_text() -> None:
    text = render(_hostile(), ["txt"])[Format.TEXT].decode()  # type: ignore[arg-type]
    assert text.splitlines()[5] == HOSTILE_NAME + "："
    assert "“{{ 7*7 }} {% raw %}x{% endraw %} <b>粗</b> a & b < c > d \"q\" 'q' {#c#}”" in text
    assert "（一）理由<i>一</i>。" in text
    assert "（二）{{ agency.name }}。" in text  # not the agency's name
    assert "49" not in text


def test_hostile_text_is_literal_in_docx() -> None:
    data = render(_hostile(), ["docx"])[Format.DOCX]  # type: ignore[arg-type]
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert HOSTILE_NAME + "：" in paragraphs
    assert any("a & b < c > d" in p and "{{ 7*7 }}" in p for p in paragraphs)


def test_a_missing_deadline_is_an_error_not_a_blank() -> None:
    ctx = replace(sample.context("acknowledgement"), deadlines={})
    with pytest.raises(LetterError, match=r"acknowledgement\.j2.*answer"):
        render(ctx)


def test_a_missing_date_is_an_error_not_a_blank() -> None:
    ctx = sample.context("correction_notice")
    with pytest.raises(LetterError, match="needs a date"):
        render(replace(ctx, step=replace(ctx.step, until=None)))


@pytest.mark.parametrize("code", ["withheld.state_secret", "partially_disclosed", "other.other"])
def test_a_refusal_without_reasons_is_an_error(code: str) -> None:
    ctx = sample.context("decision", code)
    with pytest.raises(LetterError, match="reasons"):
        render(replace(ctx, step=StepData(trigger="decide", occurred_on=date(2026, 3, 10))))


def test_an_optional_refusal_reason_becomes_mandatory_for_a_refusal() -> None:
    ctx = sample.context("decision", "unavailable.needs_creation")
    bare = replace(ctx, step=StepData(trigger="decide", occurred_on=date(2026, 3, 10)))
    assert "理由如下" not in render(bare, ["txt"])[Format.TEXT].decode()
    refused = replace(bare, outcome=replace(bare.outcome, refusal=True))  # type: ignore[type-var]
    with pytest.raises(LetterError, match="reasons"):
        render(refused)


def test_other_agency_named_without_contact_is_an_error() -> None:
    ctx = sample.context("decision", "unavailable.other_agency")
    with pytest.raises(LetterError):
        render(replace(ctx, step=replace(ctx.step, contact=None)))


def test_delay_notice_refuses_an_unknown_variant() -> None:
    ctx = sample.context("delay_notice")
    with pytest.raises(LetterError, match="variant"):
        render(replace(ctx, step=replace(ctx.step, variant="later")))


def _override(directory: Path, name: str, text: str) -> Templates:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return Templates(override=directory)


def test_an_undefined_name_in_a_template_is_an_error(override: Path) -> None:
    body = (
        '{% extends "partials/letter.j2" %}{% block body %}<p>{{ case.colour }}</p>{% endblock %}'
    )
    templates = _override(override, "acknowledgement.j2", body)
    with pytest.raises(LetterError, match="colour"):
        render(sample.context("acknowledgement"), templates=templates)


@pytest.mark.parametrize(
    "expression",
    [
        "agency.__class__.__mro__",
        "case.request.__class__",
        "lipsum.__globals__",
        "lipsum(10**6)",  # no placeholder text: a million paragraphs took a minute
        "9 ** (9 ** 9)",
        "[].append(1)",
        "deadlines.update({})",
    ],
)
def test_the_sandbox_refuses_unsafe_expressions(override: Path, expression: str) -> None:
    body = '{% extends "partials/letter.j2" %}{% block body %}<p>{{ EXPR }}</p>{% endblock %}'
    templates = _override(override, "acknowledgement.j2", body.replace("EXPR", expression))
    with pytest.raises(LetterError):
        render(sample.context("acknowledgement"), templates=templates)


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
         "at most 200000 loop iterations and calls"),
        ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
         "{{ f(60) }}", "at most 200000 loop iterations and calls"),
        ("{% for x in [[1]] recursive %}{{ loop(x) }}{% endfor %}",
         "a recursive loop is not allowed here"),
    ],
)  # fmt: skip
def test_a_template_that_would_run_for_hours_is_refused(
    override: Path, body: str, refusal: str
) -> None:
    """Nested loops writing nothing, or a macro calling itself twice, stop at the bound."""
    letter = '{% extends "partials/letter.j2" %}{% block body %}<p>' + body + "</p>{% endblock %}"
    templates = _override(override, "acknowledgement.j2", letter)
    with pytest.raises(LetterError, match=refusal):
        render(sample.context("acknowledgement"), templates=templates)


@pytest.mark.parametrize(
    "markup",
    ['<img src="http://example.org/x.png">', '<p onclick="x()">a</p>', '<p class="x">a</p>'],
)
def test_markup_outside_the_vocabulary_is_refused(override: Path, markup: str) -> None:
    body = '{% extends "partials/letter.j2" %}{% block body %}' + markup + "{% endblock %}"
    templates = _override(override, "acknowledgement.j2", body)
    with pytest.raises(LetterError, match="letter markup"):
        render(sample.context("acknowledgement"), templates=templates)


def test_a_template_syntax_error_names_file_and_line(override: Path) -> None:
    templates = _override(override, "acknowledgement.j2", "<h1>x</h1>\n{% if %}")
    with pytest.raises(LetterError, match=r"line 2 of acknowledgement\.j2"):
        render(sample.context("acknowledgement"), templates=templates)
