"""The rules of workers' reports: when two texts are the same lead, the reporter taken out of a
text, masking numbers and links, the daily limit, the inbox's moves and the counts."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from quizapp.leads import rules
from quizapp.leads.rules import ReportRow
from quizapp.rules.vocab import LeadChannel, LeadStatus

DAY = date(2026, 12, 5)


def test_the_same_text_ignores_width_case_and_whitespace():
    key = rules.same_text_key("加微信 ABC123 领取补贴")
    assert rules.same_text_key("加微信ＡＢＣ１２３领取补贴") == key  # full width
    assert rules.same_text_key("  加微信\n abc123\t领取　补贴 ") == key  # case, newlines, ideographic space
    assert rules.same_text_key("加微信\u200bABC123领取补贴") == key  # a zero-width space pasted in
    assert rules.same_text_key("加微信ABC123领取补贴!") != key  # punctuation counts
    assert len(key) == 64


@given(st.text(max_size=60))
def test_a_text_and_its_normalised_form_are_the_same_lead(text):
    assert rules.same_text_key(rules.normalised(text)) == rules.same_text_key(text)
    assert rules.same_text_key(text.upper()) == rules.same_text_key(text.upper().casefold())


def test_the_reporter_s_name_and_number_are_taken_out():
    text = rules.without_reporter("我是王小明，工号ａ００１，有人打电话说我的快递丢了", "王小明", "A001")
    assert "王小明" not in text and "a001" not in text.casefold() and "００１" not in text
    assert text.count(rules.REDACTED) == 2 and "快递丢了" in text
    # A one-character name would blank ordinary words out: left alone.
    assert rules.without_reporter("王先生来电", "王", "") == "王先生来电"


def test_numbers_and_links_are_masked_enough_to_recognise_not_to_use():
    assert rules.mask_contact("13812345678") == "138******78"
    assert rules.mask_contact("+86 138-1234-5678") == "138******78"
    assert rules.mask_contact("95588") == "95588"  # a public hotline: whole
    assert rules.mask_contact("http://abc-bank.top/refund?id=9") == "abc***.top/…"
    assert rules.mask_contact("www.fake-subsidy.cn") == "www***.cn"
    assert rules.mask_contact("wxid_scammer88") == "wx******8"
    assert rules.mask_contact("") == "" and rules.mask_contact(None) == ""
    assert rules.mask_numbers("call 13812345678 or 6222020200112233445") == "call 138******78 or 622******45"
    assert rules.mask_numbers("pay 500 yuan") == "pay 500 yuan"


def test_the_reporter_key_is_per_worker_and_day():
    key = rules.reporter_key(b"s", 7, DAY)
    assert key == rules.reporter_key(b"s", 7, DAY)
    assert key != rules.reporter_key(b"s", 8, DAY) and key != rules.reporter_key(b"s", 7, date(2026, 12, 6))
    assert key != rules.reporter_key(b"other secret", 7, DAY)


def test_the_daily_limit():
    assert not rules.over_limit(rules.DAILY_LIMIT - 1) and rules.over_limit(rules.DAILY_LIMIT)


def test_the_inbox_moves():
    assert rules.may_move(LeadStatus.NEW, LeadStatus.REVIEWED)
    assert rules.may_move(LeadStatus.REVIEWED, LeadStatus.DISMISSED)
    assert rules.may_move(LeadStatus.DISMISSED, LeadStatus.REVIEWED)
    assert not rules.may_move(LeadStatus.ALERTED, LeadStatus.DISMISSED)
    assert not rules.may_move(LeadStatus.REVIEWED, LeadStatus.REVIEWED)
    assert not rules.may_move(LeadStatus.DISMISSED, LeadStatus.ALERTED)


def test_counts_a_lead_once_and_each_report():
    rows = [ReportRow(1, 10, LeadChannel.SMS, False), ReportRow(1, 10, LeadChannel.SMS, True),
            ReportRow(2, 10, LeadChannel.CALL, False), ReportRow(3, 20, LeadChannel.SMS, False)]
    counts = rules.count(rows)
    assert (counts.total.leads, counts.total.reports, counts.total.money_lost) == (3, 4, 1)
    assert counts.by_grid[10].leads == 2 and counts.by_grid[10].reports == 3 and counts.by_grid[20].reports == 1
    assert list(counts.by_channel) == [LeadChannel.CALL, LeadChannel.SMS]  # the vocabulary's order
    assert counts.by_channel[LeadChannel.SMS].leads == 2 and counts.by_channel[LeadChannel.SMS].reports == 3
    assert counts.by_grid_channel[(10, LeadChannel.SMS)].money_lost == 1
    assert rules.count([]).total.reports == 0


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.sampled_from(list(LeadChannel)), st.booleans()),
                max_size=30))
def test_the_parts_add_up_to_the_whole(raw):
    counts = rules.count([ReportRow(*r) for r in raw])
    assert sum(t.reports for t in counts.by_grid.values()) == counts.total.reports == len(raw)
    assert sum(t.reports for t in counts.by_channel.values()) == len(raw)
    assert counts.total.money_lost <= counts.total.leads <= counts.total.reports
