"""Recording, importing, showing and exporting incidents, scoped to an officer's grids."""

import csv
import io
from dataclasses import astuple
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.incidents import service, sheets
from quizapp.incidents.rules import PlanCounts
from quizapp.incidents.service import Filter, IncidentInput
from quizapp.incidents.wording import reason_text
from quizapp.models import AuditLog, Company, CompanyDay, Grid, GridPlace, Incident, StaffUser, Topic, TownImport
from quizapp.previews import service as previews
from quizapp.retention.service import purge_town
from quizapp.rules.errors import Conflict, Forbidden, Invalid, ServiceError
from quizapp.rules.vocab import ImportKind, ImportStatus
from tests.factories import first_town, make_staff, make_town_row

pytestmark = pytest.mark.usefixtures("ctx")


TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 2, 0)  # UTC: 10:00 in the town
HEADER = "月份,网格,企业编码,诈骗类型,案件数,损失金额(元),备注\r\n"


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def officer_2() -> StaffUser:
    return make_staff("officer-2", "grid_officer", grids=[grid("g2")])


def entry(company_id=None, grid_id=None, month=date(2026, 10, 1), fraud_type="alpha", cases=2, loss="1500.50"):
    return IncidentInput(company_id, grid_id, month, fraud_type, cases, Decimal(loss), "")


def test_an_officer_records_incidents_of_a_company_in_their_grid(town):
    incident = service.save_incident(staff("officer-1"), TODAY, entry(town.company_a))
    assert incident.grid_id == grid("g1").id and incident.month == date(2026, 10, 1)
    assert incident.created_by == staff("officer-1").id


def test_a_record_for_a_whole_grid_needs_one_of_the_officers_grids(town):
    whole = service.save_incident(staff("officer-1"), TODAY, entry(grid_id=grid("g1").id))
    assert whole.company_id is None
    with pytest.raises(Forbidden) as raised:
        service.save_incident(staff("officer-1"), TODAY, entry(grid_id=grid("g2").id))
    assert raised.value.code == "incidents.outside_grids"
    with pytest.raises(Invalid) as raised:
        service.save_incident(staff("officer-1"), TODAY, entry())
    assert raised.value.code == "incidents.grid_needed"


@pytest.mark.parametrize("change,reason", [
    ({"company_id": "b"}, "outside_grids"),
    ({"month": date(2026, 12, 1)}, "future_month"),
    ({"fraud_type": "lottery"}, "unknown_fraud_type"),
])
def test_what_an_officer_may_not_record(town, change, reason):
    values = {"company_id": town.company_a, **change}
    if values["company_id"] == "b":
        values["company_id"] = town.company_b
    with pytest.raises(ServiceError) as raised:
        service.save_incident(staff("officer-1"), TODAY, entry(**values))
    assert raised.value.code == f"incidents.{reason}"


def test_one_record_per_company_month_and_type(town):
    first = service.save_incident(staff("officer-1"), TODAY, entry(town.company_a))
    with pytest.raises(Conflict) as raised:
        service.save_incident(staff("officer-1"), TODAY, entry(town.company_a, cases=5))
    assert raised.value.code == "incidents.exists"
    # Editing the record itself is fine.
    service.save_incident(staff("officer-1"), TODAY, entry(town.company_a, cases=5), first)
    assert first.cases == 5


def test_a_second_record_of_one_key_stored_by_another_request_meanwhile_is_refused_by_the_database(town, monkeypatch):
    """Two requests each found no record of the key and both insert (the race the app's own check
    cannot close): the key's unique index (migration 0034) refuses the second with the same answer,
    and the first stays. A whole-grid record (no company) has a key too."""
    officer = staff("officer-1")
    for key in ({"company_id": town.company_a}, {"grid_id": grid("g1").id}):
        first = service.save_incident(officer, TODAY, entry(**key))
        monkeypatch.setattr(service, "_existing", lambda *_args: None)  # found nothing, as the other request did
        with pytest.raises(Conflict) as raised:
            service.save_incident(officer, TODAY, entry(**key, cases=7))
        monkeypatch.undo()
        assert raised.value.code == "incidents.exists"
        db.session.commit()
        assert [i.cases for i in db.session.scalars(select(Incident).where(Incident.id >= first.id))] == [2]


