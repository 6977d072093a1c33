"""The layout holds: pure rules stay pure, every module says what it is, no quizapp module imports
in a circle, every URL's view is found from the folder its path names, and every import preview
lists its problems with the one shared macro.

Everything here is found by convention (a rules.py anywhere, a module in a `rules` package, the
url_map), so a new feature is covered the day it lands, without editing this file.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "quizapp"
FORBIDDEN = ("flask", "sqlalchemy")  # and every flask_* extension


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_rules(name: str) -> bool:
    """The convention: quizapp/**/rules.py, and every module of a `rules` package."""
    return "rules" in name.split(".")[1:]


RULES = sorted(name for name in MODULES if is_rules(name))


def is_forbidden(name: str) -> bool:
    top = name.split(".")[0]
    return top in FORBIDDEN or top.startswith("flask_")


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"), filename=str(MODULES[name]))


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(name: str, module_level: bool) -> set[str]:
    """The modules `name` imports: every import statement, or only those run when it is imported
    (module level, not under `if TYPE_CHECKING:`). `from a import b` names a.b when b is a module."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]

    def walk(nodes):
        for node in nodes:
            if _type_checking(node) and module_level:
                continue
            if module_level and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            yield node
            yield from walk(ast.iter_child_nodes(node))

    found: set[str] = set()
    for node in walk(tree(name).body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return found


def test_the_conventions_find_the_rules_modules():
    # A guard against a walk that finds nothing and so proves nothing.
    assert {"quizapp.rules.metrics", "quizapp.quiz.rules.grading", "quizapp.bank.rules.checker",
            "quizapp.roster.rules", "quizapp.supervision.rules"} <= set(RULES)
    assert "quizapp.roster.service" not in RULES


@pytest.mark.parametrize("name", RULES)
def test_rules_import_neither_flask_nor_sqlalchemy(name):
    """Following quizapp imports transitively, imports inside functions included."""
    seen, todo, offences = set(), [name], []
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for imported in imports(current, module_level=False):
            if is_forbidden(imported):
                offences.append(f"{current} imports {imported}")
            elif imported in MODULES:
                todo.append(imported)
    assert offences == []


# Run in a fresh interpreter: the quizapp package is stood in for (its __init__ wires the Flask
# app) and any import of flask, flask_* or sqlalchemy raises, so each rules module is imported
# exactly as it is, with everything it pulls in at import time.
_ISOLATED_IMPORT = """
import importlib, json, sys, types
FORBIDDEN = ("flask", "sqlalchemy")
class Refuse:
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in FORBIDDEN or top.startswith("flask_"):
            raise ImportError(f"pure rules imported {name}")
        return None
sys.meta_path.insert(0, Refuse())
package = types.ModuleType("quizapp")
package.__path__ = [sys.argv[1]]
sys.modules["quizapp"] = package
failures = {}
for name in json.loads(sys.argv[2]):
    try:
        importlib.import_module(name)
    except ImportError as error:
        failures[name] = str(error)
print(json.dumps(failures))
"""


def test_rules_modules_import_in_a_fresh_interpreter_without_flask_or_sqlalchemy():
    result = subprocess.run([sys.executable, "-c", _ISOLATED_IMPORT, str(PACKAGE), json.dumps(RULES)],
                            capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == {}


def test_every_module_opens_with_a_docstring():
    assert [name for name in MODULES if not ast.get_docstring(tree(name))] == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def import_graph() -> dict[str, set[str]]:
    return {name: {target for target in imports(name, module_level=True) if target in MODULES and target != name}
            for name in MODULES}


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_the_package_wiring():
    graph = import_graph()
    assert "quizapp.roster.views" in graph["quizapp.audiences"]
    assert "quizapp.routing" in graph["quizapp.roster.views"]


def test_no_quizapp_modules_import_in_a_circle():
    """Module-level imports only: an import inside a function runs after both modules exist."""
    assert _cycles(import_graph()) == []


# Where the first path segment after the audience does not name the feature folder. Keep it short:
# each entry is a page users reach by a name of its own.
AUDIENCES = ("/console", "/reports", "/admin", "/city")
SEGMENT_EXCEPTIONS = {
    "/console/": "board",  # the console's home is today's board
    "/console/chase": "board",
    "/console/preshift": "board",
    "/console/workers": "trends",  # one worker's history, beside the trends
    "/reports/": "dashboard",  # the officers' home is the grid dashboard
    "/reports/compare": "comparison",
    "/reports/city": "citycompare",  # the towns compared (the route name reports.city; /reports/city.xlsx too)
    "/admin/": "town",  # the town admin's home
    "/city/": "towns",  # the city admin's home: every town as counts
    "/city/name": "towns",  # the city's own name, beside its towns
    "/admin/companies": "organisation",
    "/admin/grids": "organisation",
    # The worker's pages and sign-in have no audience prefix (the API's, /api, names its folder).
    "/": "signin",
    "/c": "signin",
    "/login": "signin",
    "/logout": "signin",
    "/today": "quiz",
    "/attempt": "quiz",
    "/history": "quiz",
    "/scam-report": "leads",  # a worker's report of a scam met (我遇到过类似的骗局), beside the officers' inbox
}
# Pages every audience shares, served by the app itself rather than a feature.
APP_WIDE = {"/static": "flask", "/favicon": "quizapp.assets", "/healthz": "quizapp.web", "/lang": "quizapp.web"}


def first_segment(rule: str) -> str:
    """/console/roster/<int:id> -> /console/roster; /console/board.json -> /console/board."""
    parts = rule.split("/")
    prefix = "/".join(parts[:2]) if "/" + parts[1] in AUDIENCES else ""
    segment = parts[2] if prefix else parts[1]
    return f"{prefix}/{segment.split('.')[0]}"


def expected_owner(rule: str) -> str:
    key = first_segment(rule)
    for prefix, owner in APP_WIDE.items():
        if key == prefix:
            return owner
    feature = SEGMENT_EXCEPTIONS.get(key) or key.rsplit("/", 1)[1]
    return f"quizapp.{feature}"


def test_every_url_is_served_from_the_folder_its_path_names(app):
    misplaced = []
    for rule in app.url_map.iter_rules():
        module = app.view_functions[rule.endpoint].__module__
        owner = expected_owner(rule.rule)
        if module != owner and not module.startswith(owner + "."):
            misplaced.append(f"{rule.rule} is served by {module}, expected {owner}")
    assert misplaced == []


def test_every_exception_to_the_folder_rule_is_still_used(app):
    used = {first_segment(rule.rule) for rule in app.url_map.iter_rules()}
    assert set(SEGMENT_EXCEPTIONS) - used == set()
    assert set(APP_WIDE) - used == set()
    # And no exception restates the rule (e.g. "/console/roster": "roster").
    assert [key for key, feature in SEGMENT_EXCEPTIONS.items() if key.rsplit("/", 1)[1] == feature] == []


# --- one way to show an import's problems ------------------------------------------------------------

# The imports whose preview lists problems and lets nothing (or only the good rows) through: each uses
# the shared macro (quizapp/templates/_import.html) instead of a table of its own.
IMPORT_PREVIEWS = ["register/templates/register/preview.html", "outreach/templates/outreach/import.html",
                   "incidents/templates/incidents/import.html", "places/templates/places/boundaries.html",
                   "roster/templates/roster/preview.html"]


@pytest.mark.parametrize("template", IMPORT_PREVIEWS)
def test_every_import_preview_lists_its_problems_with_the_shared_macro(template):
    source = (PACKAGE / template).read_text(encoding="utf-8")
    assert re.search(r'\{% from "_import\.html" import [^%]*\bproblem_list\b', source) and "problem_list(" in source
    assert 'class="figures problems"' not in source and "What is wrong" not in source
