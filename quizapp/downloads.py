"""Files the app hands out (exports, reports, templates, QR codes): the one place that builds a
download's response and its Content-Disposition, and the one test of whether the reader's browser
can save files at all (WeChat's in-app browser cannot).

Every download names itself twice: `filename*` in UTF-8 (周报-网格一-2026-11-16.xlsx) for browsers
that read it, and an ASCII `filename` made of codes and dates (weekly-g1-2026-11-16.xlsx) for those
that do not, which would otherwise save "--2026-11-16.xlsx". A test checks that no other module
sends a file.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Response, request

_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")


def is_ascii_name(name: str) -> bool:
    """A file name every browser and file system keeps as it is: letters, digits, . _ -."""
    return bool(name) and not _NOT_ASCII_SAFE.search(name) and not name.startswith((".", "-"))


def ascii_name(name: str) -> str:
    """`name` with everything but ASCII letters, digits, . _ - dropped (runs of "-" become one):
    for names that are ASCII already or nearly so. A name of Chinese words needs a fallback of its
    own (codes and dates), since dropping them leaves only the date."""
    cleaned = _DASHES.sub("-", _NOT_ASCII_SAFE.sub("-", name)).strip("-.")
    return cleaned or "download"


def content_disposition(name: str, fallback: str | None = None, inline: bool = False) -> str:
    """The Content-Disposition of a file called `name`: the ASCII `fallback` (or `name` itself,
    when it is ASCII) as filename, and `name` in UTF-8 as filename* (RFC 6266).

    A name that is not ASCII needs a fallback that says what the file is: ValueError otherwise.
    """
    if fallback is None:
        if not is_ascii_name(name):
            raise ValueError(f"{name!r} is not ASCII: give the download an ASCII fallback name")
        fallback = name
    if not is_ascii_name(fallback):
        raise ValueError(f"fallback name {fallback!r} is not plain ASCII")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send(data: bytes, mimetype: str, name: str, fallback: str | None = None, *, private: bool = True,
         inline: bool = False) -> Response:
    """A file to save (or, `inline`, to show, e.g. a QR code to long-press in WeChat).

    `private`: it holds a company's or a grid's data, so nothing may keep a copy (shared caches,
    the browser's disk cache).
    """
    response = Response(data, content_type=mimetype)
    response.headers["Content-Disposition"] = content_disposition(name, fallback, inline)
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response


# WeChat's in-app browser announces itself with "MicroMessenger" (Android and iOS, also WeChat
# Work's "wxwork" browser, which carries it too). It does not save downloads: files must be
# opened in the phone's own browser, or shown as an image or text instead.
WECHAT_MARK = "MicroMessenger"


def is_wechat(user_agent: str | None) -> bool:
    return WECHAT_MARK.lower() in (user_agent or "").lower()


def in_wechat() -> bool:
    """The current request comes from WeChat's in-app browser (templates: `in_wechat()`)."""
    return is_wechat(request.headers.get("User-Agent"))