def test_a_confirmation_racing_a_record_of_one_of_its_keys_stores_nothing(town, monkeypatch):
    officer = staff("officer-1")
    preview = upload(officer, "2026-10,,acme,alpha,3,300,\r\n2026-10,g1,,other,1,50,\r\n")
    service.save_incident(officer, TODAY, entry(town.company_a))
    db.session.commit()
    monkeypatch.setattr(service, "_stored", lambda _rows: {})  # read before the other request stored it
    result = service.apply_import(officer, TODAY, NOW, preview.import_id)
    assert [p.reason for p in result.problems] == ["changed"]
    db.session.rollback()  # as the view does
    assert [(i.company_id, i.cases) for i in db.session.scalars(select(Incident))] == [(town.company_a, 2)]


def test_another_grids_officer_cannot_find_the_record_but_the_admin_can(town):
    incident = service.save_incident(staff("officer-1"), TODAY, entry(town.company_a))
    whole = service.save_incident(staff("officer-1"), TODAY, entry(grid_id=grid("g1").id))
    other = officer_2()
    assert service.find_incident(other, incident.id) is None
    assert service.find_incident(other, whole.id) is None
    assert service.find_incident(staff("admin"), incident.id) is incident
    assert service.find_incident(staff("officer-1"), whole.id) is whole


def upload(actor, body: str, encoding="utf-8"):
    return service.preview_import(actor, TODAY, NOW, "incidents.csv", (HEADER + body).encode(encoding))


def test_an_import_writes_nothing_until_confirmed_then_every_row(town):
    officer = staff("officer-1")
    preview = upload(officer, "2026-10,,acme,alpha,2,100,\r\n2026-10,g1,,other,1,50,\r\n", "gbk")
    assert preview.parsed.ok and preview.import_id and preview.counts == PlanCounts(2, 0, 0)
    assert db.session.scalar(select(Incident.id)) is None
    result = service.apply_import(officer, TODAY, NOW, preview.import_id)
    assert (result.added, result.replaced, result.problems) == (2, 0, [])
    stored = db.session.scalars(select(Incident).order_by(Incident.id)).all()
    assert [(i.company_id, i.fraud_type, i.cases, i.loss_yuan) for i in stored] == [
        (town.company_a, "alpha", 2, Decimal("100.00")), (None, "other", 1, Decimal("50.00"))]
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "import_incidents"))
    assert log.actor_id == officer.id and '"added": 2' in log.detail and "incidents.csv" in log.detail


def test_importing_the_same_month_again_replaces_the_records(town):
    officer = staff("officer-1")
    service.apply_import(officer, TODAY, NOW, upload(officer, "2026-10,,acme,alpha,2,100,\r\n").import_id)
    preview = upload(officer, "2026-10,,acme,主题alpha,3,300,更正\r\n")
    assert preview.counts == PlanCounts(0, 1, 0)
    result = service.apply_import(officer, TODAY, NOW, preview.import_id)
    assert (result.added, result.replaced) == (0, 1)
    (only,) = db.session.scalars(select(Incident)).all()
    assert (only.cases, only.note) == (3, "更正")


