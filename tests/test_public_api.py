"""The package facades are doors: each one's ``__all__`` is exactly its public names.

A name a facade imports for its own use is underscored or not imported there; a name
it offers is listed. The top-level package offers the application's entry points (some
loaded on first use) and ``__version__``; the package ships ``py.typed``.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest

import workflow

FACADES = [
    "workflow.cases",
    "workflow.deadlines",
    "workflow.definition",
    "workflow.importing",
    "workflow.letters",
    "workflow.lifecycle",
    "workflow.reporting",
    "workflow.scheduling",
]


def _public(module: ModuleType) -> list[str]:
    """Its public names, those it loads on first use (``_LAZY``) included."""
    return sorted(
        {
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and not isinstance(value, ModuleType)
            and name != "annotations"
        }
        | set(getattr(module, "_LAZY", {}))
    )


@pytest.mark.parametrize("name", FACADES)
def test_a_facade_exports_exactly_its_public_names(name: str) -> None:
    module = importlib.import_module(name)
    assert sorted(module.__all__) == _public(module)


def test_the_package_offers_its_entry_points_and_version() -> None:
    assert workflow.__version__ == version("workflow")
    for name in workflow.__all__:
        assert getattr(workflow, name) is not None
    # what the package imports eagerly for its own use is not offered; the rest is listed
    own = {"TYPE_CHECKING", "Any", "PackageNotFoundError", "import_module", "version"}
    assert set(_public(workflow)) - own <= set(workflow.__all__)
    assert (Path(workflow.__file__).parent / "py.typed").is_file()
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = workflow.Nothing


def test_importing_the_package_loads_no_store_code() -> None:
    code = "import sys, workflow; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
