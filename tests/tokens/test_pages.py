"""The town admin's API tokens page (admin.tokens): the list, issuing a token shown once with how
to use it, revoking after a confirmation (CSRF kept on in one test), and who may use the page."""

import re

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ApiToken, AuditLog
from tests.pages import read, sign_in_staff, sign_in_staff_in_english


def issue(client, name: str = "town analysis system") -> tuple[str, str]:
    """Issue a token through the page: the page's text and the token it shows."""
    response = client.post("/admin/tokens", data={"name": name})
    text = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = text.split('class="code secret">', 1)[1].split("<", 1)[0]
    return text, secret


def api_status(client, secret: str) -> int:
    response = client.get("/api/v1/grids", headers={"Authorization": f"Bearer {secret}"})
    response.close()
    return response.status_code


def test_the_admin_issues_a_token_shown_once_with_how_to_use_it(app, client, town):
    sign_in_staff_in_english(client, "admin")
    status, page = read(client, "/admin/tokens")
    assert status == 200 and "No token issued yet." in page and "Issue the token" in page
    text, secret = issue(client)
    assert len(secret) >= 43 and f"Authorization: Bearer {secret}" in text and "/api/v1/openapi.json" in text
    # The description is a link the admin can open; nothing points to a file of the repository.
    assert "http://localhost/api/v1/openapi.json" in [link for link in re.findall(r'href="([^"]+)"', text)]
    assert "docs/" not in text and ".md" not in text
    assert api_status(client, secret) == 200
    status, page = read(client, "/admin/tokens")
    assert "town analysis system" in page and secret[:8] in page and secret not in page
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.hint == secret[:8] and row.token_hash != secret
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "api_token.issue")).token_id is None


def test_a_token_needs_a_name(app, client, town):
    sign_in_staff_in_english(client, "admin")
    response = client.post("/admin/tokens", data={"name": "   "})
    text = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200 and "Name the system that will use the token" in text
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_the_admin_revokes_a_token_after_confirming(app, client, town):
    sign_in_staff_in_english(client, "admin")
    _, secret = issue(client)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    status, page = read(client, f"/admin/tokens/{token_id}/revoke")
    assert status == 200 and "Revoke the token “town analysis system”?" in page
    assert api_status(client, secret) == 200  # the confirmation page changes nothing
    response = client.post(f"/admin/tokens/{token_id}/revoke", data={})
    response.close()
    assert response.status_code == 302 and response.location.endswith("/admin/tokens")
    assert api_status(client, secret) == 401
    status, page = read(client, "/admin/tokens")
    assert "is revoked" in page and "revoked 20" in page
    response = client.post(f"/admin/tokens/{token_id}/revoke", data={})
    response.close()
    status, page = read(client, "/admin/tokens")
    assert "was revoked already" in page
    with app.app_context():
        assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "api_token.revoke")).all()) == 1


def test_revoking_without_the_csrf_token_fails(app, client, town, monkeypatch):
    sign_in_staff_in_english(client, "admin")
    _, secret = issue(client)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(f"/admin/tokens/{token_id}/revoke", data={})
    response.close()
    assert response.status_code == 400
    assert api_status(client, secret) == 200


def test_an_unknown_token_is_404(client, town):
    sign_in_staff(client, "admin")
    assert read(client, "/admin/tokens/999999/revoke")[0] == 404


def test_only_the_town_admin_manages_tokens(client, town):
    sign_in_staff(client, "officer-1")
    assert read(client, "/admin/tokens")[0] == 403
    response = client.post("/admin/tokens", data={"name": "mine"})
    response.close()
    assert response.status_code == 403
