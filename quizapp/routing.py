"""A feature's routes, declared beside its views and attached to its audience's blueprint.

Used by the feature folders whose pages belong to a blueprint shared by several features (the
console, the reports, the admin pages): a views module fills a `Routes` table with the same
decorators a blueprint offers, and quizapp/audiences.py attaches each table to the audience's
blueprint. A feature never imports the blueprint, so no package imports in a circle, and the
endpoint names stay `console.roster`, `reports.incidents`, `admin.tokens`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

View = Callable[..., Any]


class Routes:
    def __init__(self) -> None:
        self._rules: list[tuple[str, dict[str, Any], View]] = []

    def route(self, rule: str, **options: Any) -> Callable[[View], View]:
        def record(view: View) -> View:
            self._rules.append((rule, options, view))
            return view
        return record

    def get(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["POST"], **options)

    def attach(self, bp: Blueprint) -> None:
        for rule, options, view in self._rules:
            options = dict(options)
            bp.add_url_rule(rule, options.pop("endpoint", view.__name__), view, **options)
