"""The API's OpenAPI document, as kept in the repository (``openapi.json``).

``python -m workflow.web.spec`` writes it again after a deliberate change to the API;
a test fails when the application's document and the file differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workflow.application import Application
from workflow.settings import Settings

SPEC_FILE = Path(__file__).resolve().parents[3] / "openapi.json"


def current_spec() -> dict[str, Any]:
    from workflow.web.app import create_app

    # Building the document touches no store: any URL will do.
    spec: dict[str, Any] = create_app(Application(Settings(db_url="sqlite://"))).openapi()
    return spec


def spec_text(spec: dict[str, Any]) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    SPEC_FILE.write_text(spec_text(current_spec()), encoding="utf-8")
    print(f"wrote {SPEC_FILE}")


if __name__ == "__main__":
    main()