def test_a_row_the_stored_record_holds_already_is_unchanged_not_replaced(town):
    officer = staff("officer-1")
    first = upload(officer, "2026-10,,acme,alpha,2,100,\r\n2026-10,g1,,other,1,5,\r\n")
    service.apply_import(officer, TODAY, NOW, first.import_id)
    # One row as stored, one with other figures, one new.
    preview = upload(officer, "2026-10,,acme,alpha,2,100,\r\n2026-10,g1,,other,4,5,\r\n2026-09,g1,,other,1,1,\r\n")
    assert preview.counts == PlanCounts(added=1, replaced=1, unchanged=1)
    result = service.apply_import(officer, TODAY, NOW, preview.import_id)
    assert (result.counts, result.problems) == (PlanCounts(1, 1, 1), [])
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "import_incidents")
                             .order_by(AuditLog.id.desc())).first()
    assert '"replaced": 1' in log.detail and '"unchanged": 1' in log.detail
    # A file every row of which is stored already: nothing replaced; confirmed again, already imported.
    same = upload(officer, "2026-10,,acme,alpha,2,100,\r\n2026-10,g1,,other,4,5,\r\n")
    assert same.counts == PlanCounts(0, 0, 2)
    once = service.apply_import(officer, TODAY, NOW, same.import_id)
    assert (once.counts, once.problems) == (PlanCounts(0, 0, 2), [])
    twice = service.apply_import(officer, TODAY, NOW, same.import_id)
    assert (twice.counts, [p.reason for p in twice.problems]) == (PlanCounts(0, 0, 0), ["already_imported"])
    assert sorted(db.session.scalars(select(Incident.cases))) == [1, 2, 4]


def test_a_file_with_a_bad_row_imports_its_good_rows_and_lists_the_bad_one(town, english):
    officer = staff("officer-1")
    preview = upload(officer, "2026-10,,acme,alpha,2,100,\r\n2026-10,,bolt,alpha,1,1,\r\n")
    assert [(p.row, p.reason) for p in preview.parsed.problems] == [(3, "outside_grids")]
    assert reason_text(preview.parsed.problems[0]) == "Outside your grids."
    assert preview.import_id and [r.row for r in preview.parsed.rows] == [2]
    result = service.apply_import(officer, TODAY, NOW, preview.import_id)
    assert (result.added, result.left_out) == (1, [])
    assert db.session.scalars(select(Incident.company_id)).all() == [town.company_a]


def test_a_file_without_a_good_row_gets_no_confirmation(town):
    preview = upload(staff("officer-1"), "2026-10,,bolt,alpha,1,1,\r\n2026-13,,acme,alpha,1,1,\r\n")
    assert preview.import_id is None and len(preview.parsed.problems) == 2


def test_another_account_s_or_an_unknown_preview_is_not_found_and_imports_nothing(town, app):
    officer = staff("officer-1")
    kept = upload(officer, "2026-10,,acme,alpha,2,100,\r\n").import_id
    other_town = make_town_row("hm", "虎门镇")
    for stranger in (officer_2(), staff("admin"), make_staff("admin-hm", "town_admin", town=other_town)):
        assert [p.reason for p in service.apply_import(stranger, TODAY, NOW, kept).problems] == ["preview_gone"]
    assert [p.reason for p in service.apply_import(officer, TODAY, NOW, kept + 1).problems] == ["preview_gone"]
    assert db.session.scalar(select(Incident.id)) is None
    # Still the officer's to confirm.
    assert service.apply_import(officer, TODAY, NOW, kept).added == 1


def test_a_preview_older_than_two_hours_has_expired_and_says_so(town, english):
    officer = staff("officer-1")
    kept = upload(officer, "2026-10,,acme,alpha,2,100,\r\n").import_id
    result = service.apply_import(officer, TODAY, NOW + timedelta(hours=2, seconds=1), kept)
    assert [p.reason for p in result.problems] == ["expired"] and db.session.scalar(select(Incident.id)) is None
    assert reason_text(result.problems[0]) == ("This preview has expired (a preview is kept for 2 hours). Please "
                                               "upload the file again.")
    assert service.apply_import(officer, TODAY, NOW + timedelta(hours=2), kept).added == 1


# --- what an import keeps of its file once it can no longer be applied (docs/privacy.md) ----------

def stored(import_id: int) -> TownImport:
    """The import as the database holds it now, not as this session loaded it."""
    db.session.expire_all()
    return db.session.get(TownImport, import_id)


def other_town_s_preview(kind: ImportKind, rows: list, uploaded: datetime) -> int:
    """A preview of another town's account, as its upload keeps it."""
    admin = make_staff("admin-hm", "town_admin", town=make_town_row("hm", "虎门镇"))
    record = previews.keep(admin, kind, "hm.csv", rows, [], uploaded)
    return record.id


