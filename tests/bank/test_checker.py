"""The bank file format and its checker: every rule has a small broken file, and the real bank passes."""

import re
from pathlib import Path

import pytest

from quizapp.bank.rules.checker import Bank, half_width, parse_file, read_bank, summary
from tests.factories import LESSON_ZH, bank_text, line_of

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
    assert question.kind == "knowledge" and question.family == "alpha-pair0"
    assert question.answer == [1] and len(question.options) == 3 and question.common
    assert bank.topics["alpha"].lesson["en"]


def test_content_hash_changes_with_the_text_only():
    a = parse_file("t.txt", good(), Bank()).questions["alpha-001"]
    b = parse_file("t.txt", good().replace("difficulty: 2", "difficulty: 3"), Bank()).questions["alpha-001"]
    reworded = good().replace("B.zh: 挂断并核实", "B.zh: 挂断并打110核实", 1)
    c = parse_file("t.txt", reworded, Bank()).questions["alpha-001"]
    assert a.content_hash() == b.content_hash() != c.content_hash()


BROKEN = {
    "unknown key": (lambda t: t.replace("difficulty: 2", "dificulty: 2", 1), "unknown key 'dificulty'"),
    "missing translation": (
        lambda t: t.replace("stem.en: alpha question 1: what do you do?\n", "", 1),
        "missing 'stem.en'",
    ),
    "option without translation": (lambda t: t.replace("A.en: Do as they say\n", "", 1), "option A has no en text"),
    "answer to no option": (lambda t: t.replace("answer: B", "answer: E", 1), "answer 'E' points at no option"),
    "single with two answers": (
        lambda t: t.replace("answer: B", "answer: A,B", 1),
        "exactly one correct option, not 2",
    ),
    "unknown type": (lambda t: t.replace("type: single", "type: essay", 1), "unknown type 'essay'"),
    "bad difficulty": (lambda t: t.replace("difficulty: 2", "difficulty: 7", 1), "difficulty must be 1, 2 or 3"),
    "duplicate id": (
        lambda t: t.replace("=== alpha-002", "=== alpha-001"),
        "question id 'alpha-001' is also used at t.txt:",
    ),
    "id outside topic": (
        lambda t: t.replace("=== alpha-002", "=== beta-002"),
        "must start with the topic slug 'alpha-'",
    ),
    "no key value": (lambda t: t.replace("type: single", "type single", 1), "expected 'key: value'"),
    "key twice": (lambda t: t.replace("type: single", "type: single\ntype: single", 1), "'type' given twice"),
    "too long": (
        lambda t: re.sub(r"^rule\.zh: .*$", "rule.zh: " + "很" * 41, t, count=1, flags=re.M),
        "rule.zh is 41 characters, longer than 40",
    ),
    "real-looking mobile": (
        lambda t: t.replace("explain.zh: 因为这是诈骗。", "explain.zh: 打13812345678", 1),
        "writes out a mobile number",
    ),
    "unsafe link": (
        lambda t: t.replace("explain.en: Because it is a scam.", "explain.en: see http://shop.com", 1),
        "links to 'shop.com'",
    ),
    "short lesson": (
        lambda t: t.replace("lesson.zh: ", "lesson.zh: 短", 1).replace("这是一张课堂卡片。" * 20, "", 1),
        "a lesson card is 150-300",
    ),
    "missing topic": (lambda t: t.replace("topic: alpha\n", "", 1), "topic header: missing 'topic'"),
    "truefalse with options": (
        lambda t: t.replace("type: single", "type: truefalse", 1).replace("answer: B", "answer: true", 1),
        "a truefalse question has no options",
    ),
    "truefalse bad answer": (
        lambda t: t.replace("type: single", "type: truefalse", 1).replace(
            "A.zh: 照对方说的做\nA.en: Do as they say\nB.zh: 挂断并核实\nB.en: Hang up and check\n"
            "C.zh: 先转一小笔试试\nC.en: Send a small amount first\n",
            "",
            1,
        ),
        "a truefalse answer is 'true' or 'false'",
    ),
    "multiple all right": (
        lambda t: t.replace("type: single", "type: multiple", 1).replace("answer: B", "answer: A,B,C", 1),
        "needs at least one wrong option",
    ),
    "scene without kind": (
        lambda t: t.replace("stem.zh: alpha第1题", "scene.zh: them: 你好\nstem.zh: alpha第1题", 1),
        "scene lines given but no 'scene:' kind",
    ),
    "unknown kind": (
        lambda t: t.replace("type: single", "kind: habit\ntype: single", 1),
        "kind must be knowledge or behaviour",
    ),
    "behaviour in common set": (
        lambda t: t.replace("type: single", "kind: behaviour\ntype: single", 1),
        "a behaviour item cannot be in the common set",
    ),
    "behaviour not single": (
        lambda t: (
            t.replace("common: no\n", "common: no\nkind: behaviour\n", 1)
            .replace("type: single", "type: multiple", 2)
            .replace("answer: B", "answer: B", 1)
        ),
        "a behaviour item is a single-choice question",
    ),
    "scene lines differ": (
        lambda t: t.replace(
            "stem.zh: alpha第1题",
            "scene: sms\nscene.zh: them: 你好\nscene.zh: me: 好\nscene.en: them: Hi\nstem.zh: alpha第1题",
            1,
        ),
        "2 scene.zh lines but 1 scene.en lines",
    ),
    "scene speaker": (
        lambda t: t.replace(
            "stem.zh: alpha第1题", "scene: sms\nscene.zh: boss: 你好\nscene.en: boss: Hi\nstem.zh: alpha第1题", 1
        ),
        "must start with them:, me: or note:",
    ),
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


def write(tmp_path, text):
    (tmp_path / "alpha.txt").write_text(text, encoding="utf-8")
    return [str(p) for p in read_bank(tmp_path).problems]


def test_a_common_question_without_a_variant_is_reported(tmp_path):
    found = write(tmp_path, good().replace("family: alpha-pair0\n", "", 1))
    assert any("alpha-001 is common but has no variant" in p for p in found), found


def test_near_duplicate_stems_are_reported_across_files(tmp_path):
    text = good()
    stem = next(line for line in text.splitlines() if line.startswith("stem.zh: alpha第1题"))
    copy = bank_text("beta", 2).replace(
        next(line for line in bank_text("beta", 2).splitlines() if line.startswith("stem.zh: beta第1题")),
        stem.replace("你应该？", "你该怎么办？"),
        1,
    )
    (tmp_path / "beta.txt").write_text(copy, encoding="utf-8")
    found = write(tmp_path, text)
    assert any("beta-001 is a near-duplicate of alpha-001" in p and "alpha.txt:" in p for p in found), found


def _rule_of(text: str, qid: str) -> str:
    block = text.split(f"=== {qid}\n", 1)[1]
    return next(line for line in block.splitlines() if line.startswith("rule.zh: "))


def test_the_same_rule_in_two_families_is_reported_as_one_point_told_twice(tmp_path):
    # beta-003 (no family) is told with alpha-001's rule, reworded a little: the same point.
    alpha, beta = bank_text("alpha", 3), bank_text("beta", 3)
    rule = _rule_of(alpha, "alpha-001").removeprefix("rule.zh: ")
    (tmp_path / "beta.txt").write_text(beta.replace(_rule_of(beta, "beta-003"), f"rule.zh: 记住：{rule}"),
                                       encoding="utf-8")
    found = write(tmp_path, alpha)
    same = [p for p in found if "same point in two families" in p]
    assert len(same) == 1, found
    assert "beta-003 (no family) has the rule of alpha-001 (alpha-pair0, " in same[0] and "alpha.txt:" in same[0]
    assert same[0].startswith(f"{tmp_path / 'beta.txt'}:{line_of(beta, '=== beta-003')}:")


def test_one_family_may_repeat_its_rule_across_topics_and_different_points_may_share_words(tmp_path):
    alpha, beta = bank_text("alpha", 3), bank_text("beta", 3)
    rule = _rule_of(alpha, "alpha-001")
    # beta-003 joins alpha's family (a family may span topics): the same rule is then one point.
    joined = beta.replace(_rule_of(beta, "beta-003"), rule).replace(
        "=== beta-003\ntype: single\ndifficulty: 1\ncommon: no\n",
        "=== beta-003\ntype: single\ndifficulty: 1\ncommon: no\nfamily: alpha-pair0\n")
    assert "family: alpha-pair0" in joined
    (tmp_path / "beta.txt").write_text(joined, encoding="utf-8")
    assert write(tmp_path, alpha) == []
    # Two points told with some of the same words ("…，先核实。" in every rule here) are not one.
    (tmp_path / "beta.txt").write_text(beta, encoding="utf-8")
    assert not any("same point" in p for p in write(tmp_path, alpha))


def test_behaviour_items_may_share_a_rule_with_the_point_they_ask_about(tmp_path):
    alpha = bank_text("alpha", 3)
    rule = _rule_of(alpha, "alpha-001")
    behaviour = alpha.replace(_rule_of(alpha, "alpha-003"), rule).replace(
        "=== alpha-003\ntype: single\n", "=== alpha-003\nkind: behaviour\ntype: single\n")
    assert "kind: behaviour" in behaviour
    assert not any("same point" in p for p in write(tmp_path, behaviour))


def test_the_summary_counts_questions_per_topic_type_difficulty_and_kind():
    bank = parse_file("t.txt", good(), Bank())
    counts = summary(bank)
    assert counts["questions"] == 2 and counts["per_topic"] == {"alpha": 2}
    assert counts["per_type"] == {"single": 2} and counts["per_kind"] == {"knowledge": 2}
    assert counts["per_difficulty"] == {"2": 1, "3": 1} and counts["common"] == 1


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    (tmp_path / "gbk.txt").write_bytes("topic: 中文".encode("gbk"))
    bank = read_bank(tmp_path)
    assert any("not UTF-8" in str(p) and "gbk.txt:1" in str(p) for p in bank.problems)


def test_a_file_saved_with_a_byte_order_mark_reads_as_without_one(tmp_path):
    """Windows Notepad saves UTF-8 with a BOM (and CRLF): the first line is still a comment or a key."""
    text = "# Fake courier: a caller says your parcel is lost\n" + bank_text("alpha", 2)
    (tmp_path / "alpha.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))
    (tmp_path / "beta.txt").write_bytes(bank_text("beta", 2).encode("utf-8-sig"))  # a key on the first line
    bank = read_bank(tmp_path)
    assert bank.problems == []
    assert sorted(bank.topics) == ["alpha", "beta"] and len(bank.questions) == 4
    assert bank.questions == {**parse_file(str(tmp_path / "alpha.txt"), text, Bank()).questions,
                              **parse_file(str(tmp_path / "beta.txt"), bank_text("beta", 2), Bank()).questions}


def test_the_real_question_bank_passes_and_is_big_enough():
    bank = read_bank(ROOT / "question_bank")
    assert bank.problems == []
    knowledge = [q for q in bank.questions.values() if q.kind == "knowledge"]
    assert len(knowledge) >= 300 and len(bank.topics) >= 12
    per_topic = {t: sum(q.topic == t for q in knowledge) for t in bank.topics}
    assert min(per_topic.values()) >= 15, per_topic
    # The topics workers meet most get more questions.
    for heavy in ("shuadan", "daikuan", "kefu", "youxi", "liangka"):
        assert per_topic[heavy] > 20, (heavy, per_topic[heavy])
    for topic in bank.topics:
        assert any(q.topic == topic and q.common for q in knowledge), f"{topic} has no common question"
    types = {q.type for q in knowledge}
    assert types == {"single", "multiple", "truefalse"}
    assert sum(bool(q.scene) for q in knowledge) >= 60
    assert any(q.kind == "behaviour" for q in bank.questions.values())


CARD = ("topic: alpha\nname.zh: 主题\nname.en: Topic\nlesson.zh: {lesson}\nlesson.en: Lesson.\n"
        "icon: gift\n{flags}remember.zh: 先核实。\nremember.en: Check first.\n")


def card_file(flags_zh: int = 3, flags_en: int = 3, flag: str = "陌生人要转账", **replace: str) -> str:
    from tests.factories import LESSON_ZH

    flags = "".join(f"flag.zh: {flag}{i}\n" for i in range(flags_zh))
    flags += "".join(f"flag.en: A stranger wants money {i}\n" for i in range(flags_en))
    text = CARD.format(lesson=LESSON_ZH, flags=flags)
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_a_topic_s_lesson_card_is_parsed():
    bank = parse_file("t.txt", card_file(), Bank())
    assert bank.ok, bank.problems
    card = bank.topics["alpha"].card
    assert card["icon"] == "gift" and card["remember"] == {"zh": "先核实。", "en": "Check first."}
    assert card["flags"]["zh"] == ["陌生人要转账0", "陌生人要转账1", "陌生人要转账2"]
    assert len(card["flags"]["en"]) == 3


@pytest.mark.parametrize(("text", "expected"), [
    (card_file(flags_zh=2, flags_en=2), "t.txt:7: a lesson card has 3-5 flag.zh lines, not 2"),
    (card_file(flags_en=4), "3 flag.zh lines but 4 flag.en lines"),
    (card_file(flag="字" * 31), "flag.zh is 32 characters, longer than 30"),
    (card_file(**{"icon: gift\n": ""}), "topic header: missing 'icon'"),
    (card_file(**{"icon: gift": "icon: Gift!"}), "icon 'Gift!' must be the name of static/icons/<icon>.svg"),
    (card_file(**{"remember.en: Check first.\n": ""}), "topic header: missing 'remember.en'"),
    (card_file(flag="call 13812345678 "), "flag.zh writes out a mobile number"),
])
def test_a_card_given_in_part_or_too_long_is_a_problem(text, expected):
    found = problems(text)
    assert any(expected in p for p in found), found


def test_a_topic_without_a_card_is_a_problem_at_its_header():
    text = card_file()
    for key in ("icon: gift\n", "remember.zh: 先核实。\n", "remember.en: Check first.\n"):
        text = text.replace(key, "")
    text = "".join(line + "\n" for line in text.splitlines() if not line.startswith("flag."))
    bank = parse_file("t.txt", text, Bank())
    assert [str(p) for p in bank.problems] == [
        "t.txt:1: topic header: no lesson card (icon, 3-5 flag.zh/flag.en lines, remember.zh/remember.en)"]
    assert "alpha" in bank.topics and bank.topics["alpha"].card is None
    # The problem sits on the header's topic line, after any comment lines above it.
    commented = parse_file("t.txt", "# a comment\n\n" + text, Bank())
    assert [p.line for p in commented.problems] == [line_of("# a comment\n\n" + text, "topic: alpha")] == [3]


@pytest.mark.parametrize(("zh", "en"), [
    ("下面哪些做法是对的？（多选）", "Which of these are right?"),
    ("下面哪些做法是对的？（可多选）", "Which of these are right?"),
    ("选出所有正确的做法。", "Which of these are right?"),
    ("下面哪些做法是对的？", "Which of these are right? (Choose all that apply.)"),
    ("下面哪些做法是对的？", "Select all the right moves."),
])
def test_a_multiple_choice_stem_that_repeats_the_page_s_hint_is_a_problem_at_its_line(zh, en):
    text = good().replace("type: single", "type: multiple", 1).replace("answer: B", "answer: A,B", 1)
    text = text.replace(next(line for line in text.splitlines() if line.startswith("stem.zh: alpha第1题")),
                        f"stem.zh: {zh}", 1).replace("stem.en: alpha question 1: what do you do?", f"stem.en: {en}", 1)
    lang = "zh" if zh != "下面哪些做法是对的？" else "en"
    stem = f"stem.{lang}: {zh if lang == 'zh' else en}"
    found = problems(text)
    assert len(found) == 1 and found[0].startswith(f"t.txt:{line_of(text, stem)}: stem.{lang} says "), found
    assert "already tells the worker to choose all that apply" in found[0]


def test_the_same_words_in_a_single_choice_stem_or_a_plain_multiple_stem_are_not_a_hint():
    assert problems(good().replace("what do you do?", "which one? (Choose all that apply.)", 1)) == []
    plain = good().replace("type: single", "type: multiple", 1).replace("answer: B", "answer: A,B", 1)
    assert problems(plain.replace("what do you do?", "which of these are right?", 1)) == []


def test_every_icon_the_real_bank_names_is_vendored():
    bank = read_bank(ROOT / "question_bank")
    for slug, topic in bank.topics.items():
        if topic.card:
            assert (ROOT / "static" / "icons" / f"{topic.card['icon']}.svg").is_file(), slug


def test_a_probe_item_is_marked_with_probe_yes_and_never_common(tmp_path):
    text = good().replace("=== alpha-002\n", "=== alpha-002\nprobe: yes\n", 1)
    bank = read_bank_from(tmp_path, text)
    assert bank.questions["alpha-002"].probe and not bank.questions["alpha-001"].probe
    assert summary(bank)["probe"] == 1
    assert bank.questions["alpha-002"].content() == read_bank_from(tmp_path, good()).questions["alpha-002"].content()
    common = good().replace("=== alpha-001\n", "=== alpha-001\nprobe: yes\n", 1)
    assert any("a probe item cannot be in the common set" in p for p in write(tmp_path, common))
    assert any("probe must be 'yes' or 'no'" in p for p in write(tmp_path, good().replace(
        "=== alpha-002\n", "=== alpha-002\nprobe: maybe\n", 1)))


def test_a_probe_whose_point_has_no_taught_variant_is_reported(tmp_path):
    # alpha-003 has no family: as a probe, its point would be taught to nobody.
    alone = write(tmp_path, bank_text("alpha", 3).replace("=== alpha-003\n", "=== alpha-003\nprobe: yes\n", 1))
    assert any("alpha-003 is a probe and its point has no other variant" in p for p in alone), alone
    # alpha-002's family also holds alpha-001, which is taught: fine.
    paired = write(tmp_path, good().replace("=== alpha-002\n", "=== alpha-002\nprobe: yes\n", 1))
    assert not any("is a probe and its point" in p for p in paired), paired


def read_bank_from(tmp_path, text) -> Bank:
    (tmp_path / "alpha.txt").write_text(text, encoding="utf-8")
    return read_bank(tmp_path)


def test_the_town_bank_holds_about_two_probe_items_per_topic_of_mid_difficulty_outside_the_common_set():
    bank = read_bank(Path(__file__).parents[2] / "question_bank")
    probes = [q for q in bank.questions.values() if q.probe]
    per_topic = {topic: sum(q.topic == topic for q in probes) for topic in bank.topics}
    assert set(per_topic.values()) == {2}
    assert all(q.difficulty == 2 and not q.common and q.kind == "knowledge" for q in probes)
    taught = {q.family for q in bank.questions.values() if q.family and not q.probe}
    assert all(q.family in taught for q in probes)  # every probe's point is taught by another variant


@pytest.mark.parametrize(("lang", "opening"), [("zh", "错。"), ("zh", "对，"), ("en", "False. "), ("en", "True: ")])
def test_a_true_false_explanation_that_opens_with_a_bare_verdict_is_a_problem_at_its_line(lang, opening):
    """Under "答对了！" an explanation "错。…" reads as a contradiction: it must say the statement is wrong."""
    truefalse = good().replace("type: single", "type: truefalse", 1).replace("answer: B", "answer: false", 1).replace(
        "A.zh: 照对方说的做\nA.en: Do as they say\nB.zh: 挂断并核实\nB.en: Hang up and check\n"
        "C.zh: 先转一小笔试试\nC.en: Send a small amount first\n", "", 1)
    assert problems(truefalse) == []
    explain = {"zh": "explain.zh: 因为这是诈骗。", "en": "explain.en: Because it is a scam."}[lang]
    bare = truefalse.replace(explain, explain.replace(": ", f": {opening}", 1), 1)
    found = problems(bare)
    assert len(found) == 1 and found[0].startswith(f"t.txt:{line_of(bare, explain.replace(': ', f': {opening}', 1))}:")
    assert f"explain.{lang} opens with" in found[0] and "contradiction" in found[0]
    said = {"zh": "这句话是错的。", "en": "The statement is false. "}[lang]
    assert problems(truefalse.replace(explain, explain.replace(": ", f": {said}", 1), 1)) == []
    # A single-choice explanation may start with 对 (对方…) or anything else.
    assert problems(good().replace("explain.zh: 因为", "explain.zh: 错。因为", 1)) == []


def test_ascii_quotes_in_a_chinese_text_are_a_problem_at_its_line_with_the_fix(tmp_path):
    """Chinese text takes “…”: the checker names the file, line, item, field and the quoted words, and
    shows them as they should be."""
    stem = next(line for line in good().splitlines() if line.startswith("stem.zh: alpha第1题"))
    quoted = stem.replace("：你应该？", '，对方说要转到"安全账户"：你应该？')
    found = write(tmp_path, good().replace(stem, quoted, 1))
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'alpha.txt'}:{line_of(good(), stem)}: question alpha-001: stem.zh ")
    assert "'说要转到\"安全账户\"：你应该' should be '说要转到“安全账户”：你应该'" in found[0]
    # The same words in Chinese quotes pass.
    assert write(tmp_path, good().replace(stem, quoted.replace('"安全账户"', "“安全账户”"), 1)) == []


@pytest.mark.parametrize(("line", "field"), [
    (f"lesson.zh: 记住“三不一多\"：{LESSON_ZH}", "topic header: lesson.zh"),
    ("flag.zh: 对方催你快点办,别多想", "topic header: flag.zh"),
    ("remember.zh: 先核实;再转钱。", "topic header: remember.zh"),
    ("A.zh: 照对方说的做!", "question alpha-001: A.zh"),
    ("explain.zh: 因为这是诈骗(不是中奖)。", "question alpha-001: explain.zh"),
    ("rule.zh: 要你先转钱? 先核实。", "question alpha-001: rule.zh"),
])
def test_half_width_punctuation_against_chinese_is_a_problem_in_every_chinese_field(tmp_path, line, field):
    key = line.split(":", 1)[0]
    original = next(row for row in good().splitlines() if row.startswith(f"{key}: "))
    text = good().replace(original, line, 1)
    found = write(tmp_path, text)
    assert [p for p in found if "ASCII punctuation" in p] == found and len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'alpha.txt'}:{line_of(text, line)}: {field} has ASCII punctuation")


