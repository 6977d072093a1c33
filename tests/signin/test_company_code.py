"""A company's address in any capitals finds it (codes are stored in lower case), an unknown code
says so and where to go instead of a bare 404, and a worker with no QR code at hand (the phone lost
every cookie mid-quiz) can type the code on the start page."""

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Company
from quizapp.signin import rules
from quizapp.signin import service as accounts
from tests.pages import texts


def page(response) -> str:
    return response.get_data(as_text=True)


def test_every_company_code_made_today_is_lower_case(app, town):
    """What the case-blind look-up rests on: the form, the register import and the demo store codes
    in lower case (organisation.rules.normalise_company_code)."""
    with app.app_context():
        assert all(code == code.lower() for code in db.session.scalars(select(Company.code)))


def test_a_code_in_capitals_goes_to_the_company_s_own_address(client, town):
    upper = client.get(f"/c/{town.code_a.upper()}?team=A")
    assert upper.status_code == 302 and upper.location == f"/c/{town.code_a}?team=A"
    assert client.get(f"/c/{town.code_a.upper()}/welcome").location == f"/c/{town.code_a}/welcome"
    assert client.get(f"/c/{town.code_a}").status_code == 200


def test_a_code_kept_in_capitals_from_before_the_rule_is_still_found(app, town):
    with app.app_context():
        company = db.session.scalar(select(Company).where(Company.code == town.code_a))
        company.code = "Legacy1"
        db.session.commit()
        assert accounts.company_by_code("Legacy1").id == company.id
        assert accounts.company_by_code("LEGACY1") is None  # neither as typed nor in lower case


def test_an_unknown_code_says_so_and_where_to_go(client, town):
    client.set_cookie("lang", "en")
    response = client.get("/c/zzzzzz")
    assert response.status_code == 404
    html = page(response)
    assert texts(html, "h1") == ["We cannot find this company"]
    assert ("There is no company with this QR code: it may be an old poster, or the address was typed wrong. "
            "Please ask your company's anti-fraud outreach staff.") in texts(html, "p")
    assert 'name="code"' in html  # and a box to type the right code
    client.set_cookie("lang", "zh_CN")
    assert "找不到这家公司" in texts(page(client.get("/c/zzzzzz")), "h1")[0]


def test_the_start_page_finds_a_typed_code(client, town):
    client.set_cookie("lang", "en")
    start = page(client.get("/"))
    assert "Or type the company code" in start and 'method="get"' in start
    assert client.get("/", query_string={"code": f" {town.code_a.upper()} "}).location == f"/c/{town.code_a}"
    pasted = client.get("/", query_string={"code": f"https://quiz.example.cn/c/{town.code_a}?team=A"})
    assert pasted.location == f"/c/{town.code_a}"
    wrong = client.get("/", query_string={"code": "nosuchco"})
    assert wrong.status_code == 200
    assert texts(page(wrong), "span", class_="field-error") == [
        "There is no company with this code. Check it against the poster, or ask your company's anti-fraud "
        "outreach staff."]


@pytest.mark.parametrize(("typed", "code"), [
    ("hjm", "hjm"), (" HJM ", "hjm"), ("ＨＪＭ", "hjm"), ("quiz.example.cn/c/hjm", "hjm"),
    ("https://quiz.example.cn/c/HJM?team=一班", "hjm"), ("http://x/c/hjm/welcome", "hjm"), ("", "")])
def test_a_typed_company_code_is_read_as_meant(typed, code):
    assert rules.typed_company_code(typed) == code


def test_a_signed_out_worker_is_sent_to_the_start_page_with_the_code_box(app, town):
    """All cookies gone mid-quiz: the "sign in" link leads to a page that helps (scan again, or
    type the code), and the attempt's number names no company."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.get("/today").location == "/"
    start = page(client.get("/"))
    assert "Scan it again" in start and 'name="code"' in start and "甲厂" not in start


def test_a_label_s_colon_takes_a_space_in_english_only(client, town):
    """web.label: "记住：" and its text run on (the full-width colon holds its own space), "Remember: "
    does not."""
    assert "企业宣传员和政府工作人员：<a" in page(client.get("/"))
    client.set_cookie("lang", "en")
    assert "Company staff and officers: <a" in page(client.get("/"))
