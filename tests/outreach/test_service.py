"""The outreach ledger's use cases: who records for which grid, the date window, the photo kept
without its metadata, who may change a record, the totals every surface reads, and the import's
all-or-none apply."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import func, select

from quizapp.clock import local_today, utcnow
from quizapp.extensions import db
from quizapp.incidents.figures import quiet_grids
from quizapp.incidents.rules import add_months
from quizapp.models import AuditLog, Company, Grid, OutreachActivity, StaffUser, TownImport
from quizapp.outreach import photos, service
from quizapp.outreach.service import ActivityInput
from quizapp.previews import service as previews
from quizapp.retention.service import purge_town
from quizapp.rules.errors import Forbidden, Invalid, Problems
from quizapp.rules.metrics import Span
from quizapp.rules.vocab import ImportKind, ImportStatus, OutreachKind
from tests.factories import first_town, make_activity, make_grid, make_incident, make_staff, make_town_row

NOW = datetime(2026, 11, 24, 2, 0)  # when the previews below are uploaded and confirmed (UTC)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def grid(code: str) -> Grid:
    return db.session.scalar(select(Grid).where(Grid.code == code))


def entry(day, people=40, kind="preshift", grid_id=None, **fields) -> ActivityInput:
    return ActivityInput(day=day, kind=kind, place=fields.get("place", "一车间"),
                         speaker=fields.get("speaker", "张主任"), people=people,
                         note=fields.get("note", ""), grid_id=grid_id)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (2400, 1200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (22.0, 53.0, 10.0), 3: "E", 4: (113.0, 50.0, 5.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


@pytest.fixture
def setup(ctx, town, tmp_path):
    """Company A existed a year ago (so the date window is the two years back)."""
    db.session.get(Company, town.company_a).created_at = datetime(2025, 1, 1)
    db.session.commit()
    return tmp_path


def test_company_staff_record_for_their_company_and_it_counts_for_its_grid(setup, town):
    today = local_today()
    record = service.record_activity(staff("staff-a"), today, entry(today, grid_id=grid("g2").id), None, setup)
    assert (record.company_id, record.grid_id) == (town.company_a, grid("g1").id)  # the grid asked for is ignored
    assert record.kind is OutreachKind.PRESHIFT
    totals = service.summary(staff("officer-1"), Span(today, today))
    assert (totals.total.events, totals.total.people) == (1, 40)
    assert [(g.code, t.people) for g, t in totals.by_grid] == [("g1", 40)]
    assert service.summary(staff("staff-b"), Span(today, today)).total.events == 0
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "outreach.record")) == "outreach.record"


def test_officers_record_for_their_grids_only(setup, town):
    today = local_today()
    officer = staff("officer-1")
    record = service.record_activity(officer, today, entry(today, kind="community", grid_id=grid("g1").id), None,
                                     setup)
    assert record.company_id is None and record.grid_id == grid("g1").id
    with pytest.raises(Forbidden):
        service.record_activity(officer, today, entry(today, grid_id=grid("g2").id), None, setup)
    with pytest.raises(Invalid):
        service.record_activity(officer, today, entry(today, grid_id=None), None, setup)


@pytest.mark.parametrize("days_back, code", [(-1, "outreach.future_date"), (800, "outreach.too_old")])
def test_a_date_outside_the_window_is_refused(setup, town, days_back, code):
    today = local_today()
    with pytest.raises(Invalid) as refused:
        service.record_activity(staff("staff-a"), today, entry(today - timedelta(days=days_back)), None, setup)
    assert refused.value.code == code and refused.value.field == "day"


def test_a_company_records_nothing_from_before_it_was_in_quizapp(setup, town):
    today = local_today()
    joined = today - timedelta(days=10)
    db.session.get(Company, town.company_a).created_at = datetime.combine(joined, datetime.min.time())
    with pytest.raises(Invalid) as refused:
        service.record_activity(staff("staff-a"), today, entry(today - timedelta(days=11)), None, setup)
    assert refused.value.code == "outreach.too_old"
    service.record_activity(staff("staff-a"), today, entry(today - timedelta(days=10)), None, setup)


def test_several_problems_are_all_reported(setup, town):
    with pytest.raises(Problems) as refused:
        service.record_activity(staff("staff-a"), local_today(), entry(local_today(), people=100_001, kind="party",
                                                                       speaker=""), None, setup)
    assert {p.code for p in refused.value.problems} == {"outreach.people_range", "outreach.unknown_kind",
                                                        "outreach.empty"}


def test_the_photo_is_kept_re_encoded_without_its_location_or_camera(setup, town):
    today = local_today()
    record = service.record_activity(staff("staff-a"), today, entry(today), jpeg_with_gps(), setup)
    kept = (setup / record.photo).read_bytes()
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and max(image.size) == photos.MAX_SIDE
        assert not image.getexif() and "comment" not in image.info and "exif" not in image.info
    assert b"PhoneMaker" not in kept and b"secret comment" not in kept
    assert service.photo_of(staff("officer-1"), record.id, setup) == kept
    assert service.photo_of(staff("staff-b"), record.id, setup) is None  # another company's: not there


def test_a_phone_photo_with_extra_frames_mpo_is_kept_as_its_first_frame(setup, town):
    first = Image.new("RGB", (2000, 1000), (10, 200, 10))
    second = Image.new("RGB", (2000, 1000), (10, 10, 200))
    upload = io.BytesIO()
    first.save(upload, "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(upload.getvalue())) as written:
        assert written.format == "MPO" and written.n_frames == 2  # what a phone sends, as Pillow reads it
    record = service.record_activity(staff("staff-a"), local_today(), entry(local_today()), upload.getvalue(), setup)
    with Image.open(setup / record.photo) as kept:
        assert kept.format == "JPEG" and getattr(kept, "n_frames", 1) == 1 and kept.size == (photos.MAX_SIDE, 800)
        red, green, blue = kept.convert("RGB").getpixel((kept.width // 2, kept.height // 2))
        assert green > 150 and blue < 100  # the first frame, not the second


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(setup, town):
    with pytest.raises(Invalid) as refused:
        service.record_activity(staff("staff-a"), local_today(), entry(local_today()), b"GIF89a not a photo", setup)
    assert refused.value.code == "outreach.photo_not_image"
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 0
    assert list(setup.iterdir()) == []


def test_a_photo_over_the_size_limit_is_refused_before_it_is_decoded(setup, town):
    with pytest.raises(Invalid) as refused:
        service.record_activity(staff("staff-a"), local_today(), entry(local_today()),
                                b"\xff\xd8\xff" + b"0" * photos.MAX_BYTES, setup)
    assert refused.value.code == "outreach.photo_too_big"


def test_only_whoever_recorded_it_changes_a_record(setup, town):
    today = local_today()
    company_record = service.record_activity(staff("staff-a"), today, entry(today), jpeg_with_gps(), setup)
    grid_record = service.record_activity(staff("officer-1"), today, entry(today, kind="stall",
                                                                           grid_id=grid("g1").id), None, setup)
    # The officer reads the company's record but does not change it; the company never sees the grid's.
    assert service.find_activity(staff("officer-1"), company_record.id) is company_record
    assert service.find_changeable(staff("officer-1"), company_record.id) is None
    assert service.find_activity(staff("staff-a"), grid_record.id) is None
    assert service.find_activity(staff("staff-b"), company_record.id) is None
    with pytest.raises(Forbidden):
        service.delete_activity(staff("officer-1"), company_record, setup)
    old_photo = company_record.photo
    changed = service.change_activity(staff("staff-a"), today, company_record, entry(today, people=60), None, True,
                                      setup, utcnow())
    assert changed.people == 60 and changed.photo is None
    assert (setup / old_photo).exists()  # until the change is committed
    db.session.commit()
    assert not (setup / old_photo).exists()
    service.delete_activity(staff("officer-1"), grid_record, setup)
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["outreach.record", "outreach.record", "outreach.change", "outreach.delete"]


def test_a_new_photo_is_removed_when_its_record_is_rolled_back(setup, town):
    today = local_today()
    service.record_activity(staff("staff-a"), today, entry(today), jpeg_with_gps(), setup)
    assert len(list(setup.iterdir())) == 1
    db.session.rollback()
    assert list(setup.iterdir()) == []
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 0
    # A later commit in the same session does not bring anything back or remove anything else.
    kept = service.record_activity(staff("staff-a"), today, entry(today), jpeg_with_gps(), setup)
    db.session.commit()
    assert [p.name for p in setup.iterdir()] == [kept.photo]


def test_a_replaced_or_deleted_photo_goes_only_when_the_change_is_committed(setup, town):
    today = local_today()
    record = service.record_activity(staff("staff-a"), today, entry(today), jpeg_with_gps(), setup)
    db.session.commit()
    record_id, first = record.id, record.photo

    # Replaced, then rolled back: the record still names the first photo, and it is still there.
    service.change_activity(staff("staff-a"), today, record, entry(today), jpeg_with_gps(), False, setup, utcnow())
    assert (setup / first).exists() and len(list(setup.iterdir())) == 2
    db.session.rollback()
    record = db.session.get(OutreachActivity, record_id)
    assert record.photo == first and [p.name for p in setup.iterdir()] == [first]

    # Deleted, then rolled back: the record and its photo are both still there.
    service.delete_activity(staff("staff-a"), record, setup)
    assert (setup / first).exists()
    db.session.rollback()
    record = db.session.get(OutreachActivity, record_id)
    assert record is not None and service.photo_of(staff("staff-a"), record_id, setup) is not None

    # Replaced and committed: the old photo goes, the new one stays.
    service.change_activity(staff("staff-a"), today, record, entry(today), jpeg_with_gps(), False, setup, utcnow())
    second = record.photo
    db.session.commit()
    assert [p.name for p in setup.iterdir()] == [second]

    # Deleted and committed: the photo goes with it.
    service.delete_activity(staff("staff-a"), record, setup)
    assert (setup / second).exists()
    db.session.commit()
    assert list(setup.iterdir()) == []


def test_totals_by_grid_kind_and_month_add_up_to_the_total(setup, town):
    today = local_today()
    first = today.replace(day=1)
    g1, g2 = grid("g1").id, grid("g2").id
    make_activity(g1, first, 100, "community")
    make_activity(g1, first, 30, "preshift", company_id=town.company_a)
    make_activity(g2, first, 7, "stall")
    make_activity(g2, first - timedelta(days=1), 1000, "school")  # last month
    span = service.month_span(first, today)
    town_wide = service.summary(staff("admin"), span)
    assert (town_wide.total.events, town_wide.total.people) == (3, 137)
    assert {g.code: (t.events, t.people) for g, t in town_wide.by_grid} == {"g1": (2, 130), "g2": (1, 7)}
    assert [k for k, _ in town_wide.by_kind] == [OutreachKind.COMMUNITY, OutreachKind.STALL, OutreachKind.PRESHIFT]
    assert sum(t.people for _, t in town_wide.by_kind) == town_wide.total.people
    officer = service.summary(staff("officer-1"), Span(first - timedelta(days=1), today))
    assert (officer.total.events, officer.total.people) == (2, 130)
    assert [m for m, _ in officer.by_month] == [service.add_months(first, -1), first]


def csv_file(*rows: str, header: str = "日期,类型,地点或单位,网格,主讲人,覆盖人数,备注") -> bytes:
    return ("\r\n".join((header, *rows)) + "\r\n").encode("utf-8-sig")


def test_the_ledger_s_grids_carry_their_months_without_a_case_in_one_read(setup, town, statements_of):
    """Each grid of the month's totals carries the incidents page's figure for the chosen month
    (incidents.figures.quiet_grids), in the totals' order, read once: as many statements for
    twelve grids as for two. Company staff get no grid table, so nothing is read for them."""
    today, admin = local_today(), staff("admin")
    month = today.replace(day=1)
    make_incident(grid("g2").id, add_months(month, -4), cases=3)
    for code in ("g1", "g2"):
        make_activity(grid(code).id, today, 10)
    page, before = statements_of(lambda: service.ledger(admin, today, month))
    assert [(g.code, q.months) for (g, _t), q in zip(page.this_month.by_grid, page.grid_quiet, strict=True)] == [
        ("g1", None), ("g2", 4)]
    assert page.grid_quiet[1] == quiet_grids(admin, month, today)[grid("g2").id]
    for n in range(10):
        added = make_grid(f"x{n}", f"新网格{n}")
        make_incident(added.id, add_months(month, -n))
        make_activity(added.id, today, 10)
    page, after = statements_of(lambda: service.ledger(admin, today, month))
    assert after == before and [q.months for q in page.grid_quiet][2:] == list(range(10))
    assert service.ledger(staff("staff-a"), today, month).grid_quiet == []


def test_an_import_writes_nothing_before_it_is_confirmed_and_then_everything(setup, town):
    today = local_today()
    officer = staff("officer-1")
    data = csv_file(f"{today},进社区,新塘村,g1,李警官,120,", f"{today},摆摊设点,市场口,G1,李警官,30,周末")
    preview = service.preview_import(officer, today, NOW, "activities.csv", data)
    assert preview.import_id and not preview.parsed.problems and preview.people == 150
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 0
    result = service.apply_import(officer, today, NOW, preview.import_id)
    assert (result.added, result.people, result.problems) == (2, 150, [])
    kinds = db.session.scalars(select(OutreachActivity.kind).order_by(OutreachActivity.id)).all()
    assert kinds == [OutreachKind.COMMUNITY, OutreachKind.STALL]


def test_an_import_is_confirmed_once_and_a_second_confirmation_writes_nothing(setup, town):
    today = local_today()
    officer = staff("officer-1")
    data = csv_file(f"{today},进社区,新塘村,g1,李警官,120,")
    preview = service.preview_import(officer, today, NOW, "activities.csv", data)
    assert service.apply_import(officer, today, NOW, preview.import_id).added == 1
    # Again in the same transaction (a retry before the commit), then after the commit (Back and resend).
    again = service.apply_import(officer, today, NOW, preview.import_id)
    assert (again.added, [p.reason for p in again.problems]) == (0, ["already_imported"])
    db.session.commit()
    again = service.apply_import(officer, today, NOW, preview.import_id)
    assert (again.added, [p.reason for p in again.problems]) == (0, ["already_imported"])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 1
    assert db.session.scalar(select(TownImport.status).where(TownImport.id == preview.import_id)) == "applied"
    assert db.session.scalars(select(AuditLog.action)).all() == ["outreach.import"]
    # The same file previewed again: its one activity is recorded, so it is left out and nothing is offered.
    second = service.preview_import(officer, today, NOW, "activities.csv", data)
    assert second.import_id is None and second.to_record == []
    assert [(left.row.row, left.same_as) for left in second.left_out] == [(2, None)]


def test_activities_already_recorded_or_repeated_in_the_file_are_shown_and_left_out(setup, town):
    today = local_today()
    officer = staff("officer-1")
    g1 = grid("g1").id
    make_activity(g1, today, 120, "community", place="新塘村", speaker="李警官")  # recorded by hand before
    data = csv_file(f"{today},进社区,新塘村,g1,李警官,120,",  # row 2: already recorded
                    f"{today},摆摊设点,市场口,g1,李警官,30,",  # row 3: new
                    f"{today},摆摊设点,市场口,G1,李警官,30,",  # row 4: row 3 again (the grid's code in capitals)
                    f"{today},摆摊设点,市场口,g1,李警官,30,第二场",  # row 5: told apart in the note
                    f"{today},进校园,一中,g1,李警官,400,")  # row 6: new
    preview = service.preview_import(officer, today, NOW, "a.csv", data)
    assert [r.row for r in preview.to_record] == [3, 5, 6] and preview.people == 460 and preview.import_id
    assert [(left.row.row, left.same_as) for left in preview.left_out] == [(2, None), (4, 3)]
    # Between the preview and the confirmation someone records row 6's activity by hand: left out too.
    make_activity(g1, today, 400, "school", place="一中", speaker="李警官")
    result = service.apply_import(officer, today, NOW, preview.import_id)
    assert (result.added, result.people, result.left_out, result.problems) == (2, 60, 3, [])
    db.session.commit()
    assert db.session.scalar(select(func.sum(OutreachActivity.people))) == 120 + 400 + 30 + 30
    assert json.loads(db.session.scalars(select(AuditLog.detail)).one())["left_out"] == 3
    # Everything recorded now: a new preview of the file offers nothing.
    again = service.preview_import(officer, today, NOW, "a.csv", data)
    assert again.import_id is None and len(again.left_out) == 5
    # A confirmation whose every activity was recorded since its preview adds nothing, and says why.
    stale = service.preview_import(officer, today, NOW, "b.csv", csv_file(f"{today},进社区,南面村,g1,王警官,9,"))
    make_activity(g1, today, 9, "community", place="南面村", speaker="王警官")
    nothing = service.apply_import(officer, today, NOW, stale.import_id)
    assert (nothing.added, [p.reason for p in nothing.problems], nothing.left_out) == (0, ["nothing_new"], 1)


def test_an_import_with_one_bad_row_imports_nothing_and_says_where(setup, town):
    today = local_today()
    data = csv_file(f"{today},进社区,新塘村,g1,李警官,120,", f"{today},进社区,新塘村,g2,李警官,十,",
                    f"{today + timedelta(days=1)},唱歌,新塘村,g1,李警官,5,")
    preview = service.preview_import(staff("officer-1"), today, NOW, "a.csv", data)
    assert preview.import_id is None
    assert [(p.row, p.column, p.reason) for p in preview.parsed.problems] == [
        (3, "网格", "unknown_grid"), (3, "覆盖人数", "not_whole"), (4, "日期", "future_date"),
        (4, "类型", "unknown_kind")]


def test_a_confirmation_is_checked_again_and_refused_whole(setup, town):
    today = local_today()
    officer = staff("officer-1")
    data = csv_file(f"{today},进社区,新塘村,g1,李警官,120,")
    preview = service.preview_import(officer, today, NOW, "a.csv", data)
    officer.grids = []  # the officer's grid was taken away meanwhile
    db.session.flush()
    result = service.apply_import(officer, today, NOW, preview.import_id)
    assert result.added == 0 and [p.reason for p in result.problems] == ["unknown_grid"]
    assert service.apply_import(staff("admin"), today, NOW, preview.import_id).problems[0].reason == "preview_gone"
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 0


def test_a_preview_is_its_uploader_s_only_and_expires_after_two_hours(setup, town):
    today = local_today()
    officer = staff("officer-1")
    data = csv_file(f"{today},进社区,新塘村,g1,李警官,120,")
    kept = service.preview_import(officer, today, NOW, "a.csv", data).import_id
    other_town = make_town_row("hm", "虎门镇")
    for stranger in (staff("admin"), staff("staff-a"), make_staff("admin-hm", "town_admin", town=other_town)):
        assert [p.reason for p in service.apply_import(stranger, today, NOW, kept).problems] == ["preview_gone"]
    late = service.apply_import(officer, today, NOW + timedelta(hours=3), kept)
    assert [(p.reason, p.detail) for p in late.problems] == [("expired", "2")]
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 0
    assert service.apply_import(officer, today, NOW + timedelta(minutes=90), kept).added == 1


# --- what an import keeps of its file once it can no longer be applied (docs/privacy.md) ----------

def stored(import_id: int) -> TownImport:
    """The import as the database holds it now, not as this session loaded it."""
    db.session.expire_all()
    return db.session.get(TownImport, import_id)


def test_applying_empties_the_import_s_rows_and_keeps_its_record(setup, town):
    today = local_today()
    officer = staff("officer-1")
    data = csv_file(f"{today},进社区,新塘村,g1,李警官,120,")
    kept = service.preview_import(officer, today, NOW, "a.csv", data).import_id
    db.session.commit()
    assert "李警官" in str(stored(kept).rows)
    assert service.apply_import(officer, today, NOW, kept).added == 1
    db.session.commit()
    record = stored(kept)
    assert (record.rows, record.errors) == ([], [])
    assert (record.status, record.filename, record.created_by, record.created_at, record.applied_at) == (
        ImportStatus.APPLIED, "a.csv", officer.id, NOW, NOW)
    # A second confirmation of the emptied import: "already imported", nothing added.
    again = service.apply_import(officer, today, NOW, kept)
    assert [p.reason for p in again.problems] == ["already_imported"] and again.added == 0
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 1


def test_a_preview_past_the_keeping_time_is_emptied_by_the_town_s_retention_and_says_expired(setup, town):
    today = local_today()
    officer = staff("officer-1")
    old = service.preview_import(officer, today, NOW, "old.csv", csv_file(f"{today},进社区,新塘村,g1,李警官,120,"))
    young = service.preview_import(officer, today, NOW + timedelta(hours=1), "young.csv",
                                   csv_file(f"{today},进校园,一小,g1,王老师,300,"))
    humen_admin = make_staff("admin-hm", "town_admin", town=make_town_row("hm", "虎门镇"))
    elsewhere = previews.keep(humen_admin, ImportKind.OUTREACH, "hm.csv", [[2, {"speaker": "陈警官"}]], [], NOW)
    db.session.commit()
    late = NOW + previews.MAX_AGE + timedelta(seconds=1)
    result = purge_town(first_town().id, today, 12, ZoneInfo("Asia/Shanghai"), late)
    db.session.commit()
    assert result.imports_emptied == 1 and result.register_imports == 0
    emptied = stored(old.import_id)
    assert (emptied.rows, emptied.errors, emptied.status, emptied.filename) == ([], [], ImportStatus.PREVIEW,
                                                                                "old.csv")
    assert stored(young.import_id).rows and stored(elsewhere.id).rows  # younger, and the other town's run's
    # Its confirmation says "expired: upload again", even by a clock that makes it young.
    for now in (late, NOW):
        expired = service.apply_import(officer, today, now, old.import_id)
        assert [(p.reason, p.detail) for p in expired.problems] == [("expired", "2")]
    assert db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 0
    assert service.apply_import(officer, today, late, young.import_id).added == 1


def test_company_staff_import_without_a_grid_column(setup, town):
    today = local_today()
    data = csv_file(f"{today},岗前5分钟,一车间,张主任,45,刷单", header="日期,类型,地点或单位,主讲人,覆盖人数,备注")
    preview = service.preview_import(staff("staff-a"), today, NOW, "a.csv", data)
    assert service.apply_import(staff("staff-a"), today, NOW, preview.import_id).added == 1
    record = db.session.scalar(select(OutreachActivity))
    assert (record.company_id, record.grid_id, record.note) == (town.company_a, grid("g1").id, "刷单")
