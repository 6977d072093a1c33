"""Answer cues and the stem-blind guesser on small hand-written banks: each figure, target, warning and rule."""

import json

from quizapp.bank.rules import cues
from quizapp.bank.rules.checker import Bank, parse_file
from quizapp.bank.rules.guesser import guess, wording
from quizapp.bank.rules.words import safety_words, text_length
from quizapp.cli import main
from tests.factories import CARD_LINES, LESSON_ZH, _words, line_of

HEADER = ["topic: alpha", "name.zh: 主题", "name.en: Topic", f"lesson.zh: {LESSON_ZH}", "lesson.en: Lesson.",
          *CARD_LINES]
TAIL = ["explain.zh: 因为。", "explain.en: Because.", "rule.zh: 规则。", "rule.en: Rule."]


def single(n: int, options: list[str], key: str = "A", kind: str = "knowledge") -> list[str]:
    lines = [f"=== alpha-{n:03d}", "type: single", "difficulty: 1", f"kind: {kind}",
             f"stem.zh: 第{n}题{_words(str(n))}？", "stem.en: What?"]
    for letter, text in zip("ABCDEF", options, strict=False):
        lines += [f"{letter}.zh: {text}", f"{letter}.en: option {letter}"]
    return [*lines, f"answer: {key}", *TAIL]


def statement(n: int, text: str, answer: str) -> list[str]:
    return [f"=== alpha-{n:03d}", "type: truefalse", "difficulty: 1", f"stem.zh: {text}{_words(str(n))}",
            "stem.en: Statement.", f"answer: {answer}", *TAIL]


def multiple(n: int, options: list[str], key: str) -> list[str]:
    lines = [f"=== alpha-{n:03d}", "type: multiple", "difficulty: 1", f"stem.zh: 第{n}题{_words(str(n))}？",
             "stem.en: Which?"]
    for letter, text in zip("ABCDEF", options, strict=False):
        lines += [f"{letter}.zh: {text}", f"{letter}.en: option {letter}"]
    return [*lines, f"answer: {key}", *TAIL]


def bank_of(*blocks: list[str]) -> Bank:
    text = "\n".join(HEADER + [line for block in blocks for line in block])
    bank = parse_file("alpha.txt", text, Bank())
    assert bank.ok, bank.problems
    return bank


def test_words_and_lengths_are_read_as_a_guesser_reads_them():
    assert safety_words("打96110问问") == ["96110"]  # not 110 as well
    assert safety_words("挂断后打110报警") == ["110", "挂断", "报警"]
    assert safety_words("回拨1100号") == []
    assert text_length("先挂断，再打 110！") == 8


def test_key_longest_share_against_the_chance_of_a_randomly_placed_key():
    bank = bank_of(
        single(1, ["很长很长的正确做法", "短", "短一点"]),  # key strictly longest
        single(2, ["一样长", "一样长", "短"]),  # key tied longest: not strictly, and no option is
        single(3, ["短", "长一些的", "中等"], key="C"),
        single(4, ["长长长长", "短"], kind="behaviour"),  # never scored: not counted
    )
    data = cues.figures(bank.questions.values()).as_dict()
    assert data["single"] == 3 and data["key_longest"] == 1
    assert data["key_longest_share"] == 0.333
    assert data["key_longest_chance"] == round((1 / 3 + 0 + 1 / 3) / 3, 3)


