"""Round trips, bytes and server CPU of a whole quiz on a phone with a cold cache and a weak signal.

Run by hand, from the repository root (too slow for the test suite even at its smallest: tests/bench):
    .venv/bin/python bench/phone_bytes.py
    .venv/bin/python bench/phone_bytes.py --chromium /usr/bin/chromium --rtt 300 --kbps 400 --json

Workers who already chose a PIN sign in and answer a whole quiz in headless Chromium at 360 px with
WeChat's user agent, against quizapp served by gunicorn as in production, on an emulated weak
signal (Chrome DevTools' network conditions): one phone with JavaScript on, one with it off, each
with a cold cache. The JavaScript-on phone then comes back the next morning (same cache) to
today's page. Each phase prints the requests the phone sent by kind (page loads and redirect hops,
fetches, static files and how many of those came from the phone's cache), the bytes it received (as
Chromium counts them: headers and compressed bodies, redirects included), how long the phone
waited on the network (from sending each page or fetch request to its last byte, summed: what the
worker waits for), the wall time (which adds the automated taps), and the server's CPU time (its
gunicorn workers', from /proc; 10 ms ticks). A first quiz, not reported, warms the server
(templates compiled, connections open). Traffic goes to 127.0.0.1 only.

The script works against older versions of quizapp too (it only taps what a worker taps), which is
how the "before" figures in bench/README.md were taken.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.shift_burst import PIN, prepare, serve, server_cpu, stop  # noqa: E402

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2134A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
             "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/4G Language/zh_CN")
QUESTION_OR_RESULT = re.compile(r".*/(q/\d+|result)$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Meter:
    """Counts what one browser page sends and receives, through the DevTools protocol."""

    def __init__(self, context, page, rtt_ms: int, kbps: int):
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        throughput = kbps * 1000 / 8
        self.cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt_ms, "downloadThroughput": throughput, "uploadThroughput": throughput})
        self.wire = 0
        self.requests: Counter[str] = Counter()
        self.cached = 0
        self.sent: list[str] = []
        self.waiting = 0.0  # seconds from sending a page or fetch request to its last byte, summed
        self.started: dict[str, float] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", self._finished)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)

    def _sent(self, event):
        # A redirect fires this again with the same request id: each hop is a round trip of its own.
        if "redirectResponse" in event:
            self.wire += int(event["redirectResponse"].get("encodedDataLength", 0))
        url, kind = event["request"]["url"], event.get("type", "Other")
        if "/static/" in url:
            label = "static"
        else:
            label = {"Document": "page", "Fetch": "fetch", "XHR": "fetch"}.get(kind, "other")
            path = url.split("//", 1)[-1].split("/", 1)[-1]
            self.sent.append(f"{event['request']['method']} /{path}")
            self.started.setdefault(event["requestId"], event["timestamp"])  # a redirect's first hop
        self.requests[label] += 1

    def _finished(self, event):
        self.wire += int(event.get("encodedDataLength", 0))
        started = self.started.pop(event["requestId"], None)
        if started is not None:
            self.waiting += event["timestamp"] - started

    def _from_cache(self, event):
        self.cached += 1

    def reset(self):
        self.requests.clear()
        self.sent.clear()
        self.wire = 0
        self.cached = 0
        self.waiting = 0.0
        self.started.clear()

    def figures(self, seconds: float, cpu: float) -> dict:
        round_trips = self.requests["page"] + self.requests["fetch"] + self.requests["other"]
        return {"pages": self.requests["page"], "fetches": self.requests["fetch"], "other": self.requests["other"],
                "static": self.requests["static"], "static_from_cache": self.cached,
                "round_trips": round_trips + self.requests["static"] - self.cached,
                "kb_received": round(self.wire / 1024, 1), "seconds": round(seconds, 1),
                "waiting_seconds": round(self.waiting, 1),
                "server_cpu_ms": round(cpu * 1000), "sent": list(self.sent)}


def line(name: str, f: dict) -> str:
    return (f"{name:<30} round trips {f['round_trips']:>3} (pages {f['pages']:>2}, fetches {f['fetches']:>2},"
            f" static {f['static'] - f['static_from_cache']:>2} of {f['static']:>2})"
            f"  {f['kb_received']:>6.1f} KB  waiting {f['waiting_seconds']:>4.1f} s of {f['seconds']:>4.1f} s"
            f"  server CPU {f['server_cpu_ms']:>4} ms")


def sign_in(page, base: str, code: str, employee_no: str) -> None:
    page.goto(f"{base}/c/{code}")
    page.locator("#employee_no").fill(employee_no)
    page.locator("#pin").fill(PIN)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/today")


def take_quiz(page) -> None:
    """From today's page: start, answer every question, open the result (what a worker taps)."""
    page.locator("button[type=submit]").first.click()
    for _ in range(12):
        page.wait_for_url(QUESTION_OR_RESULT)
        if page.url.endswith("/result"):
            page.wait_for_selector(".score")
            return
        page.locator("label.option").first.click()
        page.locator("form button[type=submit]").first.click()
        page.wait_for_selector(".feedback")
        page.locator(".feedback ~ a.button").first.click()
    raise RuntimeError(f"the quiz did not end: {page.url}")


