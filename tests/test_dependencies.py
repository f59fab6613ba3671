"""Dependencies point one way: standards/ and consultation/ use actionplan/, never the reverse.

Where the core shows something a satellite app owns (a report section, a dashboard panel, a
part of the action page), the satellite registers it with actionplan.extensions in its
AppConfig.ready(). This scan reads every module under actionplan/ (its syntax tree, so an
import inside a function counts too) for imports of a satellite, and for a satellite's module
or model named to Django in a string: include(), import_module(), import_string(),
apps.get_model(). settings.py's INSTALLED_APPS lists the apps as plain strings, which is how
Django learns they exist; the scan does not read plain strings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SATELLITES = {"standards", "consultation"}
# Calls whose first argument names a module, or an app whose models they fetch.
BY_STRING = {"include", "import_module", "import_string", "__import__", "get_model"}

# Every place the core may name a satellite, and why.
ALLOWED = {
    # The project's URLconf mounts the satellites' URLconfs.
    ("actionplan/urls/__init__.py", "standards.urls"),
    ("actionplan/urls/__init__.py", "standards.cse.urls"),
    ("actionplan/urls/__init__.py", "consultation.urls"),
    # The organisations data migration (0006) moved the satellites' rows into organisations
    # too; migrations are history and are not edited.
    ("actionplan/migrations/_organisation_data.py", "standards"),
    ("actionplan/migrations/_organisation_data.py", "consultation"),
}


def _names_a_satellite(name: str) -> bool:
    return name.split(".")[0] in SATELLITES


def _called(node: ast.Call) -> str:
    return getattr(node.func, "attr", None) or getattr(node.func, "id", "")


def satellite_references(source: str) -> set[str]:
    """The satellite modules (or apps, for get_model) the source imports or names to Django."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if _names_a_satellite(alias.name)}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and _names_a_satellite(node.module):
                found.add(node.module)
        elif isinstance(node, ast.Call) and _called(node) in BY_STRING and node.args:
            first = node.args[0]
            named = first.value if isinstance(first, ast.Constant) else None
            if isinstance(named, str) and _names_a_satellite(named):
                found.add(named)
    return found


def _core_references() -> set[tuple[str, str]]:
    return {
        (path.relative_to(ROOT).as_posix(), name)
        for path in sorted((ROOT / "actionplan").rglob("*.py"))
        for name in satellite_references(path.read_text())
    }


def test_the_core_never_imports_standards_or_consultation():
    unexpected = sorted(_core_references() - ALLOWED)
    assert not unexpected, (
        "actionplan/ must not depend on the satellite apps; register with "
        f"actionplan.extensions from the satellite's AppConfig.ready() instead: {unexpected}"
    )


def test_every_allowed_exception_is_still_needed():
    assert sorted(ALLOWED - _core_references()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import standards",
        "import consultation.models as models",
        "from standards.reporting import standards_section",
        "from consultation import reporting",
        "def ready():\n    from standards import links\n",
        "urlpatterns = [path('', include('consultation.urls'))]",
        "module = importlib.import_module('standards.cse.models')",
        "Exercise = apps.get_model('consultation', 'Exercise')",
    ],
)
def test_the_scan_finds_each_way_of_naming_a_satellite(source):
    assert satellite_references(source)


@pytest.mark.parametrize(
    "source",
    [
        "from actionplan.models import Plan",
        "from actionplan.reporting import build_report",
        "import standardslib",
        "INSTALLED_APPS = ['actionplan', 'standards', 'consultation']",
        "from . import standards",
    ],
)
def test_the_scan_leaves_the_core_and_plain_strings_alone(source):
    assert satellite_references(source) == set()
