"""Loading the bank: idempotent, versioned, retiring instead of deleting."""

import pytest
from sqlalchemy import func, select, update

from quizapp.bank.rules.checker import Bank, parse_file
from quizapp.bank.service import load_bank, plan
from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion
from tests.factories import bank_text, small_bank

pytestmark = pytest.mark.usefixtures("ctx")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_loading_twice_changes_nothing(ctx):
    first = load_bank(small_bank())
    db.session.commit()
    second = load_bank(small_bank())
    db.session.commit()
    assert len(first.added) == 24 and first.topics_added == 4
    assert second.added == [] and second.new_versions == [] and second.unchanged == 24
    assert count(Question) == 24 and count(QuestionVersion) == 24


def test_an_edited_question_gets_a_new_version_and_the_old_one_stays(ctx):
    load_bank(small_bank())
    db.session.commit()
    old = db.session.scalar(select(Question).where(Question.slug == "alpha-001")).current_version_id
    bank = Bank()
    for topic in ("alpha", "beta", "gamma", "delta"):
        text = bank_text(topic, 6)
        if topic == "alpha":
            text = text.replace("stem.zh: alpha第1题", "stem.zh: alpha第1题（改）", 1)
        parse_file(f"{topic}.txt", text, bank)
    report = load_bank(bank)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.slug == "alpha-001"))
    assert report.new_versions == ["alpha-001"]
    assert question.current_version_id != old
    assert "（改）" not in db.session.get(QuestionVersion, old).content["stem"]["zh"]
    assert "（改）" in question.current_version.content["stem"]["zh"]
    assert question.current_version.number == 2


def test_a_question_removed_from_the_files_is_retired_not_deleted(ctx):
    load_bank(small_bank())
    db.session.commit()
    report = load_bank(small_bank(topics=("alpha", "beta", "gamma")))
    db.session.commit()
    assert len(report.retired) == 6
    retired = db.session.scalar(select(Question).where(Question.slug == "delta-001"))
    assert retired is not None and not retired.active
    again = load_bank(small_bank())
    assert len(again.revived) == 6


def test_a_probe_item_is_loaded_as_one(ctx):
    bank = Bank()
    for topic in ("alpha", "beta", "gamma", "delta"):
        parse_file(f"{topic}.txt", bank_text(topic, 6).replace(f"=== {topic}-002\n", f"=== {topic}-002\nprobe: yes\n"),
                   bank)
    load_bank(bank)
    db.session.commit()
    assert set(db.session.scalars(select(Question.slug).where(Question.probe.is_(True)))) == {
        "alpha-002", "beta-002", "gamma-002", "delta-002"}


def test_the_plan_says_per_topic_what_loading_does_and_writes_nothing(ctx):
    load_bank(small_bank())
    db.session.commit()
    bank = Bank()
    parse_file("alpha.txt", bank_text("alpha", 5).replace("stem.zh: alpha第1题", "stem.zh: alpha第1题（改）", 1), bank)
    parse_file("beta.txt", bank_text("beta", 7), bank)
    parse_file("gamma.txt", bank_text("gamma", 6), bank)  # delta's file is missing
    versions = count(QuestionVersion)
    the_plan = plan(bank)
    assert count(QuestionVersion) == versions and not db.session.new and not db.session.dirty
    rows = {t.slug: (t.added, t.changed, t.unchanged, t.back, t.retired, t.live_before, t.live_after)
            for t in the_plan.topics}
    assert rows == {"alpha": (0, 1, 4, 0, 1, 6, 5), "beta": (1, 0, 6, 0, 0, 6, 7), "gamma": (0, 0, 6, 0, 0, 6, 6),
                    "delta": (0, 0, 0, 0, 6, 6, 0)}
    assert [t.slug for t in the_plan.topics_leaving] == ["delta"] and the_plan.topics_leaving[0].name == "Topic delta"
    assert the_plan.retired == 7 and the_plan.live_before == 24 and the_plan.retires_many  # 7 of 24
    # The plan is what loading then does.
    report = load_bank(bank)
    db.session.commit()
    assert (len(report.added), len(report.new_versions), report.unchanged, len(report.retired)) == (1, 1, 16, 7)
    # Loading the whole bank again brings the retired questions back.
    back = plan(small_bank())
    assert {t.slug: t.back for t in back.topics} == {"alpha": 1, "beta": 0, "gamma": 0, "delta": 6}
    assert {t.slug: t.retired for t in back.topics} == {"alpha": 0, "beta": 1, "gamma": 0, "delta": 0}
    assert back.topics_leaving == [] and not back.retires_many  # 1 of 25


def test_retiring_more_than_a_tenth_of_the_rotation_counts_as_many(ctx):
    load_bank(small_bank())
    db.session.commit()

    def retiring(per_topic: dict[str, int]) -> bool:
        bank = Bank()
        for topic, number in per_topic.items():
            parse_file(f"{topic}.txt", bank_text(topic, number), bank)
        return plan(bank).retires_many

    assert not retiring({"alpha": 5, "beta": 5, "gamma": 6, "delta": 6})  # 2 of 24
    assert retiring({"alpha": 5, "beta": 5, "gamma": 5, "delta": 6})  # 3 of 24: over 10 %
    # Nothing in rotation (a new database, or all retired): nothing to retire, whatever the files.
    db.session.execute(update(Question).values(active=False))
    assert plan(small_bank(topics=("alpha",))).live_before == 0
    assert not plan(small_bank(topics=("alpha",))).retires_many

