"""The city admin's API tokens page (city.tokens): the same page as the town admin's, for city
tokens (they read every town's aggregates): issued once, revoked after a confirmation, each in the
city's audit log; a town's tokens are not the city's to see or revoke, nor the city's a town's."""

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog
from tests.factories import make_staff
from tests.pages import read, sign_in_staff_in_english
from tests.tokens.test_pages import issue


@pytest.fixture
def city(app, town):
    with app.app_context():
        make_staff("city", "city_admin")
        db.session.commit()


def issue_at(client, url: str, name: str) -> tuple[str, str]:
    response = client.post(url, data={"name": name})
    text = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return text, text.split('class="code secret">', 1)[1].split("<", 1)[0]


def api(client, path: str, secret: str) -> int:
    response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
    response.close()
    return response.status_code


def test_the_city_admin_issues_a_city_token_shown_once_that_reads_the_towns(app, client, city):
    sign_in_staff_in_english(client, "city")
    status, page = read(client, "/city/tokens")
    assert status == 200 and "No token issued yet." in page and "analysis system reads every town" in page
    assert 'href="/city/audit"' in page  # the city's menu
    text, secret = issue_at(client, "/city/tokens", "city analysis")
    assert f"Authorization: Bearer {secret}" in text and "/api/v1/towns" in text and "/api/v1/grids" not in text
    assert api(client, "/api/v1/towns", secret) == 200
    status, page = read(client, "/city/tokens")
    assert "city analysis" in page and secret[:8] in page and secret not in page
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.town_id is None and row.hint == secret[:8]
        issued = db.session.scalar(select(AuditLog).where(AuditLog.action == "api_token.issue"))
        assert issued.town_id is None  # the city's row


def test_the_city_admin_revokes_a_city_token_after_confirming(app, client, city):
    sign_in_staff_in_english(client, "city")
    _, secret = issue_at(client, "/city/tokens", "city analysis")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    status, page = read(client, f"/city/tokens/{token_id}/revoke")
    assert status == 200 and "Revoke the token “city analysis”?" in page and 'href="/city/tokens"' in page
    response = client.post(f"/city/tokens/{token_id}/revoke", data={})
    response.close()
    assert response.status_code == 302 and response.location.endswith("/city/tokens")
    assert api(client, "/api/v1/towns", secret) == 401
    assert "is revoked" in read(client, "/city/tokens")[1]
    with app.app_context():
        [revoked] = db.session.scalars(select(AuditLog).where(AuditLog.action == "api_token.revoke")).all()
        assert revoked.town_id is None


def test_the_city_and_a_town_never_see_or_revoke_each_other_s_tokens(app, client, city):
    sign_in_staff_in_english(client, "admin")
    _, town_secret = issue(client, "town analysis")
    client.post("/logout")
    sign_in_staff_in_english(client, "city")
    _, city_secret = issue_at(client, "/city/tokens", "city analysis")
    with app.app_context():
        ids = dict(db.session.execute(select(ApiToken.name, ApiToken.id)).all())
    page = read(client, "/city/tokens")[1]
    assert "city analysis" in page and "town analysis" not in page
    assert read(client, f"/city/tokens/{ids['town analysis']}/revoke")[0] == 404
    response = client.post(f"/city/tokens/{ids['town analysis']}/revoke", data={})
    response.close()
    assert response.status_code == 404 and api(client, "/api/v1/grids", town_secret) == 200
    assert read(client, "/admin/tokens")[0] == 403
    client.post("/logout")
    sign_in_staff_in_english(client, "admin")
    page = read(client, "/admin/tokens")[1]
    assert "town analysis" in page and "city analysis" not in page
    assert read(client, f"/admin/tokens/{ids['city analysis']}/revoke")[0] == 404
    response = client.post(f"/admin/tokens/{ids['city analysis']}/revoke", data={})
    response.close()
    assert response.status_code == 404 and api(client, "/api/v1/towns", city_secret) == 200
    assert read(client, "/city/tokens")[0] == 403


def test_a_city_token_needs_a_name(app, client, city):
    sign_in_staff_in_english(client, "city")
    response = client.post("/city/tokens", data={"name": ""})
    text = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200 and "Name the system that will use the token" in text
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None
