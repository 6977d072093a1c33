"""Loading the checked question bank into the database (`quizapp bank load`, the demo, the tests).

Idempotent: loading the same files twice changes nothing. A question whose worker-visible text
changed gets a new immutable version (answers keep pointing at the version the worker saw); a
question no longer in the files is retired from the rotation, never deleted. `plan` says what a
load would do without doing it (rules/load_plan.py): `bank load` prints it and refuses a load that
would retire whole topics or much of the bank unless told to go ahead, and the demo refuses such a
load outright; load_bank itself asks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from quizapp.bank.rules.checker import Bank
from quizapp.bank.rules.load_plan import LoadPlan, Stored, plan_load
from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion, Topic


@dataclass
class LoadReport:
    topics_added: int = 0
    topics_updated: int = 0
    added: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    unchanged: int = 0


def plan(bank: Bank) -> LoadPlan:
    """What load_bank(bank) would do to the questions now in the database, per topic; writes nothing."""
    rows = db.session.execute(
        select(Question.slug, Topic.slug, Question.active, QuestionVersion.content_hash)
        .join(Topic, Topic.id == Question.topic_id)
        .outerjoin(QuestionVersion, QuestionVersion.id == Question.current_version_id))
    names = {slug: name for slug, name in db.session.execute(select(Topic.slug, Topic.name_en))}
    return plan_load([Stored(*row) for row in rows], names, bank)


def load_bank(bank: Bank) -> LoadReport:
    """Bring the database in line with a bank that passed `check` (the caller makes sure)."""
    if bank.problems:
        raise ValueError("refusing to load a bank with problems; run `quizapp bank check` first")
    report = LoadReport()
    topics = {t.slug: t for t in db.session.scalars(select(Topic))}
    for slug, source in bank.topics.items():
        topic = topics.get(slug)
        fields = dict(name_zh=source.name["zh"], name_en=source.name["en"],
                      lesson_zh=source.lesson["zh"], lesson_en=source.lesson["en"], card=source.card)
        if topic is None:
            topics[slug] = Topic(slug=slug, **fields)
            db.session.add(topics[slug])
            report.topics_added += 1
        elif any(getattr(topic, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(topic, k, v)
            report.topics_updated += 1
    db.session.flush()

    existing = {q.slug: q for q in db.session.scalars(select(Question))}
    latest = dict(db.session.execute(
        select(QuestionVersion.question_id, func.max(QuestionVersion.number)).group_by(QuestionVersion.question_id)
    ).all())
    for qid, item in bank.questions.items():
        question = existing.get(qid)
        if question is None:
            question = Question(slug=qid, topic_id=topics[item.topic].id)
            db.session.add(question)
            db.session.flush()
            report.added.append(qid)
        elif not question.active:
            report.revived.append(qid)
        question.topic_id = topics[item.topic].id
        question.difficulty = item.difficulty
        question.common = item.common
        question.probe = item.probe
        question.kind = item.kind
        question.family = item.family
        question.active = True
        digest = item.content_hash()
        current = question.current_version
        if current is not None and current.content_hash == digest:
            report.unchanged += 1
            continue
        version = QuestionVersion(question_id=question.id, number=latest.get(question.id, 0) + 1,
                                  content_hash=digest, content=item.content())
        db.session.add(version)
        db.session.flush()
        question.current_version_id = version.id
        if current is not None:
            report.new_versions.append(qid)

    for slug, question in existing.items():
        if slug not in bank.questions and question.active:
            question.active = False
            report.retired.append(slug)
    db.session.flush()
    return report
