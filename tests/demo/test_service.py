"""The demo town's history (quizapp/demo/service.py) gives every learning figure something to show,
read as an API client reads it (GET /api/v1/learning): first tries in each of the six months, every
bucket of the forgetting curve, probe pairs at every lag with a learning estimate, and the answer
sharing planted in one company flagged."""

from sqlalchemy import select

from quizapp.bank.rules.checker import read_bank
from quizapp.bank.service import load_bank
from quizapp.clock import local_today, utcnow
from quizapp.demo import service as demo
from quizapp.extensions import db
from quizapp.models import Company, StaffUser
from quizapp.supervision.wording import town_reasons
from quizapp.tokens import service as tokens


def test_the_demo_town_gives_every_learning_figure_something_to_show(app, client):
    with app.app_context():
        load_bank(read_bank(app.config["QUIZAPP_BANK_PATH"]))
        demo.seed(today=local_today(), now=utcnow(), describe_flag=town_reasons(),
                  seed_of_town=app.config["QUIZAPP_TOWN_SEED"])
        admin = db.session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
        _, secret = tokens.issue_token(admin, "demo", utcnow())
        sharing = db.session.scalars(select(Company.name).where(Company.code == demo.SHARING_COMPANY)).one()
        db.session.commit()
    response = client.get("/api/v1/learning", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    figures = response.get_json()

    # First tries at the common set in every month shown (the probe's baseline reaches back 7 months),
    # for every demo grid in the last two.
    assert len(figures["first_tries"]["total"]) == 6
    assert all(month["answered"] > 0 for month in figures["first_tries"]["total"])
    # (The rest of the town's companies, demo/town.py, add first tries to their own grids from their
    # 30 days of rollups.)
    answered = {row["name"]: row for row in figures["first_tries"]["grids"]
                if any(m["answered"] for m in row["months"])}
    assert {name for _, name in demo.GRIDS} <= set(answered)
    assert all(month["answered"] > 0 for _, name in demo.GRIDS for month in answered[name]["months"][-2:])
    # The forgetting curve: answers in every bucket, up to 181 days and more since last seen.
    assert all(point["answered"] > 0 for point in figures["retention"])
    # The probe: workers paired at every lag, and a learning estimate whose interval is above zero
    # (the demo's synthetic gain).
    probe = figures["probe"]
    assert probe["workers_paired"] > 100 and probe["workers_started"] >= probe["workers_paired"]
    assert probe["estimate"] is not None and probe["estimate"]["low"] > 0
    assert [line["lag_days"] for line in probe["by_lag"]] == [30, 90, 180]
    assert all(line["estimate"] is not None and line["estimate"]["units"] >= 20 for line in probe["by_lag"])
    # Answer sharing: the company whose late finishers hear the common answers is flagged, late
    # finishers ahead on the common set and not on personal questions.
    line = next(line for line in figures["sharing"] if line["name"] == sharing)
    assert line["flagged"] and line["gap"]["low"] > 0
    assert line["late_common"]["share"] > line["early_common"]["share"]
    assert abs(line["late_personal"]["share"] - line["early_personal"]["share"]) < line["gap"]["value"]