def test_applying_empties_the_import_s_rows_and_keeps_its_record(town):
    officer = staff("officer-1")
    kept = upload(officer, "2026-10,,acme,alpha,2,100,在新塘村被骗\r\n").import_id
    db.session.commit()
    assert "在新塘村被骗" in str(stored(kept).rows)
    assert service.apply_import(officer, TODAY, NOW, kept).added == 1
    db.session.commit()
    record = stored(kept)
    assert (record.rows, record.errors) == ([], [])
    assert (record.status, record.filename, record.created_by, record.created_at, record.applied_at) == (
        ImportStatus.APPLIED, "incidents.csv", officer.id, NOW, NOW)
    # A second confirmation of the emptied import: "already imported", nothing written.
    again = service.apply_import(officer, TODAY, NOW, kept)
    assert [p.reason for p in again.problems] == ["already_imported"] and again.added == 0
    assert db.session.scalar(select(func.count(Incident.id))) == 1


def test_a_confirmation_refused_once_claimed_gives_the_rows_back_with_its_rollback(town):
    """A record stored since the preview: "changed"; the caller rolls back, and the preview, rows
    and all, waits again."""
    officer = staff("officer-1")
    kept = upload(officer, "2026-10,,acme,alpha,2,100,\r\n").import_id
    service.save_incident(officer, TODAY, entry(town.company_a))
    db.session.commit()
    assert [p.reason for p in service.apply_import(officer, TODAY, NOW, kept).problems] == ["changed"]
    db.session.rollback()
    record = stored(kept)
    assert record.status == ImportStatus.PREVIEW and record.rows


def test_a_preview_past_the_keeping_time_is_emptied_by_the_town_s_retention_and_says_expired(town):
    officer = staff("officer-1")
    old = upload(officer, "2026-10,,acme,alpha,2,100,在新塘村被骗\r\n").import_id
    young = service.preview_import(officer, TODAY, NOW + timedelta(hours=1), "young.csv",
                                   (HEADER + "2026-10,g1,,other,1,50,\r\n").encode()).import_id
    elsewhere = other_town_s_preview(ImportKind.INCIDENTS, [{"cells": {"row": 2}, "seen": ""}], NOW)
    db.session.commit()
    late = NOW + previews.MAX_AGE + timedelta(seconds=1)
    result = purge_town(first_town().id, TODAY, 12, ZoneInfo("Asia/Shanghai"), late)
    db.session.commit()
    assert result.imports_emptied == 1 and result.register_imports == 0
    emptied = stored(old)
    assert (emptied.rows, emptied.errors, emptied.status, emptied.filename) == ([], [], ImportStatus.PREVIEW,
                                                                                "incidents.csv")
    assert stored(young).rows and stored(elsewhere).rows  # younger, and the other town's run's
    # Its confirmation says "expired: upload again", even by a clock that makes it young.
    for now in (late, NOW):
        assert [p.reason for p in service.apply_import(officer, TODAY, now, old).problems] == ["expired"]
    assert db.session.scalar(select(Incident.id)) is None
    assert service.apply_import(officer, TODAY, late, young).added == 1


def test_a_preview_applies_once(town):
    officer = staff("officer-1")
    kept = upload(officer, "2026-10,,acme,alpha,2,100,\r\n2026-10,g1,,other,1,50,\r\n").import_id
    assert service.apply_import(officer, TODAY, NOW, kept).added == 2
    # The records edited by hand since: a second confirmation still writes nothing.
    db.session.scalar(select(Incident).where(Incident.fraud_type == "alpha")).cases = 7
    again = service.apply_import(officer, TODAY, NOW, kept)
    assert [p.reason for p in again.problems] == ["already_imported"] and again.added == 0
    assert db.session.scalar(select(Incident.cases).where(Incident.fraud_type == "alpha")) == 7
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "import_incidents")) == 1