def test_true_share_and_safety_words_per_option():
    bank = bank_of(
        statement(1, "银行不会让你转到安全账户。", "true"),
        statement(2, "对方是警察就可以转账。", "false"),
        statement(3, "中了大奖先交税。", "false"),
        single(4, ["挂断，打110核实", "照做", "转一半"]),
        single(5, ["照做", "回拨短信里的官方客服核实", "不理会"], key="C"),
    )
    data = cues.figures(bank.questions.values()).as_dict()
    assert (data["truefalse"], data["keyed_true"], data["keyed_true_share"]) == (3, 1, 0.333)
    safety = data["safety"]
    assert (safety["keys"], safety["keys_with_safety_word"]) == (2, 1)
    assert (safety["distractors"], safety["distractors_with_safety_word"]) == (4, 1)
    assert (safety["key_rate"], safety["distractor_rate"], safety["ratio"]) == (0.5, 0.25, 0.5)
    assert safety["words"]["核实"] == {"keys": 1, "distractors": 1}
    assert safety["words"]["官方"] == {"keys": 0, "distractors": 1} and "拒绝" not in safety["words"]
    assert safety["lopsided_words"] == []  # no word is used often enough to tell
    assert cues.targets(data) == {"key_longest": "warn", "keyed_true": "warn", "safety_balance": "warn",
                                  "each_safety_word": "pass"}


def test_a_word_far_more_common_in_keys_or_in_wrong_options_is_a_cue_of_its_own():
    # 110 only ever in keys, 核实 only in wrong options: all safety words together look balanced.
    blocks = [single(n, ["打110问问", "回拨核实", "照对方做"]) for n in range(1, 11)]
    data = cues.figures(bank_of(*blocks).questions.values()).as_dict()
    assert data["safety"]["ratio"] == 0.5 and data["safety"]["lopsided_words"] == ["110", "核实"]
    assert cues.targets(data)["each_safety_word"] == "warn"


def test_targets_pass_inside_the_issues_bounds():
    data = {"key_longest_share": 0.35, "keyed_true_share": 0.4,
            "safety": {"ratio": 0.8, "key_rate": 0.3, "lopsided_words": []}}
    assert set(cues.targets(data).values()) == {"pass"}
    data = {"key_longest_share": 0.36, "keyed_true_share": 0.61,
            "safety": {"ratio": 0.79, "key_rate": 0.3, "lopsided_words": ["110"]}}
    assert set(cues.targets(data).values()) == {"warn"}
    too_many = {**data, "safety": {"ratio": 1.3, "key_rate": 0.3, "lopsided_words": []}}
    assert cues.targets(too_many)["safety_balance"] == "warn"  # wrong options stuffed with 核实 are a cue too
    empty = {"key_longest_share": None, "keyed_true_share": None,
             "safety": {"ratio": None, "key_rate": None, "lopsided_words": []}}
    assert set(cues.targets(empty).values()) == {"pass"}


def test_warnings_point_at_items_whose_key_gives_itself_away():
    bank = bank_of(
        single(1, ["打96110问", "照着对方做吧", "先转一半试试"]),  # the only safety word is in the key
        single(2, ["照做吧", "十三个字的很长很长的回答", "九个字的中等的回答"], key="B"),  # 12 vs 9: 1.33x
        single(3, ["挂断回拨官方号码", "打短信里的官方号码核实", "转一半"]),  # safety words in a wrong option too
        multiple(4, ["打110", "拒绝转账", "照做"], key="A,B"),  # only the keys carry safety words
    )
    found = [str(w) for w in cues.item_warnings(bank)]
    line = {q.qid: q.line for q in bank.questions.values()}
    assert found == [
        f"alpha.txt:{line['alpha-001']}: question alpha-001: the key is the only option with a safety word (96110)",
        f"alpha.txt:{line['alpha-002']}: question alpha-002: the key is 12 characters, 1.3x the longest other "
        "option (9)",
        f"alpha.txt:{line['alpha-004']}: question alpha-004: the keys are the only options with a safety word "
        "(110, 拒绝)",
    ]


def test_the_guesser_finds_keys_that_are_the_longest_and_the_safest():
    bank = bank_of(*[single(n, ["照做", "挂断后打110核实", "转一半"], key="B") for n in range(1, 5)],
                   statement(5, "一定要转账。", "false"), statement(6, "可以打96110问。", "true"))
    result = guess(bank.questions.values())
    assert result["single"]["accuracy"] == 1.0 and result["single"]["chance"] == 0.333
    assert result["single"]["status"] == "warn" and result["single"]["points_above_chance"] == 66.7
    assert result["single"]["rules"]["longest"] == 1.0 and result["single"]["rules"]["safety_word"] == 1.0
    assert result["truefalse"]["rules"]["cue_words"] == 1.0 and result["truefalse"]["rules"]["always_false"] == 0.5