def test_ascii_stays_right_in_links_and_numbers_and_a_scene_line_is_checked_after_its_speaker(tmp_path):
    assert half_width("点击 http://a.example/b?c=1,2 领取1,500.00元，利率3.5%，QQ/微信号") == []
    assert half_width("领取:1,500元") == [("领取:1,50", "领取：1,50")]
    assert half_width('说“三不一多"和"安全账户"') == [('三不一多"和"安全账户"', "三不一多”和“安全账户”")]
    scene = ("scene: sms\nscene.zh: them: 点击 http://a.example/b?c=1,2 领取:1,500.00元\n"
             'scene.en: them: Tap http://a.example/b?c=1,2 to claim "1,500.00" (now!)\n')
    text = good().replace("stem.zh: alpha第1题", scene + "stem.zh: alpha第1题", 1)
    found = write(tmp_path, text)
    line = "scene.zh: them: 点击 http://a.example/b?c=1,2 领取:1,500.00元"
    assert found == [f"{tmp_path / 'alpha.txt'}:{line_of(text, line)}: question alpha-001: scene.zh has ASCII "
                     "punctuation in Chinese text: '2 领取:1,50' should be '2 领取：1,50'; Chinese text "
                     "takes “…” and ，；：？！（）"]
    # The file's own checks (parse_file, which an alert draft is checked by too) leave punctuation to read_bank.
    assert parse_file("t.txt", text, Bank()).problems == []