def test_the_confirmation_checks_the_rows_again_and_leaves_out_what_turned_bad(town):
    officer = staff("officer-1")
    token = upload(officer, "2026-10,,acme,alpha,2,100,\r\n2026-10,g1,,other,1,50,\r\n").import_id
    db.session.get(Company, town.company_a).grid_id = grid("g2").id  # the company moved meanwhile
    result = service.apply_import(officer, TODAY, NOW, token)
    assert (result.added, [(p.row, p.reason) for p in result.left_out]) == (1, [(2, "outside_grids")])
    (only,) = db.session.scalars(select(Incident)).all()
    assert (only.company_id, only.fraud_type) == (None, "other")  # the whole-grid row is stored
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "import_incidents"))
    assert '"left_out": 1' in log.detail


def test_a_confirmation_whose_every_row_turned_bad_stores_nothing(town):
    officer = staff("officer-1")
    token = upload(officer, "2026-10,,acme,alpha,2,100,\r\n").import_id
    db.session.get(Company, town.company_a).grid_id = grid("g2").id
    result = service.apply_import(officer, TODAY, NOW, token)
    assert [p.reason for p in result.problems] == ["outside_grids"]
    assert db.session.scalar(select(Incident.id)) is None


# --- blank cells, the clear marker, and apply = preview ---------------------------------------------

KEYS = [(company, month, kind) for company in ("acme", "") for month in ("2026-08", "2026-09")
        for kind in ("alpha", "other")]


@st.composite
def incident_imports(draw):
    """Records stored under some keys, and a file with rows for some keys (stored or not), each
    note blank, the clear marker or a text."""
    stored = {key: (draw(st.integers(0, 5)), draw(st.sampled_from(["0.00", "12.50", "3000.00"])),
                    draw(st.sampled_from([None, "旧备注", "x"])))
              for key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))}
    rows = [(key, draw(st.integers(0, 5)), draw(st.sampled_from(["0", "12.5", "99.99"])),
             draw(st.sampled_from(["blank", "marker", "旧备注", "新备注"])))
            for key in draw(st.lists(st.sampled_from(KEYS), unique=True, min_size=1, max_size=len(KEYS)))]
    return stored, rows


def _key(incident: Incident) -> tuple:
    return ("acme" if incident.company_id else "", f"{incident.month:%Y-%m}", incident.fraud_type)


def _all_records() -> dict[tuple, tuple]:
    return {_key(i): (i.cases, Decimal(i.loss_yuan), i.note) for i in db.session.scalars(select(Incident))}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incident_imports())
def test_an_import_writes_exactly_what_its_preview_showed_for_every_column(town, case):
    stored, rows = case
    officer = staff("officer-1")
    g1 = grid("g1").id
    try:
        for (company, month, kind), (cases, loss, note) in stored.items():
            db.session.add(Incident(grid_id=g1, company_id=town.company_a if company else None,
                                    month=date.fromisoformat(month + "-01"), fraud_type=kind, cases=cases,
                                    loss_yuan=Decimal(loss), note=note))
        db.session.flush()
        before = _all_records()
        body = "".join(f"{month},{'' if company else 'g1'},{company},{kind},{cases},{loss},"
                       f"{ {'blank': '', 'marker': '清空'}.get(note, note)}\r\n"
                       for (company, month, kind), cases, loss, note in rows)
        preview = upload(officer, body)
        assert preview.parsed.ok, preview.parsed.problems
        result = service.apply_import(officer, TODAY, NOW, preview.import_id)
        assert result.problems == [] and result.counts == preview.counts
        assert sum(astuple(preview.counts)) == len(rows)
        after = _all_records()

        # What apply wrote is what the preview showed, row by row, and nothing else changed.
        shown = {_key(Incident(company_id=p.row.company_id, month=p.row.month, fraud_type=p.row.fraud_type)): p
                 for p in preview.plans}
        assert set(after) == set(before) | set(shown)
        for key, values in after.items():
            plan = shown.get(key)
            if plan is None:
                assert values == before[key]
                continue
            assert values == (plan.written.cases, plan.written.loss_yuan, plan.written.note)
            if key in before:
                old = before[key]
                assert plan.fields == [(name, o, n) for name, o, n in zip(
                    ("cases", "loss_yuan", "note"), old, values, strict=True) if o != n]
                assert plan.emptied == (["note"] if old[2] and values[2] is None else [])

        # And the preview is what the file says: cases and losses as written, a blank note keeps
        # the stored one (none for a new record), the marker empties it.
        for key, cases, loss, note in rows:
            kept = before[key][2] if key in before else None
            want = {"blank": kept, "marker": None}.get(note, note)
            assert after[key] == (cases, Decimal(loss).quantize(Decimal("0.01")), want), key
    finally:
        db.session.rollback()


