"""The heat index as an input of the supervision rules: by default it changes nothing (the same
rules fire as without it); a town that sets `incident_min_heat` flags rising incidents only in
grids at least that hot."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.map import service as town_map
from quizapp.models import Grid, Incident, TownSetting
from quizapp.supervision import rules as sv
from quizapp.supervision import service
from quizapp.supervision.rules import Rules
from quizapp.supervision.wording import town_reasons
from tests.factories import first_town

TODAY = date(2026, 11, 24)
NOW = datetime.combine(TODAY, time(12))  # the moment of the check: 20:00 in the town
RISING = {date(2026, 10, 1): 3, date(2025, 10, 1): 1}


@pytest.mark.parametrize("heat", [None, 0.0, 0.5, 80.0])
def test_by_default_the_heat_index_changes_no_flag(heat):
    assert sv.incident_flag(RISING, TODAY, Rules(), heat=heat) == sv.incident_flag(RISING, TODAY, Rules())
    assert sv.incident_flag(RISING, TODAY, Rules()) is not None


def test_with_a_threshold_only_hot_enough_grids_are_flagged():
    hot_only = Rules(incident_min_heat=5.0)
    assert sv.incident_flag(RISING, TODAY, hot_only, heat=5.0) is not None
    assert sv.incident_flag(RISING, TODAY, hot_only, heat=4.9) is None
    assert sv.incident_flag(RISING, TODAY, hot_only, heat=None) is None  # a grid without workers
    assert Rules.from_json({"incident_min_heat": 5}).incident_min_heat == 5
    assert Rules.from_json({"incident_min_heat": -1}).incident_min_heat == 0  # out of range keeps the default


def test_the_nightly_check_reads_each_grid_s_heat_when_the_town_asks_for_it(town, ctx):
    g1 = db.session.scalar(select(Grid).where(Grid.code == "g1")).id
    db.session.add_all([
        Incident(grid_id=g1, company_id=town.company_a, month=date(2026, 10, 1), fraud_type="alpha", cases=2),
        Incident(grid_id=g1, company_id=town.company_a, month=date(2025, 10, 1), fraud_type="alpha", cases=1),
    ])
    heat = town_map.grid_heat(first_town().id, TODAY, NOW)[g1]
    assert heat is not None and heat > 0
    db.session.add(TownSetting(town_id=first_town().id, key="supervision_rules",
                               value={"incident_min_heat": round(heat) + 1}))
    db.session.flush()
    assert [c.rule for c in service.flag_companies(TODAY, NOW, town_reasons())] == [], heat
    db.session.get(TownSetting, (first_town().id, "supervision_rules")).value = {"incident_min_heat": 1}
    db.session.flush()
    (case,) = service.flag_companies(TODAY, NOW, town_reasons())
    assert case.rule == "incidents"
