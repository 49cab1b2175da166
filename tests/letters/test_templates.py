"""Template names, the agency override directory, and template versions."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.letters import sample
from workflow.errors import LetterError
from workflow.letters import (
    Templates,
    available_templates,
    render_letter,
    template_name,
    template_version,
)
from workflow.letters.render import Format
from workflow.resources import notifications_dir

SHIPPED = notifications_dir() / "letters"


def test_template_names() -> None:
    assert template_name("correction_notice") == "correction_notice.j2"
    assert template_name("decision", "other.withdrawn") == "decision/other.withdrawn.j2"
    with pytest.raises(LetterError, match="outcome"):
        template_name("decision")
    with pytest.raises(LetterError, match="no outcome"):
        template_name("fee_notice", "disclosed.provided")
    for bad in ("../x", "Decision", "a/b", ""):
        with pytest.raises(LetterError):
            template_name(bad)
    with pytest.raises(LetterError):
        template_name("decision", "../../etc/passwd")


def test_an_unknown_kind_is_an_error_naming_the_search_path() -> None:
    with pytest.raises(LetterError, match=r"no letter template 'summons\.j2' in .*letters"):
        template_version("summons")


def test_version_is_a_stable_sha256() -> None:
    version = template_version("decision", "withheld.state_secret")
    assert re.fullmatch(r"[0-9a-f]{64}", version)
    assert version == Templates().version("decision/withheld.state_secret.j2")
    assert version != template_version("decision", "withheld.prohibited_by_law")


def test_version_covers_every_partial_and_the_stylesheet() -> None:
    sources = Templates().sources("decision/withheld.state_secret.j2")
    assert set(sources) == {
        "decision/withheld.state_secret.j2",
        "partials/decision.j2",
        "partials/letter.j2",
        "partials/macros.j2",
        "partials/remedy.j2",
        "partials/signature.j2",
        "partials/contact.j2",
        "letter.css",
    }


def _copy(override: Path, name: str, edit: str = "") -> None:
    target = override / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((SHIPPED / name).read_text(encoding="utf-8") + edit, encoding="utf-8")


def test_a_changed_partial_changes_the_version_of_the_letters_that_use_it(override: Path) -> None:
    _copy(override, "partials/remedy.j2", "{# edited #}\n")
    agency = Templates(override=override)
    assert agency.version("decision/other.other.j2") != template_version("decision", "other.other")
    assert agency.version("acknowledgement.j2") == template_version("acknowledgement")
    _copy(override, "letter.css", "/* edited */\n")
    assert agency.version("acknowledgement.j2") != template_version("acknowledgement")


def test_an_override_replaces_the_shipped_template(override: Path) -> None:
    _copy(override, "partials/signature.j2")
    path = override / "partials" / "signature.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("<p>{{ agency.seal_text }}</p>", ""))
    agency = Templates(override=override)
    letter = render_letter(sample.context("acknowledgement"), ["txt"], templates=agency)
    assert "（印章）" not in letter.documents[Format.TEXT].decode()
    assert letter.template_version == agency.version("acknowledgement.j2")
    assert letter.template == "acknowledgement.j2"
    assert available_templates(agency) == available_templates()


def test_an_override_can_add_a_template(override: Path) -> None:
    _copy(override, "decision/other.other.j2")
    (override / "decision" / "other.other.j2").rename(override / "decision" / "other.local.j2")
    assert "decision/other.local.j2" in available_templates(Templates(override=override))


def test_a_rendered_letter_reports_the_version_it_was_made_from(override: Path) -> None:
    _copy(override, "partials/contact.j2")
    agency = Templates(override=override)
    before = render_letter(sample.context("acknowledgement"), ["txt"], templates=agency)
    _copy(override, "partials/contact.j2", "{# another edit #}\n")
    after = render_letter(sample.context("acknowledgement"), ["txt"], templates=agency)
    assert before.template_version != after.template_version
    assert after.template_version == agency.version("acknowledgement.j2")


def test_dynamic_includes_are_refused(override: Path) -> None:
    (override / "acknowledgement.j2").write_text("{% include letter.kind %}", encoding="utf-8")
    with pytest.raises(LetterError, match="must name their template"):
        Templates(override=override).version("acknowledgement.j2")


def test_importing_letters_loads_neither_python_docx_nor_weasyprint() -> None:
    code = (
        "import sys, workflow.letters; "
        "print(sorted(m for m in ('docx', 'weasyprint') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
