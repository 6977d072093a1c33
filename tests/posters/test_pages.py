"""QR posters and the QR downloads: the company's and each team's, company A's only; inside
WeChat (which saves no files) each code as a picture to long-press instead."""

from quizapp.extensions import db
from quizapp.models import Company
from tests.browser import WECHAT_UA
from tests.factories import make_employee
from tests.pages import sign_in_staff, texts


def page(response) -> str:
    with response:
        return response.get_data(as_text=True)


def add_team(app, company_id: int, team: str) -> None:
    with app.app_context():
        make_employee(db.session.get(Company, company_id), "T001", "新人", team=team)
        db.session.commit()


def test_the_posters_page_has_the_company_s_poster_and_one_per_team(app, client, town):
    add_team(app, town.company_a, "二车间")
    with app.app_context():
        db.session.get(Company, town.company_a).questions_per_quiz = 7
        db.session.commit()
    sign_in_staff(client, "staff-a")
    client.set_cookie("lang", "en")
    html = page(client.get("/console/posters"))
    assert html.count('<article class="poster">') == 3  # the company, 一车间, 二车间
    assert html.count('<svg') >= 3 and "css/board.css" in html
    assert "甲厂" in html and "http://localhost/c/acme" in html
    assert "http://localhost/c/acme?team=二车间" in html  # readable under the code
    assert "/console/posters/qr.png" in html and "/console/posters/qr.svg?team=" in html
    # Three lines on how to take the quiz, with the company's number of questions, on each poster.
    assert texts(html, "ol", class_="steps") == 3 * [
        "Scan the code with WeChat. Enter your employee number (工号). Answer 7 questions in 5 minutes."]


def test_one_team_s_poster(client, town):
    sign_in_staff(client, "staff-a")
    html = page(client.get("/console/posters?team=一车间"))
    assert html.count('<article class="poster">') == 1 and 'class="poster-team">一车间<' in html
    assert client.get("/console/posters?team=五车间").status_code == 404


def test_the_qr_code_downloads_as_png_and_svg_and_nothing_else(client, town):
    sign_in_staff(client, "staff-a")
    with client.get("/console/posters/qr.png") as png:
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert png.data.startswith(b"\x89PNG")
        disposition = png.headers["Content-Disposition"]
        assert "attachment" in disposition and "acme-qr.png" in disposition
    with client.get("/console/posters/qr.svg?team=一车间") as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert b"<svg" in svg.data and "attachment" in svg.headers["Content-Disposition"]
    for bad in ("/console/posters/qr.gif", "/console/posters/qr.csv", "/console/posters/qr.svg?team=五车间"):
        with client.get(bad) as response:
            assert response.status_code == 404, bad


def test_company_b_s_staff_get_company_b_s_code_and_none_of_a_s_teams(app, client, town):
    add_team(app, town.company_a, "二车间")
    sign_in_staff(client, "staff-b")
    html = page(client.get("/console/posters"))
    assert "http://localhost/c/bolt" in html and "/c/acme" not in html and "甲厂" not in html
    assert "二车间" not in html
    assert client.get("/console/posters?team=二车间").status_code == 404
    with client.get("/console/posters/qr.png?team=二车间") as response:
        assert response.status_code == 404


def test_in_wechat_each_code_is_a_picture_to_save_instead_of_a_download(client, town):
    sign_in_staff(client, "staff-a")
    client.set_cookie("lang", "en")
    html = page(client.get("/console/posters", headers={"User-Agent": WECHAT_UA}))
    assert len(texts(html, "div", class_="wechat-notice")) == 1
    assert texts(html, "figcaption").count("Long-press the picture to save it to your phone.") == 2
    assert 'src="/console/posters/qr.png?team=%E4%B8%80%E8%BD%A6%E9%97%B4&amp;show=1"' in html
    assert " download>" not in html
    with client.get("/console/posters/qr.png?team=一车间&show=1") as picture:
        assert picture.status_code == 200 and picture.data.startswith(b"\x89PNG")
        assert picture.headers["Content-Disposition"].startswith('inline; filename="acme-team-qr.png"')
    desktop = page(client.get("/console/posters"))
    assert texts(desktop, "div", class_="wechat-notice") == [] and " download>PNG</a>" in desktop