def back_to_today(page, base: str) -> None:
    page.goto(f"{base}/today")
    page.wait_for_load_state()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chromium", default=os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--rtt", type=int, default=300, help="emulated round-trip latency in ms")
    parser.add_argument("--kbps", type=int, default=400, help="emulated bandwidth each way in kbit/s")
    parser.add_argument("--json", action="store_true", help="also print the figures (and every request) as JSON")
    opts = parser.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="quizapp-phone-"))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    env = dict(os.environ, QUIZAPP_DATABASE_URL=url, QUIZAPP_SECURE_COOKIES="0", QUIZAPP_SECRET_KEY="bench",
               QUIZAPP_INSTANCE=str(tmp), PYTHONPATH=str(ROOT))
    os.environ.update(QUIZAPP_INSTANCE=str(tmp), QUIZAPP_SECRET_KEY="bench")
    prepare(url, 3)
    port = free_port()
    server = serve([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "quizapp:create_app()"],
                   env, port, "/healthz")
    base = f"http://127.0.0.1:{port}"
    report: dict = {"rtt_ms": opts.rtt, "kbps": opts.kbps}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=opts.chromium, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])

            def phone(javascript: bool):
                context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                              has_touch=True, user_agent=WECHAT_UA, locale="zh-CN",
                                              java_script_enabled=javascript)
                context.set_default_timeout(60000)
                page = context.new_page()
                return context, page, Meter(context, page, opts.rtt, opts.kbps)

            def measured(meter: Meter, name: str, step, *args) -> None:
                meter.reset()
                cpu, started = server_cpu(server.pid), time.perf_counter()
                step(*args)
                seconds, cpu = time.perf_counter() - started, server_cpu(server.pid) - cpu
                args[0].wait_for_timeout(500)  # the last DevTools events (bytes of the last response) come in
                report[name] = meter.figures(seconds, cpu)
                print(line(name, report[name]), flush=True)

            context, page, _ = phone(True)  # warm-up, not reported
            sign_in(page, base, "bench", "W000002")
            take_quiz(page)
            context.close()

            print(f"emulated signal: {opts.rtt} ms round trip, {opts.kbps} kbit/s each way")
            for javascript, employee_no in ((True, "W000000"), (False, "W000001")):
                label = "JS on" if javascript else "JS off"
                context, page, meter = phone(javascript)
                measured(meter, f"{label}: sign-in (cold)", sign_in, page, base, "bench", employee_no)
                measured(meter, f"{label}: quiz, start to result", take_quiz, page)
                if javascript:
                    measured(meter, f"{label}: back to today (warm)", back_to_today, page, base)
                context.close()
            browser.close()
    finally:
        stop(server)
    if opts.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
