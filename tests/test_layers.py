"""The house's import direction: the core depends on nothing built on it, `decisions` never on
`consultation`, nothing on `opendata`, which reads both, and the portal on nothing of the
application but its public API (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_packages(package: str) -> dict[str, set[str]]:
    """Each module of `package` and the top-level packages it imports."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    "package, above",
    [
        ("core", {"app", "wsgi", "demo", "decisions", "consultation", "opendata", "portal"}),
        ("decisions", {"app", "wsgi", "demo", "consultation", "opendata", "portal"}),
        ("consultation", {"app", "wsgi", "demo", "opendata", "portal"}),
        ("opendata", {"app", "wsgi", "demo", "portal"}),
        # The portal reads the public JSON API and nothing else of the application.
        ("portal", {"app", "wsgi", "demo", "core", "decisions", "consultation", "opendata"}),
    ],
)
def test_a_layer_imports_nothing_above_it(package, above):
    escapes = {module: sorted(names & above) for module, names in imported_packages(package).items() if names & above}
    assert escapes == {}


APPLICATION = ("core", "decisions", "consultation", "opendata", "portal")


def application_modules():
    """Every module of the application's packages, and app.py."""
    paths = [ROOT / "app.py"]
    for package in APPLICATION:
        paths.extend(sorted((ROOT / package).rglob("*.py")))
    return paths


def test_no_module_is_over_500_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in application_modules()}
    assert {module: lines for module, lines in sizes.items() if lines > 500} == {}


def test_no_import_needs_to_escape_the_top_of_its_module():
    # An import below code (noqa: E402) is the sign of views and models sharing a module.
    escaping = [
        str(p.relative_to(ROOT)) for p in application_modules() if "noqa: E402" in p.read_text(encoding="utf-8")
    ]
    assert escaping == []


def test_only_app_py_imports_opendata():
    # Open data sits above both domains: nothing but the factory registers it.
    importers = {
        module
        for package in ("core", "decisions", "consultation")
        for module, names in imported_packages(package).items()
        if "opendata" in names
    }
    for top in ("wsgi.py", "demo.py"):
        tree = ast.parse((ROOT / top).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "opendata":
                importers.add(top)
            elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "opendata" for a in node.names):
                importers.add(top)
    assert importers == set()
