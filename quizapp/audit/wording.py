"""The audit log in words: what each known action means for people (an unknown code is shown as it
is), the action families the filter offers, and each detail's keys and values as people read them
(启用 → 停用, 工作日 周一至周六, 报表 月报, 范围 全镇, roles, grids and companies by name), in the reader's
language: audit.rules.readable_pairs with the words here and the names audit.log looked up. The
stored detail stays as it was written. Used by the audit views, template and sheet."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quizapp.audit.rules import Wording, city_row_kind, readable_pairs, readable_text
from quizapp.wording import Messages

ACTION_LABELS = {
    "export_ledger": _l("Exported the supervision ledger"),
    "export_incidents": _l("Exported incident records"),
    "import_incidents": _l("Imported incident records"),
    "places.add": _l("Added places to a grid"),
    "places.remove": _l("Removed a place from a grid"),
    "boundaries.apply": _l("Stored the grids' boundaries"),
    "supervision_rules": _l("Changed the supervision rules"),
    "targets.participation": _l("Changed the town's participation target"),
    "outreach.record": _l("Recorded an outreach activity"),
    "outreach.change": _l("Changed an outreach activity"),
    "outreach.delete": _l("Deleted an outreach activity"),
    "outreach.import": _l("Imported outreach activities"),
    "outreach.export": _l("Exported the outreach ledger"),
    "supervision.follow_up.update": _l("Corrected a supervision follow-up"),
    "supervision.follow_up.delete": _l("Deleted a supervision follow-up"),
    "export.audit": _l("Exported the audit log"),
    "export.periodic": _l("Exported a weekly or monthly report"),
    "export.city": _l("Exported the towns compared"),
    "export.console": _l("A company exported its quiz records"),
    "api.read": _l("Read through the API"),
    "api.revoked_token": _l("Tried the API with a revoked token"),
    "api_token.issue": _l("Issued an API token"),
    "api_token.revoke": _l("Revoked an API token"),
    "retention.purge": _l("Deleted records past their keeping time"),
    "city.town.create": _l("Created a town"),
    "city.town.rename": _l("Renamed a town"),
    "city.rename": _l("Renamed the city"),
    "city.admin.create": _l("Made a city admin account"),
    "partitions.drop": _l("Dropped whole months of answers past their keeping time"),
    "admin.grid.create": _l("Created a grid"),
    "admin.grid.update": _l("Changed a grid"),
    "admin.grid.deactivate": _l("Deactivated a grid"),
    "admin.grid.reactivate": _l("Reactivated a grid"),
    "admin.company.create": _l("Created a company"),
    "admin.company.update": _l("Changed a company"),
    "admin.company.deactivate": _l("Deactivated a company"),
    "admin.company.reactivate": _l("Reactivated a company"),
    "admin.account.create": _l("Created an account"),
    "admin.account.update": _l("Changed an account"),
    "admin.account.reset_password": _l("Reset an account's password"),
    "admin.account.unlock": _l("Unlocked an account"),
    "admin.account.deactivate": _l("Deactivated an account"),
    "admin.account.reactivate": _l("Reactivated an account"),
    "admin.account.sign_out": _l("Signed an account out everywhere"),
    "signin.staff": _l("Signed in"),
    "signin.staff.failed": _l("Failed sign-ins (counted per account, address and 10 minutes)"),
    "signin.staff.locked": _l("An account was locked after too many wrong passwords"),
    "signin.staff.throttled": _l("Other browsers were made to wait after wrong passwords"),
    "account.password_changed": _l("Set their own password"),
    "roster.import": _l("Applied a roster import"),
    "register.import": _l("Applied a register import (grids and companies)"),
    "register.export": _l("Exported the register of grids and companies"),
    "roster.worker.add": _l("Added a worker to the roster"),
    "roster.worker.update": _l("Changed a worker on the roster"),
    "roster.worker.deactivate": _l("Deactivated a worker"),
    "roster.worker.reactivate": _l("Reactivated a worker"),
    "roster.worker.sign_out": _l("Signed a worker out everywhere"),
    "incident.create": _l("Recorded an incident"),
    "incident.update": _l("Changed an incident record"),
    "incident.delete": _l("Deleted an incident record"),
    "supervision.case.open": _l("Opened a supervision case"),
    "supervision.case.close": _l("Closed a supervision case"),
    "signin.failed": _l("Failed worker sign-ins (counted per ten minutes)"),
    "signin.locked": _l("A worker was locked after wrong PINs on their own phone"),
    "signin.throttled": _l("Other phones were made to wait after wrong tries"),
    "signin.address_throttled": _l("An address used up its sign-in guesses"),
    "worker.reset_pin": _l("Reset a worker's PIN"),
    "worker.unlock": _l("Unlocked a worker"),
    "worker.first_time_codes": _l("Made first-time codes"),
    "supervision.case.assign": _l("Gave a supervision case an owner and a deadline"),
    "supervision.case.reopen": _l("Reopened a supervision case"),
    "alert.draft": _l("Drafted an alert (本周警情)"),
    "alert.edit": _l("Edited a draft alert"),
    "alert.publish": _l("Published an alert"),
    "alert.withdraw": _l("Withdrew an alert"),
    "lead.reviewed": _l("Marked a worker's report reviewed"),
    "lead.dismissed": _l("Dismissed a worker's report"),
    "lead.alerted": _l("Made a worker's report into a draft alert"),
}
FAMILY_LABELS = {
    "export": _l("Exports"), "api.": _l("API reads"), "admin.": _l("Administration"),
    "api_token.": _l("API tokens"), "import": _l("Imports"), "supervision": _l("Supervision list and settings"),
    "alert.": _l("This week's alerts"), "lead.": _l("Workers' reports"),
    "retention.": _l("Deletions past keeping time"), "signin.": _l("Sign-ins"), "account.": _l("Own passwords"),
    "roster.": _l("Roster changes"), "register.": _l("The town's register"),
    "incident.": _l("Incident records"), "worker.": _l("Workers' PINs"),
    "outreach.": _l("Outreach ledger"), "city.": _l("Towns and the city"),
    "partitions.": _l("Months of answers dropped"),
}
# Why a row with no town is in the city's log (audit.rules.city_row_kind), on the city's page.
CITY_ROW_LABELS = {
    "unknown_account": _l("Security: a username that is no account (no town's)"),
    "security": _l("Security: the city's own account"),
    "installation": _l("Whole installation (every town)"),
}

MESSAGES: Messages = {
    "audit.too_many_rows": lambda limit: _("More than %(n)s rows match: choose a shorter date range and export "
                                           "again.", n=f"{limit:,}"),
}


def city_row_label(action: str, detail: str) -> str | None:
    """On the city's audit page: why a row that is not the city admin's own act is the city's."""
    kind = city_row_kind(action, detail)
    return str(CITY_ROW_LABELS[kind]) if kind is not None else None


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


