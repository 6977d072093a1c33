"""Loading the bank: idempotent, versioned, retiring instead of deleting."""

import pytest
from sqlalchemy import func, select

from quizapp.bank.rules.checker import Bank, parse_file
from quizapp.bank.service import load_bank
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
