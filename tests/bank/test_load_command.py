"""`quizapp bank load` as an operator runs it: it prints what it would do per topic first, and
refuses to retire whole topics or much of the bank without being told to (on the test database);
`quizapp demo`, which loads the bank without asking, refuses those loads outright, before seeding."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp import cli
from quizapp.extensions import db
from quizapp.models import Question, Topic
from tests.factories import bank_text

ROOT = Path(__file__).resolve().parents[2]
REAL_BANK = ROOT / "question_bank"


def in_rotation(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Topic.slug, func.count(Question.id)).join(Question)
                                       .where(Question.active.is_(True)).group_by(Topic.slug)).all())


def write_bank(folder: Path, per_topic: dict[str, int]) -> Path:
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for topic, number in per_topic.items():
        (folder / f"{topic}.txt").write_text(bank_text(topic, number), encoding="utf-8")
    return folder


def test_a_folder_with_one_topic_retires_nothing_without_both_flags(app, runner, tmp_path):
    """The audit's case: the real bank loaded, then a folder holding kuaidi.txt and sources/ only."""
    loaded = runner.invoke(args=["bank", "load", str(REAL_BANK)])
    assert loaded.exit_code == 0, loaded.output
    full = in_rotation(app)
    assert len(full) == 21 and full["kuaidi"] == 20 and sum(full.values()) == 485
    part = tmp_path / "part"
    part.mkdir()
    shutil.copy(REAL_BANK / "kuaidi.txt", part)
    shutil.copytree(REAL_BANK / "sources", part / "sources")
    assert runner.invoke(args=["bank", "check", str(part)]).exit_code == 0  # a valid bank, only a small one

    refused = runner.invoke(args=["bank", "load", str(part)])
    assert refused.exit_code == 1
    table = refused.stdout.splitlines()
    assert [line.split()[:6] for line in table if line.split()[:1] in (["kuaidi"], ["kefu"], ["all"])] == [
        ["kefu", "0", "0", "0", "0", "30"], ["kuaidi", "0", "0", "20", "0", "0"], ["all", "0", "0", "20", "0", "465"]]
    assert sum("WHOLE TOPIC LEAVES THE ROTATION" in line for line in table) == 20
    assert "refused: 20 whole topics would leave the rotation" in refused.stderr
    assert "kefu (30)" in refused.stderr and "--retire-topics" in refused.stderr
    assert "retire 465 of the 485 questions in rotation (96%)" in refused.stderr and "--yes" in refused.stderr
    assert refused.stderr.rstrip().endswith("nothing loaded")
    assert in_rotation(app) == full

    dry = runner.invoke(args=["bank", "load", str(part), "--dry-run", "--retire-topics", "--yes"])
    assert dry.exit_code == 0, dry.output
    assert "would load" in dry.stdout and dry.stdout.rstrip().endswith("dry run: nothing written")
    assert "refused" not in dry.stdout and "loaded:" not in dry.stdout
    assert in_rotation(app) == full

    topics_only = runner.invoke(args=["bank", "load", str(part), "--retire-topics"])
    assert topics_only.exit_code == 1 and "whole topic" not in topics_only.stderr
    assert "retire 465 of the 485" in topics_only.stderr and in_rotation(app) == full

    meant = runner.invoke(args=["bank", "load", str(part), "--retire-topics", "--yes"])
    assert meant.exit_code == 0, meant.output
    assert "loaded: 0 new, 0 new versions, 20 unchanged, 465 retired" in meant.stdout
    assert in_rotation(app) == {"kuaidi": 20}

    # The whole bank again: every question back, with no flag (nothing is retired).
    again = runner.invoke(args=["bank", "load", str(REAL_BANK)])
    assert again.exit_code == 0, again.output
    assert [line.split()[:6] for line in again.stdout.splitlines() if line.split()[:1] == ["all"]] == [
        ["all", "0", "0", "20", "465", "0"]]
    assert in_rotation(app) == full


