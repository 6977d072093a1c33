"""Use cases do not reach for the web: no module outside the presentation layer imports Flask,
Flask-Babel or Flask-Login, directly or through another quizapp module; and every error code a
feature raises for people to read has words in its wording.py (docs/decisions.md, "One error
style").

The presentation layer is named by file: views, forms, CLI commands, wording (error messages,
labels, the texts of messages sent out) and sheets (spreadsheet layouts), plus the app's wiring
(create_app, guards, blueprints, error pages, the clock and config readers). Everything else, every
service.py first, is read here as source (AST): imports inside functions count, imports under
`if TYPE_CHECKING:` do not. quizapp.extensions is allowed: services use its `db` session.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from quizapp.api import rules as api_rules
from quizapp.rules.errors import Conflict, Forbidden, Invalid, ServiceError

ROOT = Path(__file__).resolve().parents[2] / "quizapp"
WEB = ("flask", "flask_babel", "flask_login", "flask_wtf", "wtforms")
# Presentation modules, by file name, in any feature.
PRESENTATION = {"views.py", "forms.py", "cli.py", "synth_cli.py", "wording.py", "sheets.py"}
# The app's wiring: what turns requests and config into calls, and files into responses (quizapp/<name>).
WIRING = {"__init__.py", "access.py", "assets.py", "audiences.py", "routing.py", "web.py", "downloads.py", "errors.py",
          "deleting.py",
          "extensions.py", "validators.py", "wording.py", "links.py", "clock.py", "config.py", "cli.py",
          "__main__.py"}
ALLOWED = {"quizapp.extensions"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports(path: Path) -> set[str]:
    """Every module the file imports at run time, as dotted names (and name.member for `from`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}
IMPORTS = {name: imports(path) for name, path in MODULES.items()}


def is_presentation(name: str) -> bool:
    path = MODULES[name]
    return path.name in PRESENTATION or (path.parent == ROOT and path.name in WIRING)


USE_CASES = sorted(name for name in MODULES if not is_presentation(name))


def web_imports(name: str) -> list[str]:
    """The Flask-family imports `name` makes, each with the chain of quizapp modules it comes through."""
    found, seen, todo = [], {name}, [(name, (name,))]
    while todo:
        current, chain = todo.pop()
        for imported in sorted(IMPORTS[current]):
            if imported.split(".")[0] in WEB:
                found.append(" -> ".join((*chain, imported)))
            elif imported in MODULES and imported not in seen and imported not in ALLOWED and imported != "quizapp":
                seen.add(imported)
                todo.append((imported, (*chain, imported)))
    return found


def test_the_walk_sees_every_service_and_the_use_case_modules_beside_them():
    services = [n for n in USE_CASES if n.endswith(".service")]
    assert len(services) >= 20
    for name in ("quizapp.quiz.service", "quizapp.roster.service", "quizapp.roster.rules",
                 "quizapp.rules.errors", "quizapp.database"):
        assert name in USE_CASES
    assert "quizapp.roster.views" not in USE_CASES and "quizapp.roster.wording" not in USE_CASES


@pytest.mark.parametrize("name", USE_CASES)
def test_a_use_case_module_imports_no_flask(name):
    assert web_imports(name) == []


# --- every refusal has words ---------------------------------------------------------------------

KINDS = {cls.__name__: "" for cls in (ServiceError, Conflict, Forbidden, Invalid)}
KINDS["RosterFileError"] = "roster.file."  # roster.rules: the code is "roster.file.<reason>"
KINDS["RegisterFileError"] = "register.file."  # register.rules.file: "register.file.<reason>"


def raised_codes() -> dict[str, set[str]]:
    """Per feature, the codes its modules raise as ServiceErrors (a literal first argument), apart
    from NotFound, which the app answers with its 404 page."""
    codes: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        if is_presentation(name) or not name.startswith("quizapp."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KINDS
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                codes.setdefault(name.split(".")[1], set()).add(KINDS[node.func.id] + node.args[0].value)
    return codes


def test_every_code_a_feature_raises_has_words_in_its_wording():
    codes = raised_codes()
    assert "quiz.practice_locked" in codes["quiz"] and "roster.file.no_rows" in codes["roster"]
    assert "register.file.no_rows" in codes["register"]
    for feature, raised in codes.items():
        words = set(importlib.import_module(f"quizapp.{feature}.wording").MESSAGES)
        assert raised <= words, f"{feature}: no words for {sorted(raised - words)}"
    # The API's refused parameters: ParameterError(name, reason) has the code "api.<reason>".
    api_words = set(importlib.import_module("quizapp.api.wording").MESSAGES)
    assert {f"api.{reason}" for reason in api_rules.REASONS} <= api_words
