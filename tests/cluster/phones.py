"""Phones for the cluster test: each follows the real pages as a worker's browser does with
JavaScript off (reads each page's forms and links, submits what a worker would tap), keeps its
cookies, and sends a request again when it failed the way a lost server fails it (no answer, or
the balancer's 502/503/504), as a worker taps again. Every try is noted with its start and end."""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

RETRY_STATUSES = (502, 503, 504)
QUIZ_LINK = re.compile(r"^/attempt/\d+(/q/\d+|/result)?$")
ANSWER_URL = re.compile(r"^/attempt/(\d+)/q/(\d+)$")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # hidden and filled inputs
    choices: list[str] = field(default_factory=list)  # the values of the "choice" options


class Page(HTMLParser):
    """A page's forms and links."""

    def __init__(self, url: str, status: int, text: str):
        super().__init__()
        self.url, self.status, self.forms, self.links = url, status, [], []
        self._form: Form | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action") or self.url, a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("name"):
            if a["name"] == "choice":
                self._form.choices.append(a.get("value", ""))
            elif a.get("type") in ("hidden", None, "text", "submit", ""):
                self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and self._form is not None and a.get("name"):
            self._form.fields.setdefault(a["name"], a.get("value", ""))
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None

    def form_with(self, name: str, value: str | None = None) -> Form | None:
        return next((f for f in self.forms if name in f.fields and (value is None or f.fields[name] == value)), None)


@dataclass(frozen=True)
class Failure:
    """A request that got no usable answer: when it was sent and when it failed (monotonic clock)."""

    what: str
    started: float
    ended: float


class Log:
    """What every phone saw, shared by all of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failures: list[Failure] = []
        self.answered: list[tuple[int, int, int]] = []  # (attempt, position, display choice) acknowledged
        self.finished = 0
        self.served_by: dict[str, int] = {}


class Phone:
    def __init__(self, port: int, log: Log, retries: int = 30):
        self.port, self.log, self.retries, self.cookies = port, log, retries, {}

    def _once(self, method: str, path: str, body: str | None) -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if cookie and "max-age=0" not in value.lower():
                    self.cookies[key] = cookie
                else:
                    self.cookies.pop(key, None)
        served = response.getheader("X-Served-By") or "?"
        with self.log.lock:
            self.log.served_by[served] = self.log.served_by.get(served, 0) + 1
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict[str, str], str]:
        """One request, sent again (the same one) while the server side is lost."""
        body = urlencode(form, doseq=True) if form is not None else None
        for _ in range(self.retries):
            started = time.monotonic()
            try:
                status, headers, text = self._once(method, path, body)
            except (OSError, http.client.HTTPException) as error:  # no answer, or one cut short
                status, headers, text = 0, {}, str(error)
            if status not in (0, *RETRY_STATUSES):
                return status, headers, text
            with self.log.lock:
                self.log.failures.append(Failure(f"{method} {path}: {status or text}", started, time.monotonic()))
            time.sleep(0.3)
        raise RuntimeError(f"{method} {path}: no answer after {self.retries} tries")

    def open(self, method: str, path: str, form: dict | None = None) -> tuple[int, Page]:
        """A request and the redirects after it, as a browser follows them: the first status and
        the page it ends on."""
        status, headers, text = self.request(method, path, form)
        first = status
        while status in (301, 302, 303):
            path = urlsplit(headers["location"]).path
            status, headers, text = self.request("GET", path)
        if status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {status}")
        return first, Page(path, status, text)

    def take_todays_quiz(self, code: str, employee_no: str, pin: str) -> None:
        """Sign in on the company's page and take the whole quiz, as the pages lead."""
        _, page = self.open("GET", f"/c/{code}")
        form = page.form_with("csrf_token")
        assert form is not None, page.url
        _, page = self.open("POST", form.action, {**form.fields, "employee_no": employee_no, "pin": pin})
        for _ in range(60):
            if re.match(r"^/attempt/\d+/result$", page.url):
                with self.log.lock:
                    self.log.finished += 1
                return
            start = page.form_with("kind", "official")
            question = next((f for f in page.forms if f.choices), None)
            if start is not None:
                _, page = self.open("POST", start.action, start.fields)
            elif question is not None:
                target = urlsplit(question.action).path
                status, page = self.open("POST", target, {**question.fields, "choice": question.choices[0]})
                found = ANSWER_URL.match(target)
                assert found and status < 400, (target, status)
                with self.log.lock:
                    self.log.answered.append((int(found[1]), int(found[2]), int(question.choices[0])))
            else:
                link = next((urlsplit(h).path for h in page.links if QUIZ_LINK.match(urlsplit(h).path)), None)
                assert link is not None, f"nowhere to go from {page.url}"
                _, page = self.open("GET", link)
        raise RuntimeError(f"{employee_no}: the quiz did not end")
