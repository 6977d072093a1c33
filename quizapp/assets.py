"""Static files for phones on a weak signal: fingerprinted URLs, long caching, compression.

Used by the app factory only. Owns how /static/ is addressed and cached: every
`url_for('static', ...)` carries `v=<content hash>`, so a response for a URL with the file's current
hash can be kept by the phone for a year without asking again (a changed file gets a new URL); any
other static request is revalidated. CSS, JavaScript, SVG and JSON are compressed (Flask-Compress);
HTML is not, because a page that holds a CSRF token next to text a visitor typed is what a
compression side channel (BREACH) needs, and the worker pages are under 8 KB anyway.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request
from flask_compress import Compress

YEAR = 365 * 24 * 60 * 60
COMPRESSED = ["text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json"]

compress = Compress()


def fingerprint(filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None for a file that does not exist.

    Cached per (path, modification time, size), so an edited file is hashed again without a restart."""
    folder = current_app.static_folder
    if folder is None:
        return None
    path = Path(folder, filename)
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cache: dict[tuple[str, int, int], str] = current_app.extensions.setdefault("quizapp.fingerprints", {})
    if key not in cache:
        cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return cache[key]


def add_fingerprint(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = fingerprint(values["filename"])
        if digest:
            values["v"] = digest


def cache_headers(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    if response.status_code == 200 and response.is_streamed:
        # Read the (small) file now, so it is compressed as a whole with gzip too (a streamed body
        # only gets deflate) and the file is closed by this response, not left to the collector.
        response.direct_passthrough = False
        response.make_sequence()
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get("v") and request.args.get("v") == fingerprint(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        # An old or missing fingerprint: the phone may keep the file but must ask before using it.
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
        response.cache_control.public = True
    return response


def favicon():
    """For clients that ask for /favicon.ico by themselves (pages name an empty icon, see base.html)."""
    icon = Path(current_app.static_folder or "", "favicon.svg").read_bytes()
    response = Response(icon, mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 60 * 60
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    compress.init_app(app)
    app.url_defaults(add_fingerprint)
    app.after_request(cache_headers)
