"""Fixtures of the outreach tests."""

from datetime import datetime

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Company, Grid


@pytest.fixture
def aged(app, town):
    """The `town` fixture's companies joined long ago (an activity may not be dated before its
    company joined): the grids' ids by code."""
    with app.app_context():
        for company in db.session.scalars(select(Company)):
            company.created_at = datetime(2025, 1, 1)
        db.session.commit()
        return {g.code: g.id for g in db.session.scalars(select(Grid))}