def test_a_record_changed_since_the_preview_is_not_overwritten(town):
    officer = staff("officer-1")
    service.apply_import(officer, TODAY, NOW, upload(officer, "2026-10,,acme,alpha,2,100,旧\r\n").import_id)
    preview = upload(officer, "2026-10,,acme,alpha,3,300,\r\n2026-10,g1,,other,1,1,\r\n")
    assert [p.fields for p in preview.plans] == [[("cases", 2, 3), ("loss_yuan", Decimal("100.00"), Decimal("300.00"))],
                                                 []]
    db.session.scalar(select(Incident)).note = "有人刚改过"  # another officer, meanwhile
    result = service.apply_import(officer, TODAY, NOW, preview.import_id)
    assert [p.reason for p in result.problems] == ["changed"]
    assert [(i.cases, i.note) for i in db.session.scalars(select(Incident))] == [(2, "有人刚改过")]


def test_a_record_stored_since_the_preview_is_not_overwritten(town):
    officer = staff("officer-1")
    preview = upload(officer, "2026-10,,acme,alpha,3,300,\r\n")
    service.save_incident(officer, TODAY, entry(town.company_a))
    assert [p.reason for p in service.apply_import(officer, TODAY, NOW, preview.import_id).problems] == ["changed"]


# --- fraud types -----------------------------------------------------------------------------------

def _tools_topic() -> None:
    db.session.add(Topic(slug="guanfang", name_zh="官方反诈工具和防骗口诀", name_en="Official anti-fraud tools",
                         lesson_zh="", lesson_en=""))
    db.session.flush()


def test_incidents_are_filed_under_fraud_types_only(town, english):
    _tools_topic()
    slugs = [slug for slug, _name in service.fraud_types("zh")]
    assert "guanfang" not in slugs and slugs[-1] == "other" and "alpha" in slugs
    assert service.type_names("zh")["guanfang"] == "官方反诈工具和防骗口诀"  # older records still read well
    with pytest.raises(Invalid) as raised:
        service.save_incident(staff("officer-1"), TODAY, entry(town.company_a, fraud_type="guanfang"))
    assert raised.value.code == "incidents.unknown_fraud_type"
    preview = upload(staff("officer-1"), "2026-10,,acme,guanfang,1,1,\r\n2026-10,,acme,官方反诈工具和防骗口诀,1,1,\r\n")
    assert [p.reason for p in preview.parsed.problems] == ["unknown_fraud_type"] * 2


def test_a_record_filed_under_a_topic_that_is_not_a_fraud_type_can_still_be_edited(town):
    _tools_topic()
    old = Incident(grid_id=grid("g1").id, company_id=town.company_a, month=date(2026, 9, 1), fraud_type="guanfang",
                   cases=1, loss_yuan=Decimal(1))
    db.session.add(old)
    db.session.flush()
    service.save_incident(staff("officer-1"), TODAY, entry(town.company_a, month=date(2026, 9, 1),
                                                           fraud_type="guanfang", cases=4), old)
    assert (old.cases, old.fraud_type) == (4, "guanfang")


def add(company_id, month, cases, loss="0", grid_code="g1"):
    db.session.add(Incident(grid_id=grid(grid_code).id, company_id=company_id, month=month, fraud_type="alpha",
                            cases=cases, loss_yuan=Decimal(loss)))


