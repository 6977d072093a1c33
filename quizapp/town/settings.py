"""A town's settings (TownSetting, one row per town and key): read and written here only.

Used by the features whose settings are per town: the common daily set's secret (quiz.service),
the participation target (dashboard), the supervision rules, and the first day retention kept
(rollups, retention). Every town has its own; nothing is shared between towns.
"""

from __future__ import annotations

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Company, Grid, TownSetting


def read(town_id: int, key: str) -> dict | None:
    """The setting's value, or None when the town never set it."""
    setting = db.session.get(TownSetting, (town_id, key))
    return setting.value if setting is not None else None


def write(town_id: int, key: str, value: dict) -> dict:
    """Store the setting's new value (the caller audits the change)."""
    setting = db.session.get(TownSetting, (town_id, key)) or TownSetting(town_id=town_id, key=key, value={})
    setting.value = value
    db.session.add(setting)
    db.session.flush()
    return setting.value


def town_of_company(company_id: int) -> int:
    """The town a company is in (through its grid)."""
    return db.session.scalars(select(Grid.town_id).join(Company, Company.grid_id == Grid.id)
                              .where(Company.id == company_id)).one()


def read_for_company(company_id: int, key: str) -> dict | None:
    """The setting of the company's town, in one query (the quiz reads one on every start)."""
    return db.session.scalar(select(TownSetting.value)
                             .join(Grid, Grid.town_id == TownSetting.town_id)
                             .join(Company, Company.grid_id == Grid.id)
                             .where(Company.id == company_id, TownSetting.key == key))
