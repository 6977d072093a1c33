"""alerts.rules: a draft checked by the bank's own rules, each problem at its field; an alert's
state on a day; which alert and which variant a worker gets; the reach table's small companies."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from quizapp.alerts import rules
from quizapp.rules.vocab import AlertStatus
from tests.alerts import drafts

DAY = date(2026, 12, 5)


def _fields(draft) -> dict[str, str]:
    return {p.field: p.code for p in rules.check(draft)}


def test_a_good_draft_passes_and_becomes_bank_question_contents():
    draft = drafts.draft()
    assert rules.check(draft) == []
    first, second = rules.contents(draft)
    assert first["scene"] == "sms" and first["scene_lines"][0]["speaker"] == "them"
    assert first["answer"] == [1] and second["type"] == "truefalse" and second["answer"] == [1]


def test_each_problem_is_shown_at_its_field():
    question = drafts.draft().questions[0]
    bad = rules.DraftQuestion(question.type, {"zh": question.stem["zh"], "en": ""},
                              [{"zh": "打 13812345678 问问", "en": "Call"}, question.options[1]], "C",
                              question.explain, question.rule)
    found = _fields(drafts.draft(title="", lesson={"zh": "太短了", "en": "x"}, questions=[bad],
                                 scene_lines={"zh": ["them: 点 http://bank.com.cn 领取"],
                                              "en": ["them: tap http://bank.com.cn"]}))
    assert found == {
        "title": "alerts.missing",
        "lesson_zh": "alerts.lesson_length",
        "scene_zh": "alerts.unsafe_link",
        "scene_en": "alerts.unsafe_link",
        "q1_stem_en": "alerts.missing",
        "q1_a_zh": "alerts.mobile_number",
        "q1_answer": "alerts.answer_unknown",
    }


def test_english_is_needed_unless_the_alert_is_marked_chinese_only():
    draft = drafts.draft()
    no_english = drafts.draft(lesson={"zh": drafts.LESSON_ZH, "en": ""},
                              scene_lines={"zh": draft.scene_lines["zh"], "en": []})
    assert _fields(no_english) == {"lesson_en": "alerts.missing", "scene_kind": "alerts.scene_needed"}
    questions = [rules.DraftQuestion(**{**q.__dict__, "stem": {"zh": q.stem["zh"], "en": ""}})
                 for q in draft.questions]
    chinese_only = rules.Draft(**{**no_english.__dict__, "chinese_only": True, "questions": questions})
    assert rules.check(chinese_only) == []
    assert rules.contents(chinese_only)[0]["stem"]["en"] == draft.questions[0].stem["zh"]


def test_an_answer_cue_is_a_problem_at_the_answer():
    question = drafts.draft().questions[0]
    cued = rules.DraftQuestion(question.type, question.stem,
                               [{"zh": "点开链接看看有多少钱", "en": "Tap"},
                                {"zh": "不点链接，打12333核实", "en": "Check"},
                                {"zh": "转给工友一起去领取", "en": "Forward"}], "B", question.explain, question.rule)
    assert _fields(drafts.draft(questions=[cued])) == {"q1_answer": "alerts.cue_safety_word"}


def test_an_alert_is_live_from_publishing_to_its_last_day_then_expired():
    assert rules.state(AlertStatus.DRAFT, None, DAY, DAY) == rules.DRAFTED
    assert rules.state(AlertStatus.PUBLISHED, DAY, DAY, DAY) == rules.LIVE
    assert rules.state(AlertStatus.PUBLISHED, DAY, DAY, date(2026, 12, 6)) == rules.EXPIRED
    assert rules.state(AlertStatus.WITHDRAWN, DAY, date(2026, 12, 19), DAY) == rules.WITHDRAWN
    assert rules.expiry_problem(date(2026, 12, 4), DAY) == "alerts.expiry_past"
    assert rules.expiry_problem(rules.default_expiry(DAY), DAY) is None
    assert rules.expiry_problem(date(2027, 6, 1), DAY) == "alerts.expiry_too_far"


def test_the_earliest_published_alert_not_yet_answered_comes_first():
    assert rules.next_alert([(2, date(2026, 12, 3)), (1, date(2026, 12, 1))], set()) == 1
    assert rules.next_alert([(2, date(2026, 12, 3)), (1, date(2026, 12, 1))], {1}) == 2
    assert rules.next_alert([(1, date(2026, 12, 1))], {1}) is None


@given(st.integers(1, 10**6), st.integers(1, 10**4), st.integers(1, 3))
def test_a_worker_gets_one_of_the_alert_s_questions(worker, alert, count):
    assert 0 <= rules.variant_for(worker, alert, count) < count


def test_reach_names_no_company_under_twenty_workers():
    companies, grids, whole = rules.fold_small([
        rules.CompanyReach("网格一", "大厂", 400, 120, 90), rules.CompanyReach("网格一", "小店", 8, 3, 1),
        rules.CompanyReach("网格一", "小作坊", 12, 5, 5), rules.CompanyReach("网格二", "乙厂", 60, 0, 0)])
    assert [(r.grid, r.company, r.workers, r.right) for r in companies] == [
        ("网格一", "大厂", 120, 90), ("网格二", "乙厂", 0, 0), ("网格一", None, 8, 6)]
    assert [(r.grid, r.workers, r.right) for r in grids] == [("网格一", 128, 96), ("网格二", 0, 0)]
    assert (whole.workers, whole.right, whole.accuracy) == (128, 96, 0.75)


def test_the_paste_text_has_the_heading_lesson_rule_and_link():
    text = rules.paste_text("【本周警情】", "补贴短信", "课", "不点", "https://quiz.example/c/acme")
    assert text.splitlines() == ["【本周警情】补贴短信", "课", "不点", "https://quiz.example/c/acme"]


def test_answers_are_read_as_the_bank_writes_them():
    assert rules.normal_answer(" a，c ") == "A,C"
    assert rules.normal_answer("错") == "false" and rules.normal_answer("True") == "true"