def test_the_guesser_stays_at_chance_when_keys_carry_no_cue():
    # Same length, a safety word in every option, no absolutes or hedges: every rule ties, so 1/3 each.
    blocks = [single(n, ["打110问甲", "打110问乙", "打110问丙"], key="ABC"[n % 3]) for n in range(1, 7)]
    blocks += [statement(7, "银行卡借人违法。", "true"), statement(8, "刷单能赚钱。", "false")]
    blocks += [multiple(9, ["打110甲", "打110乙", "打110丙"], key="A,B")]
    result = guess(bank_of(*blocks).questions.values())
    assert result["single"]["accuracy"] == result["single"]["chance"] == 0.333
    assert result["single"]["status"] == "pass" and result["single"]["points_above_chance"] == 0.0
    assert result["truefalse"]["accuracy"] == 0.5 and result["truefalse"]["status"] == "pass"
    assert result["multiple"]["accuracy"] == result["multiple"]["chance"] == round(1 / 7, 3)


def test_the_learned_rule_finds_a_cue_in_a_topic_it_was_not_fitted_on():
    # Every option is as long and as "safe" as the others, so the fixed rules tie at 1/3; but in both
    # topics the key is the one that says 派出所, which the learned rule picks up from the other topic.
    alpha = [single(n, ["去派出所问", "打110问", "回拨核实"], key="A") for n in range(1, 7)]
    alpha += [single(n, ["打110问", "去派出所问", "回拨核实"], key="B") for n in range(7, 13)]
    text = "\n".join(HEADER + [line for block in alpha for line in block])
    bank = parse_file("alpha.txt", text, Bank())
    parse_file("beta.txt", text.replace("alpha", "beta"), bank)
    assert bank.ok, bank.problems
    result = guess(bank.questions.values())["single"]
    assert result["rules"]["combined"] == round(1 / 3, 3)
    assert result["rules"]["learned_leave_one_topic_out"] == 1.0
    assert result["best_rule"] == "learned_leave_one_topic_out"
    assert result["telling_cues"][0] == {"cue": "word:派出所", "in_keys": 1.0, "in_others": 0.0}
    # With one topic there is nothing to hold out: the learned rule is not reported.
    assert "learned_leave_one_topic_out" not in guess(bank_of(*alpha).questions.values())["single"]["rules"]


def test_the_wording_model_finds_words_the_keys_share_across_topics():
    # No named cue: same length, no safety word, absolute or hedge. But every key says 自己 and every
    # wrong option says 先 or 再, in both topics.
    alpha = [single(n, ["自己去问问", "先按他说的", "再等等看吧"], key="A") for n in range(1, 7)]
    alpha += [single(n, ["先按他说的", "自己去问问", "再等等看吧"], key="B") for n in range(7, 13)]
    alpha += [statement(13, "这是骗局。", "true"), statement(14, "这样就可以。", "false")]
    text = "\n".join(HEADER + [line for block in alpha for line in block])
    bank = parse_file("alpha.txt", text, Bank())
    parse_file("beta.txt", text.replace("alpha", "beta"), bank)
    assert bank.ok, bank.problems
    wording = cues.report(bank)["wording_guesser"]
    assert wording["single"]["accuracy"] == 1.0 and wording["single"]["status"] == "warn"
    assert {"cue": "自己", "in_keys": 1.0, "in_others": 0.0} in wording["single"]["telling_cues"]
    assert wording["truefalse"]["accuracy"] == 1.0 and wording["truefalse"]["chance"] == 0.5
    assert guess(bank.questions.values())["single"]["rules"]["combined"] == round(1 / 3, 3)
    text = "\n".join(cues.render(cues.report(bank)))
    assert "wording model (warn) single: 100% right on 24 items from the options' characters alone" in text
    assert "wording model (warn) truefalse: 100% right on 4 items from the statement's characters alone" in text


