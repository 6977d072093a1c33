"""The API keeps the promises of its OpenAPI document: schemathesis generates requests from the
document (valid ones, and for each parameter values outside what it states), sends them with a
token through the WSGI app, and checks every answer: no server error, a status the document lists,
a body and headers matching its schemas, a refusal for every value the document excludes, and an
answer for every value it allows (so the document states exactly the ranges the API accepts).
Bounded: a few dozen examples per operation and mode.

One promise JSON Schema cannot state: a date range's ends depend on each other and on today
(`from` not after `to`, `to` not after today, at most 366 days; a `month` not after this
one). The document says so in words; a valid-looking request refused for that reason, and only
that, is accepted here."""

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from quizapp.api.openapi import ENDPOINTS
from quizapp.extensions import db
from tests.api.test_endpoints import token  # noqa: F401  (the fixture)

EXAMPLES = 30
OPERATIONS = sorted(path for path, *_ in ENDPOINTS.values())
# The only refusals of schema-valid requests: a date range whose ends do not fit together or today.
CROSS_FIELD = {("from", "after_to"), ("from", "too_long"), ("to", "future"), ("month", "future")}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_every_operation_keeps_the_documents_promises(app, town, token, monkeypatch, path, mode):  # noqa: F811
    # The rate limit (120 a minute per token) is tested in test_endpoints; here it would answer 429.
    monkeypatch.setitem(app.config, "QUIZAPP_API_RATE_LIMIT", "100000 per minute")
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path]["GET"]
    sent = []

    @given(case=operation.as_strategy(generation_mode=mode))
    # The same examples on every run (derandomize): the suite's answer never depends on luck; new
    # examples come from changing the document or EXAMPLES, or from running schemathesis by hand.
    @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None, database=None,
              derandomize=True)
    def call(case):
        # A parameter given as an empty list sends nothing: such a "negative" request is a valid one.
        assume(mode == GenerationMode.POSITIVE or [] not in (case.query or {}).values())
        ranged = mode == GenerationMode.POSITIVE and bool({"from", "to", "month"} & set(case.query or {}))
        # Uncompressed: JSON answers are gzipped for clients that ask (quizapp.assets), and the WSGI
        # transport hands schemathesis the body as sent.
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
                                          excluded_checks=[positive_data_acceptance] if ranged else [])
        if mode == GenerationMode.POSITIVE and response.status_code == 400:
            refusal = response.json()
            assert (refusal["parameter"], refusal["reason"]) in CROSS_FIELD, refusal
        sent.append(response.status_code)
        with app.app_context():
            db.session.remove()

    call()
    assert sent and all(status < 500 for status in sent)


@pytest.mark.parametrize("path", ["/api/v1/grids/summary", "/api/v1/companies/summary", "/api/v1/incidents",
                                  "/api/v1/grids/1/days", "/api/v1/companies/1/days"])
def test_a_range_at_the_calendars_start_is_answered(app, client, town, token, path):  # noqa: F811
    for query in ("to=0001-01-01", "from=0001-01-01&to=0001-12-31"):
        response = client.get(f"{path}?{query}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code in (200, 404), (path, query, response.status_code)
