"""Stand-ins for what quizapp sends messages to, started by the tests on 127.0.0.1: a WeChat Work
group robot (http.server) and an SMTP server (aiosmtpd). Used by the reminder and digest tests;
the `receivers` fixture in conftest.py starts robots and stops them after the test."""

from __future__ import annotations

import email
import json
import socket
import threading
import time as clock
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class Receiver:
    """A WeChat Work group robot stand-in: records every post, answers as told."""

    def __init__(self, answer: str = "ok"):
        self.answer, self.posts = answer, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.posts.append(json.loads(self.rfile.read(length).decode("utf-8")))
                if receiver.answer == "slow":
                    clock.sleep(1.0)
                status, body = {"ok": (200, {"errcode": 0, "errmsg": "ok"}), "500": (500, {}),
                                "errcode": (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
                                "slow": (200, {"errcode": 0})}[receiver.answer]
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller gave up waiting (the slow robot): nobody left to answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        # A short poll: shutdown() waits for the loop's next look, half a second by default.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    def contents(self) -> list[str]:
        return [post["text"]["content"] for post in self.posts]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class Mailbox:
    """An SMTP server stand-in: keeps every message, or refuses every recipient when told."""

    def __init__(self):
        self.messages, self.refuse = [], False
        box = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if box.refuse:
                    return "550 5.1.1 no such mailbox here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                box.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content,
                                                                                   policy=policy.default)))
                return "250 Message accepted"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def texts(self) -> list[str]:
        return [message.get_body(("plain",)).get_content() for _to, message in self.messages]

    def close(self) -> None:
        self.controller.stop()


def free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
