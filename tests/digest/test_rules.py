"""Daily digest rules: a grid's day and the town's totals, the keys, the local day in UTC, how
shares and amounts are written, cutting a message to the robot's limit, e-mail shapes and how a
robot address is shown."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from quizapp.audit.rules import utc_bounds
from quizapp.digest import rules
from quizapp.incidents.rules import month_start
from quizapp.organisation.rules import name_list
from quizapp.rules.metrics import Tally, percent

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_grid_s_participation_is_done_over_expected_and_a_day_off_or_without_data_has_none():
    assert rules.GridDay("网格一", day=Tally(200, 90, days=3)).participation == 0.45
    day_off = rules.GridDay("网格一", day=Tally(0, 0, days=3))
    assert day_off.participation is None and day_off.has_data
    no_data = rules.GridDay("网格一", day=Tally())
    assert no_data.participation is None and not no_data.has_data


def test_the_town_total_adds_the_grids_up_before_dividing():
    small = rules.GridDay("小", companies=1, below_target=1, day=Tally(10, 10, days=1), flagged=("甲厂",),
                          cases_month=2, loss_month=Decimal("3.50"))
    big = rules.GridDay("大", companies=3, below_target=0, day=Tally(990, 0, days=3), flagged=("乙厂", "丙厂"))
    total = rules.town_total("全镇", [small, big])
    assert (total.companies, total.below_target, total.expected, total.done) == (4, 1, 1000, 10)
    assert total.participation == 0.01  # not the mean of 100% and 0%
    assert total.flagged == ("甲厂", "乙厂", "丙厂") and total.loss_month == Decimal("3.50")
    assert rules.town_total("全镇", []).participation is None


def test_the_digest_counts_the_incidents_of_its_date_s_month():
    digest = rules.Digest(day=date(2026, 12, 9), target=0.8, grids=())
    assert digest.month == date(2026, 12, 1)


def test_keys_are_one_per_date_and_tests_have_their_own():
    assert rules.digest_key(date(2026, 11, 24)) == "digest:2026-11-24"
    trial = rules.trial_key(datetime(2026, 11, 24, 18, 15, 42, 123, tzinfo=SHANGHAI))
    assert trial == "test:2026-11-24T18:15" and not trial.startswith(rules.KEY_PREFIX)
    assert rules.key_label("digest:2026-11-24") == "2026-11-24"
    assert rules.key_label(trial) == "2026-11-24 18:15"
    assert rules.key_label("2026-03-02/早班") == "2026-03-02/早班"  # a reminder's key, as it is


def test_a_local_day_in_utc_starts_at_local_midnight():
    # The digest counts a day's records with the audit log's bounds: after < at <= until.
    after, until = utc_bounds(date(2026, 11, 24), date(2026, 11, 24), SHANGHAI)
    tick = timedelta(microseconds=1)
    assert after + tick == datetime(2026, 11, 23, 16, 0) and until + tick == datetime(2026, 11, 24, 16, 0)


def test_shares_and_amounts_are_written_for_people():
    assert percent(0.456) == "46%" and percent(None) == "–" and percent(1) == "100%"
    assert rules.yuan(Decimal("12500")) == "12,500" and rules.yuan(Decimal("99.5")) == "99.50"
    assert rules.yuan(0) == "0" and rules.yuan(1234567.891) == "1,234,567.89"


def test_long_lists_of_names_are_counted_not_listed():
    assert name_list(["a", "b"], 3) == (["a", "b"], 0)
    assert name_list([str(i) for i in range(12)], 10) == ([str(i) for i in range(10)], 2)


@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=60))
def test_a_cut_message_fits_and_keeps_its_heading_and_footer(lines):
    footer = ["看板：https://fzd.example.gov.cn/reports/", "仅含汇总数据。"]
    text = rules.fit(lines, footer, 1000)
    assert text.startswith(lines[0]) and text.endswith("\n".join(footer))
    if len(lines[0].encode()) + 200 < 1000:
        assert len(text.encode()) <= 1000
    whole = "\n".join(lines + footer)
    if len(whole.encode()) <= 1000 or len(lines) == 1:
        assert text == whole  # nothing to cut, or nothing but the heading left to keep
    else:
        assert text.endswith("\n" + "\n".join(["…", *footer]))


def test_e_mail_addresses_need_the_shape_of_one():
    for good in ("officer@town.example", "wang.xiao-ming+digest@dalingshan.gov.cn", "a@b.cn"):
        assert rules.is_email(good), good
    for bad in ("", "officer", "officer@", "@town.example", "a b@town.example", "a@town", "a@@town.example",
                "a@town.", "x" * 250 + "@b.cn"):
        assert not rules.is_email(bad), bad


def test_a_robot_address_is_shown_with_its_key_cut_short():
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    shown = rules.masked_target(url)
    assert shown == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…" and "7xxx" not in shown
    assert rules.masked_target("officer@town.example") == "officer@town.example"
    assert rules.masked_target("http://127.0.0.1:9/hook") == "http://127.0.0.1:9/hook"


def test_month_start():
    assert month_start(date(2026, 11, 24)) == date(2026, 11, 1)
    assert month_start(date(2026, 11, 1) - timedelta(days=1)) == date(2026, 10, 1)
