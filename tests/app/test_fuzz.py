"""Hostile input at every edge, generated from the url_map: for every role, every route's URL
parameters, every query parameter a page reads and every field of every form it shows get the
values a hostile or careless user sends (huge and negative numbers, superscript digits, NUL and
control characters, 100,000-character strings, year 1 and year 9999, missing and repeated fields).

What must hold: no answer is a server error; no answer shows a traceback or a hostile value
unescaped (a leak); a refused request (4xx, or the form given back with a message at a field)
writes nothing (a partial write); and afterwards every page of the role still opens (a stored
value never breaks a page). The figures are printed at the end (README, "Reliability").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.models import Company, Employee, FollowUp, Incident, StaffUser, SupervisionCase
from quizapp.quiz import service as quiz
from tests import factories
from tests.pages import sign_in_staff, sign_in_worker

MARKUP = "<b>x</b>\"'"
HOSTILE = [
    "99999999999999999999999", "-1", "0", "²", "1²", "\x00", "A\x00", "a\x01b\x7f", "x" * 100_000,
    "0001-01-01", "9999-12-31", "9999-12", "", MARKUP,
]
URL_ARGS = ["99999999999999999999999", "-1", "0", "²", "2147483648"]
# Paths the crawl does not follow: signing out, switching the language, static files.
SKIP = re.compile(r"^/(logout|lang/|static/)")
# Tables a refused request may still write to: the audit log records refusals that matter (failed
# sign-ins), and rate limits and sign-in counters are their purpose.
MAY_WRITE_WHEN_REFUSED = {"audit_log"}
ROLES = ("worker", "staff", "officer", "admin", "anonymous")
PAGES_PER_ROLE = 120


class _Recording(MultiDict):
    """Request arguments that remember which names a view asked for."""

    asked: set[str] = set()

    def __contains__(self, key):
        _Recording.asked.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):  # noqa: A002  (MultiDict's signature)
        _Recording.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        _Recording.asked.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        _Recording.asked.add(key)
        return super().__getitem__(key)


class _Page(HTMLParser):
    """The links and forms of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", tag)
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].append((a["name"], None))
            elif kind not in ("submit", "button", "file"):
                self._form["fields"].append((a["name"], a.get("value") or ""))
            if tag == "select":
                self._select = a["name"]
        elif tag == "option" and self._select and self._form is not None:
            fields = self._form["fields"]
            if fields and fields[-1][0] == self._select and not fields[-1][1]:
                fields[-1] = (self._select, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class Figures:
    cases: int = 0
    server_errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    partial_writes: list[str] = field(default_factory=list)


def _counts(app) -> dict[str, int]:
    tables = [t for t in db.metadata.sorted_tables if t.name not in MAY_WRITE_WHEN_REFUSED]
    with app.app_context():
        row = db.session.execute(select(*(select(func.count()).select_from(t).scalar_subquery()
                                          for t in tables))).one()
    return dict(zip((t.name for t in tables), row, strict=True))


class Fuzzer:
    def __init__(self, app, client, role: str, town, figures: Figures):
        self.app, self.client, self.role, self.town, self.figures = app, client, role, town, figures
        self.asked: dict[str, set[str]] = defaultdict(set)  # endpoint -> query or form names read

    def sign_in(self):
        if self.role == "worker":
            sign_in_worker(self.client, self.town.code_a, self.town.worker_a_no)
        elif self.role != "anonymous":
            sign_in_staff(self.client, {"staff": "staff-a", "officer": "officer-1", "admin": "admin"}[self.role])

    def endpoint(self, path: str, method: str) -> str | None:
        adapter = self.app.url_map.bind("localhost")
        try:
            return adapter.match(path, method=method.upper())[0]
        except Exception:  # no route, or not for this method
            return None

    def send(self, method: str, path: str, data=None, query=None, check_writes: bool = False):
        """One request; its status and text, checked for a server error and for a leak."""
        before = _counts(self.app) if check_writes else None
        _Recording.asked = set()
        response = self.client.open(path, method=method, data=data, query_string=query)
        text = response.get_data(as_text=True) if response.mimetype in ("text/html", "application/json") else ""
        status = response.status_code
        response.close()
        self.figures.cases += 1
        where = f"{self.role} {method} {path} {_short(query or data)} -> {status}"
        if status >= 500:
            self.figures.server_errors.append(where)
        if "Traceback (most recent call last)" in text or (response.mimetype == "text/html" and MARKUP in text):
            self.figures.leaks.append(where)
        if before is not None and (400 <= status < 500 or 'class="field-error"' in text):
            after = _counts(self.app)
            changed = {t for t in before if before[t] != after[t]}
            if changed:
                self.figures.partial_writes.append(f"{where}: {sorted(changed)}")
        endpoint = self.endpoint(path, method)
        if endpoint:
            self.asked[endpoint] |= {name for name in _Recording.asked if isinstance(name, str)}
        return status, text, response

    def crawl(self) -> tuple[list[str], list[dict]]:
        """Every page reachable from the role's start pages and from the url_map's argument-free
        GET routes, with the forms they show."""
        start = [r.rule for r in self.app.url_map.iter_rules()
                 if "GET" in r.methods and not r.arguments and not SKIP.match(r.rule)]
        seen, queue, forms = set(), list(start), {}
        while queue and len(seen) < PAGES_PER_ROLE:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            status, text, response = self.send("GET", url)
            location = urlsplit(response.location or "")
            if status in (301, 302, 303) and not location.netloc and not SKIP.match(location.path):
                queue.append(location.path + (f"?{location.query}" if location.query else ""))
            if status != 200 or response.mimetype != "text/html":
                continue
            page = _Page()
            page.feed(text)
            for link in page.links:
                parts = urlsplit(link)
                if parts.netloc or not parts.path.startswith("/") or SKIP.match(parts.path):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in seen and _endpoint_count(queue, seen, target) < 3:
                    queue.append(target)
            for form in page.forms:
                action = form["action"] or url
                if SKIP.match(urlsplit(action).path):
                    continue
                key = (form["method"], action, tuple(sorted({name for name, _ in form["fields"]})))
                forms.setdefault(key, {**form, "action": action})
        return sorted(seen), list(forms.values())

    def fuzz_queries(self, pages: list[str]):
        done = set()
        for url in pages:
            parts = urlsplit(url)
            endpoint = self.endpoint(parts.path, "GET")
            if endpoint is None or endpoint in done:
                continue
            done.add(endpoint)
            names = self.asked[endpoint] | {name for name, _ in parse_qsl(parts.query)}
            base = dict(parse_qsl(parts.query))
            for name in sorted(names):
                for value in HOSTILE:
                    self.send("GET", parts.path, query={**base, name: value})
                self.send("GET", parts.path, query=[*base.items(), (name, "1"), (name, "²")])

    def fuzz_forms(self, forms: list[dict]):
        for form in forms:
            self.sign_in()  # a form may have ended the session (a password reset, a deactivation)
            method, path = form["method"].upper(), urlsplit(form["action"]).path
            base = [(name, value) for name, value in form["fields"] if value is not None]
            if method == "GET":
                continue  # a search form: its names were fuzzed as query parameters
            self.send(method, path, data=MultiDict(base))
            read = self.asked[self.endpoint(path, method) or ""] - {"csrf_token"}
            names = {name for name, _ in form["fields"]} | read
            for name in sorted(names):
                others = [(n, v) for n, v in base if n != name]
                for value in HOSTILE:
                    self.send(method, path, data=MultiDict([*others, (name, value)]), check_writes=True)
                self.send(method, path, data=MultiDict(others), check_writes=True)  # missing
                self.send(method, path, data=MultiDict([*base, (name, "²")]), check_writes=True)  # repeated

    def fuzz_url_arguments(self):
        """Every route with arguments, each argument hostile in turn (the others a real value)."""
        real = {"code": self.town.code_a, "position": "1", "fmt": "csv", "image_fmt": "png", "period": "week",
                "team": "一车间", "filename": "css/app.css"}
        for rule in self.app.url_map.iter_rules():
            if not rule.arguments or rule.endpoint == "static":
                continue
            for argument in sorted(rule.arguments):
                for value in [*URL_ARGS, "\x00", "x" * 2000]:
                    values = {a: real.get(a, "1") for a in rule.arguments}
                    values[argument] = value
                    path = _build(rule.rule, values)
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                        if SKIP.match(path):
                            continue
                        self.send(method, path, data={})


def _build(rule: str, values: dict[str, str]) -> str:
    from urllib.parse import quote

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: quote(values[m.group(1)], safe=""),
                  re.sub(r"<any\([^)]*\):(\w+)>", r"<\1>", rule))


