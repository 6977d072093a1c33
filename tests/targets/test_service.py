"""targets.service: only a town admin sets their town's participation target, within 1-100 %."""

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import StaffUser
from quizapp.rules.errors import Forbidden, Invalid
from quizapp.targets import service


def staff(username: str) -> StaffUser:
    return db.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()


def test_only_the_town_admin_sets_the_target_and_only_a_whole_percent_from_1_to_100(ctx, town):
    with pytest.raises(Forbidden):
        service.set_participation_target(staff("officer-1"), 70)
    for outside in (0, 101):
        with pytest.raises(Invalid):
            service.set_participation_target(staff("admin"), outside)
    assert service.set_participation_target(staff("admin"), 65) and service.target_percent(staff("admin")) == 65
    assert not service.set_participation_target(staff("admin"), 65)
