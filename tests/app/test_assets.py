"""Static files on a weak signal: a fingerprinted URL is cached for a year, anything else is
revalidated, and text files travel compressed (HTML never is)."""

from __future__ import annotations

import re
import zlib

import pytest
from flask import url_for

from quizapp import assets


def test_every_static_url_carries_the_file_s_content_hash(app):
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
        digest = assets.fingerprint("css/app.css")
    assert digest and re.fullmatch(r"[0-9a-f]{12}", digest)
    assert url == f"/static/css/app.css?v={digest}"


def test_a_page_links_its_stylesheet_by_fingerprint(client, town):
    page = client.get(f"/c/{town.code_a}").get_data(as_text=True)
    assert re.search(r'href="/static/css/app\.css\?v=[0-9a-f]{12}"', page)


def test_an_edited_file_gets_a_new_url(app, tmp_path):
    (tmp_path / "x.css").write_text("body{color:red}")
    old_folder = app.static_folder
    app.static_folder = str(tmp_path)
    try:
        with app.test_request_context():
            first = url_for("static", filename="x.css")
            (tmp_path / "x.css").write_text("body{color:blue}")
            second = url_for("static", filename="x.css")
            missing = url_for("static", filename="nope.css")
    finally:
        app.static_folder = old_folder
    assert first != second
    assert missing == "/static/nope.css"


def test_the_current_fingerprint_is_cached_for_a_year(client, app):
    with app.test_request_context():
        url = url_for("static", filename="js/quiz.js")
    with client.get(url) as response:
        assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 60 * 60
    assert response.cache_control.immutable
    assert not response.cache_control.no_cache


@pytest.mark.parametrize("query", ["", "?v=000000000000"])
def test_an_old_or_missing_fingerprint_is_revalidated(client, query):
    with client.get(f"/static/js/quiz.js{query}") as response:
        assert response.status_code == 200
    assert response.cache_control.no_cache
    assert not response.cache_control.max_age


def test_stylesheets_travel_compressed_and_unpack_to_the_file(client, app):
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
    with client.get(url, headers={"Accept-Encoding": "gzip, deflate"}) as response:
        body = response.get_data()
    assert response.headers["Content-Encoding"] in ("gzip", "deflate")
    plain = zlib.decompress(body, 47)  # 47: accept a zlib or a gzip header
    with open(f"{app.static_folder}/css/app.css", "rb") as handle:
        assert plain == handle.read()
    assert len(body) < len(plain) / 2


def test_html_pages_are_never_compressed(client, town):
    response = client.get(f"/c/{town.code_a}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_the_browser_s_favicon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.cache_control.max_age == 7 * 24 * 60 * 60
