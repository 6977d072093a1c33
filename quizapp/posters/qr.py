"""The company's QR code (segno): the worker link it holds (quizapp.links.worker_url), as inline
SVG for pages and as PNG or SVG files to download.

Used by the console's posters and pre-shift screen and the admin's company page.
"""

from __future__ import annotations

import io
from urllib.parse import unquote

import segno
from markupsafe import Markup

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


def readable(url: str) -> str:
    """The link as people read it under a code: a team's name in its own letters, not %-escaped."""
    return unquote(url)


def _code(url: str) -> segno.QRCode:
    # Level M survives a scuffed or partly covered poster on a workshop wall.
    return segno.make(url, error="m", micro=False)


def inline_svg(url: str, label: str) -> Markup:
    """The code as SVG markup for a page: sized by CSS (no width or height), white quiet zone."""
    svg = _code(url).svg_inline(scale=1, border=4, omitsize=True, light="#fff", svgclass="qr", title=label)
    return Markup(svg)


def file_names(company_code: str, team: str | None, fmt: str) -> tuple[str, str]:
    """A code file's name (acme-一车间-qr.png) and its ASCII fallback for browsers that ignore the
    UTF-8 name (acme-team-qr.png: a team's name is rarely ASCII)."""
    if not team:
        return f"{company_code}-qr.{fmt}", f"{company_code}-qr.{fmt}"
    return f"{company_code}-{team}-qr.{fmt}", f"{company_code}-team-qr.{fmt}"


def render(url: str, fmt: str) -> bytes:
    """The code as a file: a PNG big enough to print on A4 (about 10 cm at 300 dpi), or SVG."""
    buffer = io.BytesIO()
    if fmt == "png":
        _code(url).save(buffer, kind="png", scale=30, border=4)
    elif fmt == "svg":
        _code(url).save(buffer, kind="svg", scale=10, border=4, xmldecl=True, title=url)
    else:
        raise ValueError(f"unknown QR format {fmt!r}")
    return buffer.getvalue()