def _endpoint_count(queue: list[str], seen: set[str], target: str) -> int:
    """How many URLs of the same path are already queued or read: a list's pages and filters are
    read a few times, not every combination."""
    path = urlsplit(target).path
    return sum(1 for url in [*queue, *seen] if urlsplit(url).path == path)


def _short(data) -> str:
    text = urlencode(list(data.items(multi=True)) if isinstance(data, MultiDict) else data or {})
    return text if len(text) < 120 else text[:117] + "..."


def _seed(town) -> None:
    """Something behind every page: a finished quiz, a supervision case with a follow-up, an incident."""
    worker = db.session.get(Employee, town.worker_a)
    factories.take_quiz(worker, local_today())
    quiz.start_attempt(worker, "practice", local_today(), utcnow(), "test-town")
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer-1"))
    case = SupervisionCase(company_id=town.company_a, rule="manual", reason="test", opened_on=local_today())
    db.session.add(case)
    db.session.flush()
    db.session.add_all([
        FollowUp(case_id=case.id, kind="visit", happened_on=local_today(), who="张三", notes="n",
                 created_by=officer.id),
        Incident(grid_id=db.session.get(Company, town.company_a).grid_id, company_id=town.company_a,
                 month=local_today().replace(day=1), fraud_type="shuadan", cases=1, loss_yuan=100),
    ])
    db.session.commit()


@pytest.fixture
def recording(app):
    """Requests whose arguments record the names a view reads (restored after the test)."""
    saved = app.request_class

    class RecordingRequest(saved):
        parameter_storage_class = _Recording

    app.request_class = RecordingRequest
    yield
    app.request_class = saved


FIGURES: dict[str, Figures] = {}


@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_never_breaks_a_page(app, client, town, recording, role):
    with app.app_context():
        _seed(town)
    figures = FIGURES.setdefault(role, Figures())
    fuzzer = Fuzzer(app, client, role, town, figures)
    fuzzer.sign_in()
    pages, forms = fuzzer.crawl()
    fuzzer.fuzz_queries(pages)
    fuzzer.fuzz_forms(forms)
    fuzzer.fuzz_url_arguments()
    # Afterwards, whatever was stored: every page of the role still opens.
    fuzzer.sign_in()
    Fuzzer(app, client, role, town, figures).crawl()
    print(f"\nfuzz {role}: {figures.cases} requests, {len(pages)} pages, {len(forms)} forms, "
          f"{len(figures.server_errors)} server errors, {len(figures.leaks)} leaks, "
          f"{len(figures.partial_writes)} partial writes")
    assert len(pages) > 3
    assert not figures.server_errors, "\n".join(figures.server_errors[:40])
    assert not figures.leaks, "\n".join(figures.leaks[:40])
    assert not figures.partial_writes, "\n".join(figures.partial_writes[:40])