def test_report_has_bank_and_topic_figures_and_renders_as_text():
    bank = bank_of(single(1, ["挂断打110", "照做", "转"]), statement(2, "不要转账。", "false"))
    data = cues.report(bank)
    assert data["bank"]["targets"]["key_longest"] == "warn" and data["per_topic"]["alpha"]["single"] == 1
    assert set(data["guesser"]) == {"single", "truefalse"}
    assert data["wording_guesser"] == {}  # one topic: nothing to hold out
    text = "\n".join(cues.render(data))
    assert "answer cues (warn) key is the strictly longest option: 1 of 1 single-choice items (100%" in text
    assert "answer cues (warn) true/false keyed true: 0 of 1 (0%; target 40%-60%)" in text
    assert "110 1/0" in text and "stem-blind guesser (warn) single: 100% right on 1 items, chance 33%" in text
    assert "topic alpha:" in text


def test_bank_check_prints_cues_and_warnings_but_exits_zero_on_warnings(runner, tmp_path):
    text = "\n".join(HEADER + single(1, ["挂断后打110核实", "照做", "转一半"]))
    (tmp_path / "alpha.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["bank", "check", str(tmp_path), "--no-require-provenance"])
    assert result.exit_code == 0, result.output
    first = line_of(text, "=== alpha-001")
    assert f"{tmp_path / 'alpha.txt'}:{first}: warning: question alpha-001: the key is the only option" in result.stderr
    assert "answer cues (warn) key is the strictly longest option: 1 of 1" in result.stdout
    assert "ok: 1 questions in 1 topics, 2 warning(s)" in result.stdout

    data = json.loads(runner.invoke(main, ["bank", "check", str(tmp_path), "--json", "--no-require-provenance"]).stdout)
    assert data["warnings"] == 2 and data["problems"] == 0
    assert data["answer_cues"]["bank"]["key_longest"] == 1
    assert data["answer_cues"]["per_topic"]["alpha"]["targets"]["key_longest"] == "warn"
    assert data["answer_cues"]["guesser"]["single"]["accuracy"] == 1.0


def test_bank_check_on_the_real_bank_reports_its_figures(runner):
    result = runner.invoke(main, ["bank", "check", "question_bank", "--json"])
    assert result.exit_code == 0, result.output
    cues_data = json.loads(result.stdout)["answer_cues"]
    assert cues_data["bank"]["single"] + cues_data["bank"]["truefalse"] > 0
    assert set(cues_data["per_topic"]) == set(json.loads(result.stdout)["per_topic"])


def test_bank_wording_lists_each_item_the_wording_model_finds_with_the_words_that_pulled_it(runner, tmp_path):
    alpha = [single(n, ["自己去问问", "先按他说的", "再等等看吧"], key="A") for n in range(1, 4)]
    alpha += [single(4, ["先按他说的", "再等等看吧", "自己去问问"], key="A")]  # keyed the other way: missed
    text = "\n".join(HEADER + [line for block in alpha for line in block])
    (tmp_path / "alpha.txt").write_text(text, encoding="utf-8")
    (tmp_path / "beta.txt").write_text(text.replace("alpha", "beta"), encoding="utf-8")
    result = runner.invoke(main, ["bank", "wording", str(tmp_path), "--topic", "alpha"])
    assert result.exit_code == 0, result.output
    assert "single: the model finds 3 of 4 keys" in result.output
    first = line_of(text, "=== alpha-001")
    found = next(line for line in result.output.splitlines() if f"alpha.txt:{first}:" in line)
    assert "alpha-001 found (margin +" in found
    assert set(found.split("pulled by ")[1].split()) <= wording("自己去问问")  # the key's own words
    assert "alpha-004" not in result.output and "beta.txt" not in result.output
    assert "alpha-004 missed (margin -" in runner.invoke(main, ["bank", "wording", str(tmp_path), "--all"]).output