def test_the_page_shows_year_on_year_quiet_months_and_participation(town, english):
    add(town.company_a, date(2026, 11, 1), 1, "100")
    add(town.company_a, date(2025, 11, 1), 3, "900")
    add(town.company_a, date(2026, 2, 1), 2, "50")
    add(None, date(2026, 9, 1), 1, "10")  # the whole grid g1
    add(town.company_b, date(2026, 11, 1), 7, "7000", "g2")  # another grid: never counted for officer-1
    db.session.add_all([
        CompanyDay(company_id=town.company_a, day=date(2026, 11, 2), workday=True, headcount=10, completed=5),
        CompanyDay(company_id=town.company_a, day=date(2026, 11, 3), workday=True, headcount=10, completed=12),
        CompanyDay(company_id=town.company_a, day=date(2026, 11, 8), workday=False, headcount=10, completed=9),
        CompanyDay(company_id=town.company_b, day=date(2026, 11, 2), workday=True, headcount=10, completed=0),
    ])
    db.session.flush()
    page = service.incidents_page(staff("officer-1"), Filter(date(2026, 11, 1)), "zh", date(2026, 12, 1),
                                  datetime(2026, 12, 1, 12))
    y = page.year_on_year
    assert (y.this_month.cases, y.month_last_year.cases, y.year_to_date.cases) == (1, 3, 4)
    assert y.this_month.loss_yuan == Decimal("100")
    november = page.months[-1]
    assert november.cases == 1 and november.participation == pytest.approx(15 / 20)  # capped, day off left out
    assert page.months[0].month == date(2025, 12, 1) and len(page.months) == 12
    assert [(q.name, q.months) for q in page.quiet_companies] == [("甲厂", 0)]
    assert [(q.name, q.last_case) for q in page.quiet_grids] == [("网格一", date(2026, 11, 1))]
    assert {i.company_id for i in page.records} == {town.company_a, None}
    assert page.names["type"]["alpha"] == "主题alpha" and page.names["type"]["other"] == "其他"  # content language


def test_a_filter_on_someone_elses_grid_or_company_is_dropped(town):
    chosen = service.checked_filter(staff("officer-1"), date(2026, 11, 1), grid("g2").id, town.company_b)
    assert (chosen.grid_id, chosen.company_id) == (None, None)
    chosen = service.checked_filter(staff("admin"), date(2026, 11, 1), grid("g2").id, town.company_b)
    assert (chosen.grid_id, chosen.company_id) == (grid("g2").id, town.company_b)


def test_the_export_lists_the_records_and_is_audited(town, english):
    add(town.company_a, date(2026, 11, 1), 1, "100.5")
    add(None, date(2026, 10, 1), 2, "0")
    add(town.company_b, date(2026, 11, 1), 7, "7000", "g2")
    db.session.flush()
    data, name = sheets.incidents(service.export_incidents(staff("officer-1"), Filter(date(2026, 11, 1)), "csv", "zh"),
                                  "csv")
    assert data.startswith(b"\xef\xbb\xbf") and name == "incidents-2025-12-2026-11.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Month", "Grid code", "Grid name", "Company code", "Company name", "Fraud type", "Raw reports",
                       "Confirmed cases", "Losses (yuan)", "Note", "Longitude", "Latitude", "Datum",
                       "Place (village or community)"]
    assert rows[1][:9] == ["2026-11", "g1", "网格一", "acme", "甲厂", "主题alpha", "0", "1", "100.50"]
    assert rows[2][3:5] == ["", "(whole grid)"] and len(rows) == 3
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "export_incidents"))
    assert log.actor_id == staff("officer-1").id and '"format": "csv"' in log.detail and "2026-11" in log.detail
    records = service.export_incidents(staff("admin"), Filter(date(2026, 11, 1)), "xlsx", "zh")
    xlsx, _ = sheets.incidents(records, "xlsx")
    assert xlsx.startswith(b"PK")


