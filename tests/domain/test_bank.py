"""The bank file format and its checker: every rule has a small broken file, and the real bank passes."""

from pathlib import Path

import pytest

from quizapp.domain.bank import Bank, parse_file, read_bank
from tests.factories import bank_text

ROOT = Path(__file__).resolve().parents[2]


def problems(text: str) -> list[str]:
    bank = parse_file("t.txt", text, Bank())
    return [str(p) for p in bank.problems]


def good() -> str:
    return bank_text("alpha", 2)


def test_a_good_file_parses_into_questions_with_both_languages():
    bank = parse_file("t.txt", good(), Bank())
    assert bank.ok
    question = bank.questions["alpha-001"]
    assert question.stem["zh"].startswith("alpha第1题") and question.stem["en"].startswith("alpha question 1")
    assert question.answer == [1] and len(question.options) == 3 and question.common
    assert bank.topics["alpha"].lesson["en"]


def test_content_hash_changes_with_the_text_only():
    a = parse_file("t.txt", good(), Bank()).questions["alpha-001"]
    b = parse_file("t.txt", good().replace("difficulty: 2", "difficulty: 3"), Bank()).questions["alpha-001"]
    c = parse_file("t.txt", good().replace("挂断并核实", "挂断并打110核实"), Bank()).questions["alpha-001"]
    assert a.content_hash() == b.content_hash() != c.content_hash()


BROKEN = {
    "unknown key": (lambda t: t.replace("difficulty: 2", "dificulty: 2", 1), "unknown key 'dificulty'"),
    "missing translation": (lambda t: t.replace("stem.en: alpha question 1: what do you do?\n", "", 1), "missing 'stem.en'"),
    "option without translation": (lambda t: t.replace("A.en: Do as they say\n", "", 1), "option A has no en text"),
    "answer to no option": (lambda t: t.replace("answer: B", "answer: E", 1), "answer 'E' points at no option"),
    "single with two answers": (lambda t: t.replace("answer: B", "answer: A,B", 1), "exactly one correct option, not 2"),
    "unknown type": (lambda t: t.replace("type: single", "type: essay", 1), "unknown type 'essay'"),
    "bad difficulty": (lambda t: t.replace("difficulty: 2", "difficulty: 7", 1), "difficulty must be 1, 2 or 3"),
    "duplicate id": (lambda t: t.replace("=== alpha-002", "=== alpha-001"), "question id 'alpha-001' is also used at t.txt:"),
    "id outside topic": (lambda t: t.replace("=== alpha-002", "=== beta-002"), "must start with the topic slug 'alpha-'"),
    "no key value": (lambda t: t.replace("type: single", "type single", 1), "expected 'key: value'"),
    "key twice": (lambda t: t.replace("type: single", "type: single\ntype: single", 1), "'type' given twice"),
    "too long": (lambda t: t.replace("rule.zh: 先核实再行动。", "rule.zh: " + "很" * 41, 1), "rule.zh is 41 characters, longer than 40"),
    "real-looking mobile": (lambda t: t.replace("explain.zh: 因为这是诈骗。", "explain.zh: 打13812345678", 1), "writes out a mobile number"),
    "unsafe link": (lambda t: t.replace("explain.en: Because it is a scam.", "explain.en: see http://shop.com", 1), "links to 'shop.com'"),
    "short lesson": (lambda t: t.replace("lesson.zh: ", "lesson.zh: 短", 1).replace("这是一张课堂卡片。" * 20, "", 1), "a lesson card is 150-300"),
    "missing topic": (lambda t: t.replace("topic: alpha\n", "", 1), "topic header: missing 'topic'"),
    "truefalse with options": (lambda t: t.replace("type: single", "type: truefalse", 1).replace("answer: B", "answer: true", 1), "a truefalse question has no options"),
    "truefalse bad answer": (lambda t: t.replace("type: single", "type: truefalse", 1).replace("A.zh: 照对方说的做\nA.en: Do as they say\nB.zh: 挂断并核实\nB.en: Hang up and check\nC.zh: 先转一小笔试试\nC.en: Send a small amount first\n", "", 1), "a truefalse answer is 'true' or 'false'"),
    "multiple all right": (lambda t: t.replace("type: single", "type: multiple", 1).replace("answer: B", "answer: A,B,C", 1), "needs at least one wrong option"),
    "scene without kind": (lambda t: t.replace("stem.zh: alpha第1题", "scene.zh: them: 你好\nstem.zh: alpha第1题", 1), "scene lines given but no 'scene:' kind"),
    "scene lines differ": (lambda t: t.replace("stem.zh: alpha第1题", "scene: sms\nscene.zh: them: 你好\nscene.zh: me: 好\nscene.en: them: Hi\nstem.zh: alpha第1题", 1), "2 scene.zh lines but 1 scene.en lines"),
    "scene speaker": (lambda t: t.replace("stem.zh: alpha第1题", "scene: sms\nscene.zh: boss: 你好\nscene.en: boss: Hi\nstem.zh: alpha第1题", 1), "must start with them:, me: or note:"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_rule_reports_file_and_line(case):
    mutate, expected = BROKEN[case]
    found = problems(mutate(good()))
    assert any(expected in p for p in found), found
    assert all(p.startswith("t.txt:") for p in found)


def test_every_problem_is_reported_at_once_with_its_line():
    text = good().replace("answer: B", "answer: Z").replace("difficulty: 2", "difficulty: 9")
    found = problems(text)
    assert len(found) == 3, found  # two answers pointing nowhere, one bad difficulty
    lines = text.splitlines()
    for p in found:
        number = int(p.split(":")[1])
        assert 1 <= number <= len(lines)


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    (tmp_path / "gbk.txt").write_bytes("topic: 中文".encode("gbk"))
    bank = read_bank(tmp_path)
    assert any("not UTF-8" in str(p) and "gbk.txt:1" in str(p) for p in bank.problems)


def test_the_real_question_bank_passes_and_is_big_enough():
    bank = read_bank(ROOT / "question_bank")
    assert bank.problems == []
    assert len(bank.questions) >= 40
    assert len(bank.topics) >= 8
    for topic in bank.topics:
        assert any(q.topic == topic and q.common for q in bank.questions.values()), f"{topic} has no common question"