# What the keys of a detail mean, for people; an unknown key is shown as it is.
KEY_LABELS = {
    "account": _l("Account"), "name": _l("Called"), "role": _l("Role"), "company": _l("Company"),
    "company_id": _l("Company"), "grids": _l("Grids"), "grid": _l("Grid"), "grid_id": _l("Grid"),
    "code": _l("Code"), "email": _l("E-mail"), "webhook": _l("WeChat Work robot"), "active": _l("Status"),
    "password": _l("Password"), "changed": _l("Changed"), "workdays": _l("Workdays"),
    "questions_per_quiz": _l("Questions per quiz"), "period": _l("Report"), "start": _l("Period starting"),
    "scope": _l("Scope"), "format": _l("Format"), "status": _l("Supervision cases exported"), "rows": _l("Rows"),
    "added": _l("Added"), "replaced": _l("Replaced"), "left_out": _l("Left out"), "filename": _l("File"),
    "report": _l("Report"), "days": _l("Days"), "month": _l("Month"), "action": _l("Action starts with"),
    "token": _l("API token"), "token_id": _l("API token"), "hint": _l("Token ends with"),
    "from": _l("From"), "to": _l("To"), "open_cases_moved": _l("Open supervision cases moved with it"),
    "incidents_kept_in": _l("Incident records kept in"), "cases_closed": _l("Supervision cases closed"),
    "before": _l("Deleted records before"), "attempts": _l("Quiz attempts"), "answers": _l("Answers"),
    "workers": _l("Leavers"), "roster_imports": _l("Roster imports"),
    "register_imports": _l("Kept imports (register, incidents, outreach)"),
    "imports_emptied": _l("Imports whose rows were emptied (applied, cancelled or not confirmed in time)"),
    "participation_target": _l("Participation target"),
    "alert": _l("Alert"), "title": _l("Title"), "lead": _l("From a worker's report"),
    "expires_on": _l("Last day in the quiz"), "was": _l("Status before"), "leads": _l("Workers' reports"),
    "reason": _l("Reason"),
    "case_id": _l("Supervision case"), "happened_on": _l("Date"), "who": _l("Who took part"),
    "notes": _l("Notes"), "outcome": _l("Outcome"), "kind": _l("Kind"),
    "participation_workdays": _l("Workdays in a row below the target"),
    "knowledge_days": _l("Days compared for the knowledge index"),
    "knowledge_drop": _l("Knowledge index drop"), "knowledge_min_answers": _l("Answers needed"),
    "incident_months": _l("Months compared for incidents"), "incident_min_cases": _l("Cases needed"),
    "incident_min_heat": _l("Heat index needed"),
    "address": _l("Client address"), "failures": _l("Failed tries"), "window_start": _l("Counted from"),
    "window_minutes": _l("Minutes counted"), "until": _l("Locked until"), "employee_no": _l("Employee number"),
    "team": _l("Team"), "shift": _l("Shift"), "active_from": _l("Active from"),
    "deactivated": _l("Deactivated"), "case": _l("Case"), "rule": _l("Rule"), "id": _l("Record"),
    "fraud_type": _l("Fraud type"), "cases": _l("Confirmed cases"), "raw_reports": _l("Raw reports (原始警情)"),
    "loss_yuan": _l("Loss (yuan)"), "note": _l("Note"),
    "worker": _l("Worker (record no.)"), "device": _l("Phone"), "known": _l("On the roster"),
    "browser": _l("Browser"),
    "codes": _l("Codes made"),
    "grids_added": _l("Grids added"), "grids_changed": _l("Grids changed"),
    "grids_deactivated": _l("Grids deactivated"), "companies_added": _l("Companies added"),
    "companies_changed": _l("Companies changed"), "companies_moved": _l("Companies moved to another grid"),
    "companies_deactivated": _l("Companies deactivated"),
    "town": _l("Town"), "partitions": _l("Partitions dropped"),
}
# What a stored value means, by the kind of its key (audit.rules.KINDS).
VALUE_WORDS = {
    "active": {"true": _l("enabled"), "false": _l("disabled")},
    "webhook": {"true": _l("set"), "false": _l("none"), "replaced": _l("replaced by another address")},
    "role": {"company_staff": _l("Company outreach staff"), "grid_officer": _l("Grid officer"),
             "town_admin": _l("Town administrator")},
    "password": {"generated": _l("generated"), "typed": _l("typed by the admin"),
                 "one-time": _l("one-time, to be replaced at the first sign-in")},
    "rule": {"participation": _l("participation"), "knowledge": _l("knowledge"), "incidents": _l("incidents"),
             "manual": _l("put on the list by hand")},
    "period": {"week": _l("Weekly report"), "month": _l("Monthly report")},
    "scope": {"town": _l("Whole town")},
    "status": {"open": _l("open"), "closed": _l("closed"), "all": _l("all")},
    "report": {"by-day": _l("Completion by day"), "by-worker": _l("Completion by worker"),
               "by-team": _l("Completion by team")},
    "format": {"csv": "CSV", "xlsx": "XLSX"},
    "device": {"own": _l("the worker's own phone"), "other": _l("another phone or browser")},
    "browser": {"own": _l("one the account signed in on before"), "other": _l("another browser")},
}
WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
            _l("Sunday"))


def detail_words(names: dict[str, dict[str, str]]) -> Wording:
    """The reader's words for audit details, with the names audit.log.reference_names found."""
    return Wording(
        keys={key: str(label) for key, label in KEY_LABELS.items()},
        values={kind: {value: str(label) for value, label in table.items()} for kind, table in VALUE_WORDS.items()},
        weekdays=tuple(str(day) for day in WEEKDAYS), every_day=_("every day"), no_day=_("no day"),
        day_range=_("%(first)s to %(last)s"), separator=_(", "), yes=_("yes"), no=_("no"), names=names)


def detail_pairs(detail: str, words: Wording) -> list[tuple[str, str]] | None:
    """A detail as (label, value) pairs in words; None when it is not a JSON object."""
    return readable_pairs(detail, words)


def detail_line(detail: str, words: Wording) -> str:
    """A detail in words on one line (the CSV export)."""
    return readable_text(detail, words)
