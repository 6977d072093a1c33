"""Bytes and round trips of a whole quiz on a phone with a cold cache and a weak signal.

Run by hand (never in the test suite), from the repository root:
    .venv/bin/python bench/phone_bytes.py
    .venv/bin/python bench/phone_bytes.py --chromium /usr/bin/chromium --rtt 300 --kbps 400

A worker who already chose a PIN signs in and answers a whole quiz in headless Chromium at 360 px
with WeChat's user agent, against quizapp served by gunicorn as in production, on an emulated weak
signal (Chrome DevTools' network conditions). It then comes back the next morning (same phone,
same cache) and takes the page to today's quiz again. It prints, per visit: requests by kind
(pages, static files, other), bytes on the wire (as Chromium counts them: headers and compressed
bodies), requests answered from the phone's cache without a round trip, and the wall time.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
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

from bench.shift_burst import PIN, prepare, serve, stop  # noqa: E402

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2134A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
             "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/4G Language/zh_CN")


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
        self.kinds: dict[str, str] = {}
        self.wire = 0
        self.requests: Counter[str] = Counter()
        self.cached = 0
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)

    def _sent(self, event):
        url, kind = event["request"]["url"], event.get("type", "Other")
        label = "static" if "/static/" in url else ("page" if kind == "Document" else "other")
        self.kinds[event["requestId"]] = label
        self.requests[label] += 1

    def _finished(self, event):
        self.wire += int(event.get("encodedDataLength", 0))

    def _from_cache(self, event):
        self.cached += 1

    def reset(self):
        self.kinds.clear()
        self.requests.clear()
        self.wire = 0
        self.cached = 0

    def line(self, name: str, seconds: float) -> str:
        return (f"{name:<28} pages {self.requests['page']:>3}  static {self.requests['static']:>3}"
                f" (from cache {self.cached:>2})  other {self.requests['other']:>2}"
                f"  wire {self.wire / 1024:>7.1f} KB  {seconds:>5.1f} s")


def take_quiz(page, base: str, code: str, employee_no: str) -> None:
    page.goto(f"{base}/c/{code}")
    page.locator("#employee_no").fill(employee_no)
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    page.locator("#pin").fill(PIN)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/today")
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/q/\d+"))
    for _ in range(12):
        if "/result" in page.url:
            return
        page.locator("label.option").first.click()
        page.locator("form button[type=submit]").first.click()
        page.wait_for_selector(".feedback")
        page.locator("a.button").first.click()
        page.wait_for_load_state()
    raise RuntimeError(f"the quiz did not end: {page.url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chromium", default=os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--rtt", type=int, default=300, help="emulated round-trip latency in ms")
    parser.add_argument("--kbps", type=int, default=400, help="emulated bandwidth each way in kbit/s")
    opts = parser.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="quizapp-phone-"))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    env = dict(os.environ, QUIZAPP_DATABASE_URL=url, QUIZAPP_SECURE_COOKIES="0", QUIZAPP_SECRET_KEY="bench",
               QUIZAPP_INSTANCE=str(tmp), PYTHONPATH=str(ROOT))
    os.environ.update(QUIZAPP_INSTANCE=str(tmp), QUIZAPP_SECRET_KEY="bench")
    prepare(url, 1)
    port = free_port()
    server = serve([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "quizapp:create_app()"],
                   env, port, "/healthz")
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=opts.chromium, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                          has_touch=True, user_agent=WECHAT_UA, locale="zh-CN")
            page = context.new_page()
            meter = Meter(context, page, opts.rtt, opts.kbps)
            print(f"emulated signal: {opts.rtt} ms round trip, {opts.kbps} kbit/s each way")
            started = time.perf_counter()
            take_quiz(page, base, "bench", "W000000")
            print(meter.line("sign-in + whole quiz (cold)", time.perf_counter() - started))
            meter.reset()
            started = time.perf_counter()
            page.goto(f"{base}/today")
            page.wait_for_load_state()
            print(meter.line("back to today (warm)", time.perf_counter() - started))
            browser.close()
    finally:
        stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