def test_a_dry_run_says_what_would_be_refused_and_writes_nothing(app, runner, tmp_path):
    bank = write_bank(tmp_path / "bank", {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6})
    assert runner.invoke(args=["bank", "load", str(bank)]).exit_code == 0
    write_bank(bank, {"alpha": 8, "beta": 6, "gamma": 6})
    dry = runner.invoke(args=["bank", "load", str(bank), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "without --dry-run this would be refused: 1 whole topic would leave the rotation" in dry.stdout
    assert "delta (Topic delta, 6 questions)" in dry.stdout
    assert "without --dry-run this would be refused: this would retire 6 of the 24 questions" in dry.stdout
    assert in_rotation(app) == {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6}
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 24  # alpha-007 and -008 not added either


def test_an_edit_that_retires_a_question_or_two_needs_no_flag(app, runner, tmp_path):
    bank = write_bank(tmp_path / "bank", {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6})
    assert runner.invoke(args=["bank", "load", str(bank)]).exit_code == 0
    write_bank(bank, {"alpha": 5, "beta": 5, "gamma": 6, "delta": 8})
    result = runner.invoke(args=["bank", "load", str(bank)])
    assert result.exit_code == 0, result.output
    assert "loaded: 2 new, 0 new versions, 22 unchanged, 2 retired" in result.stdout
    assert in_rotation(app) == {"alpha": 5, "beta": 5, "gamma": 6, "delta": 8}


def test_retiring_over_a_tenth_asks_on_a_terminal_and_is_refused_without_one(app, runner, tmp_path, monkeypatch):
    bank = write_bank(tmp_path / "bank", {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6})
    assert runner.invoke(args=["bank", "load", str(bank)]).exit_code == 0
    write_bank(bank, {"alpha": 5, "beta": 5, "gamma": 5, "delta": 6})  # 3 of 24, no whole topic
    before = in_rotation(app)
    piped = runner.invoke(args=["bank", "load", str(bank)])  # cron, a script: no terminal to ask on
    assert piped.exit_code == 1
    assert ("refused: this would retire 3 of the 24 questions in rotation (12%), more than 10%; if that is meant, "
            "run again with --yes") in piped.stderr
    assert in_rotation(app) == before

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    declined = runner.invoke(args=["bank", "load", str(bank)], input="n\n")
    assert declined.exit_code == 1 and "Retire 3 of the 24 questions in rotation (12%)? [y/N]" in declined.stderr
    assert "nothing loaded" in declined.stderr and in_rotation(app) == before
    accepted = runner.invoke(args=["bank", "load", str(bank)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "3 retired" in accepted.stdout and in_rotation(app) == {"alpha": 5, "beta": 5, "gamma": 5, "delta": 6}


@pytest.mark.parametrize("flags", [[], ["--yes"]])
def test_a_whole_topic_goes_only_with_retire_topics(app, runner, tmp_path, flags):
    """--yes answers the question about how many; it does not stand for --retire-topics."""
    bank = write_bank(tmp_path / "bank", {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6})
    assert runner.invoke(args=["bank", "load", str(bank)]).exit_code == 0
    write_bank(bank, {"alpha": 6, "beta": 6, "gamma": 6})
    refused = runner.invoke(args=["bank", "load", str(bank), *flags])
    assert refused.exit_code == 1 and "1 whole topic would leave the rotation" in refused.stderr
    assert in_rotation(app)["delta"] == 6
    retired = runner.invoke(args=["bank", "load", str(bank), "--retire-topics", "--yes"])
    assert retired.exit_code == 0 and "6 retired" in retired.stdout and "delta" not in in_rotation(app)


@pytest.fixture
def demo_bank(app, runner, tmp_path, monkeypatch):
    """`quizapp demo` reads the bank at QUIZAPP_BANK_PATH: a folder of 4 topics × 6, loaded already
    (no demo city seeded: the database is otherwise empty)."""
    bank = write_bank(tmp_path / "bank", {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6})
    assert runner.invoke(args=["bank", "load", str(bank)]).exit_code == 0
    monkeypatch.setitem(app.config, "QUIZAPP_BANK_PATH", str(bank))
    monkeypatch.setenv("QUIZAPP_SECURE_COOKIES", "0")  # the demo sets it when unset
    return bank


def demo_seeded(app) -> bool:
    from quizapp.demo import service as demo_service

    with app.app_context():
        return demo_service.is_seeded()


def test_the_demo_refuses_a_bank_that_would_retire_a_whole_topic_before_seeding(app, runner, demo_bank):
    write_bank(demo_bank, {"alpha": 6, "beta": 6, "gamma": 6})  # delta's file gone: 6 of 24 would retire
    refused = runner.invoke(args=["demo", "--no-serve", "--json"])
    assert refused.exit_code == 1, refused.output
    assert "refused to load the question bank at" in refused.stderr
    assert "1 whole topic would leave the rotation" in refused.stderr
    assert "delta (Topic delta, 6 questions)" in refused.stderr
    assert "this would retire 6 of the 24 questions in rotation (25%), more than 10%" in refused.stderr
    assert f"quizapp bank load {demo_bank} --retire-topics --yes" in refused.stderr
    assert refused.stdout == ""  # --json: nothing on stdout but the JSON, and there is none
    assert in_rotation(app) == {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6}
    assert not demo_seeded(app)


def test_the_demo_refuses_a_bank_that_would_retire_over_a_tenth(app, runner, demo_bank):
    write_bank(demo_bank, {"alpha": 5, "beta": 5, "gamma": 5, "delta": 6})  # 3 of 24, no whole topic
    refused = runner.invoke(args=["demo", "--no-serve"])
    assert refused.exit_code == 1, refused.output
    assert "this would retire 3 of the 24 questions in rotation (12%), more than 10%" in refused.stderr
    assert "whole topic" not in refused.stderr
    assert f"quizapp bank load {demo_bank} --yes" in refused.stderr and "--retire-topics" not in refused.stderr
    assert in_rotation(app) == {"alpha": 6, "beta": 6, "gamma": 6, "delta": 6}
    assert not demo_seeded(app)


def test_the_demo_loads_an_edit_that_retires_a_question_as_before(app, runner, demo_bank, monkeypatch):
    """The guard lets an ordinary load through (seeding itself is tests/demo's: stood in for here)."""
    from quizapp.demo import service as demo_service

    monkeypatch.setattr(demo_service, "is_seeded", lambda: True)
    monkeypatch.setattr(demo_service, "entry_info", lambda base_url: {"base_url": base_url})
    write_bank(demo_bank, {"alpha": 5, "beta": 6, "gamma": 6, "delta": 8})  # 1 of 24 retired, 2 added
    result = runner.invoke(args=["demo", "--no-serve", "--json"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == '{\n  "base_url": "http://127.0.0.1:8000"\n}'
    assert in_rotation(app) == {"alpha": 5, "beta": 6, "gamma": 6, "delta": 8}
