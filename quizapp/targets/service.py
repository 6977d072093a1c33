"""The town's participation target, set by its town admin (the admin blueprint's targets page).

The figure is read everywhere through dashboard.service.participation_target (the TownSetting
"participation_target"); this module only writes it, audited, for the admin's own town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.dashboard import service as dashboard
from quizapp.models import StaffUser
from quizapp.rules.errors import Forbidden, Invalid
from quizapp.town import settings as town_settings

LOWEST, HIGHEST = 1, 100  # percent


def target_percent(actor: StaffUser) -> int:
    """The admin's town's target in whole percent, as the form shows it."""
    return round(dashboard.participation_target(scope.own_town_id(actor)) * 100)


@dataclass(frozen=True)
class TargetPreview:
    """The companies a new target would move: now under it (not under the current one), and no
    longer under it, by the same figure the grid dashboard reads (30-day participation,
    comparison.rules.CompanyFigures.below)."""

    newly_below: list[str]
    no_longer_below: list[str]


def preview_target(actor: StaffUser, percent: int, today: date, now: datetime) -> TargetPreview:
    """Before a new target is saved: which of the town's companies it would put under target, and
    which it would take out, writing nothing."""
    if not scope.sees_whole_town(actor):
        raise Forbidden("targets.admin_only")
    current, chosen = dashboard.participation_target(scope.own_town_id(actor)), percent / 100
    rows = dashboard.company_figures(actor, today, now, coverage=False)
    return TargetPreview([r.name for r in rows if r.below(chosen) and not r.below(current)],
                         [r.name for r in rows if r.below(current) and not r.below(chosen)])


def set_participation_target(actor: StaffUser, percent: int) -> bool:
    """Store the town's target (whole percent); False when it was already that. A town admin only."""
    if not scope.sees_whole_town(actor):  # the town admin, of a town: the blueprint lets no one else in
        raise Forbidden("targets.admin_only")
    if not LOWEST <= percent <= HIGHEST:
        raise Invalid("targets.range", low=LOWEST, high=HIGHEST)
    if percent == target_percent(actor):
        return False
    share = percent / 100
    town_settings.write(scope.own_town_id(actor), dashboard.TARGET_KEY, {"value": share})
    audit.record(actor, "targets.participation", {"participation_target": share})
    return True