def test_a_company_s_records_stay_readable_in_the_grid_they_were_recorded_in_after_a_move(town):
    db.session.add(Incident(grid_id=grid("g1").id, company_id=town.company_a, month=date(2026, 10, 1),
                            fraud_type="alpha", cases=2, loss_yuan=Decimal("10")))
    db.session.get(Company, town.company_a).grid_id = grid("g2").id  # moved to grid g2
    db.session.flush()
    incident = db.session.scalar(select(Incident))
    assert service.find_incident(staff("officer-1"), incident.id) is incident  # g1's officer: their record
    assert service.find_incident(officer_2(), incident.id) is incident  # g2's officer: their company now


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "en"])
def test_an_exported_csv_imports_back_as_it_is_locations_included(town, lang):
    """The export is headed with names the import reads (in either language) and carries where each
    record happened: a point with its datum, or a place of the grid. Imported back, every record
    is replaced by itself: nothing changes."""
    g1 = grid("g1")
    place = GridPlace(grid_id=g1.id, name="新塘村")
    db.session.add(place)
    db.session.flush()
    db.session.add_all([
        Incident(grid_id=g1.id, company_id=town.company_a, month=date(2026, 11, 1), fraud_type="alpha", cases=2,
                 loss_yuan=Decimal("1500.50"), raw_reports=5, note="刷单", longitude=Decimal("113.841234"),
                 latitude=Decimal("22.903456"), datum="gcj02"),
        Incident(grid_id=g1.id, company_id=None, month=date(2026, 10, 1), fraud_type="other", cases=1,
                 loss_yuan=Decimal("10"), raw_reports=1, place_id=place.id),
        Incident(grid_id=g1.id, company_id=town.company_a, month=date(2026, 9, 1), fraud_type="alpha", cases=0,
                 loss_yuan=Decimal("0"), raw_reports=3)])
    db.session.flush()

    def stored() -> list[tuple]:
        return sorted(((i.grid_id, i.company_id, i.month, i.fraud_type, i.cases, i.loss_yuan, i.raw_reports, i.note,
                        i.longitude, i.latitude, i.datum, i.place_id) for i in db.session.scalars(select(Incident))),
                      key=lambda row: (row[2], row[3]))

    before = stored()
    officer = staff("officer-1")
    with force_locale(lang):
        data, _name = sheets.incidents(service.export_incidents(officer, Filter(date(2026, 11, 1)), "csv",
                                                                lang[:2]), "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == (["月份", "网格编码"] if lang != "en" else ["Month", "Grid code"])
    assert ["113.841234", "22.903456", "GCJ-02", ""] in [r[-4:] for r in rows]
    assert ["", "", "", "新塘村"] in [r[-4:] for r in rows]
    preview = service.preview_import(officer, TODAY, NOW, "incidents.csv", data)
    assert preview.parsed.problems == [] and preview.counts == PlanCounts(0, 0, 3)
    assert [p.fields for p in preview.plans] == [[], [], []]  # nothing would change
    result = service.apply_import(officer, TODAY, NOW, preview.import_id)
    assert (result.added, result.replaced, result.unchanged, result.problems) == (0, 0, 3, [])
    db.session.flush()
    assert stored() == before
    # A location corrected in the file is a change the preview shows, and the import writes.
    moved = [r[:-4] + (["113.85", "22.91", "WGS-84", ""] if r[-1] == "新塘村" else r[-4:]) for r in rows]
    out = io.StringIO()
    csv.writer(out).writerows(moved)
    preview = service.preview_import(officer, TODAY, NOW, "incidents.csv", out.getvalue().encode())
    assert [p.fields for p in preview.plans if p.fields] == [[("where", "新塘村", "113.85, 22.91 (WGS-84)")]]
    service.apply_import(officer, TODAY, NOW, preview.import_id)
    db.session.flush()
    whole = db.session.scalar(select(Incident).where(Incident.company_id.is_(None)))
    assert (whole.longitude, whole.latitude, whole.datum, whole.place_id) == (Decimal("113.85"), Decimal("22.91"),
                                                                               "wgs84", None)
