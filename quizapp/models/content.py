"""The curriculum in the database: topics, questions and their immutable versions.

A question's worker-visible content lives in QuestionVersion and is never edited: answers point at
the version the worker saw. Questions are retired, never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import QuestionKind


class Topic(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    lesson_zh: Mapped[str] = mapped_column(Text)
    lesson_en: Mapped[str] = mapped_column(Text)
    # The lesson card (bank/rules/checker.py: icon, red flags, the rule to remember), or None.
    card: Mapped[dict | None] = mapped_column(JSON)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def lesson(self, lang: str) -> str:
        return self.lesson_en if lang == "en" else self.lesson_zh

    def flags(self, lang: str) -> list[str]:
        return list((self.card or {}).get("flags", {}).get(lang, []))

    def remember(self, lang: str) -> str | None:
        return (self.card or {}).get("remember", {}).get(lang)

    def icon(self) -> str | None:
        return (self.card or {}).get("icon")


class Question(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    difficulty: Mapped[int] = mapped_column(default=1)
    common: Mapped[bool] = mapped_column(default=False)
    # A probe item measures learning before and after (docs/selection.md): never taught, never common.
    probe: Mapped[bool] = mapped_column(default=False, server_default=false())
    kind: Mapped[QuestionKind] = mapped_column(vocabulary(QuestionKind, "kind", 10), default=QuestionKind.KNOWLEDGE)
    family: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(default=True)
    # A question written for a 本周警情 alert (quizapp/alerts): never active, so never in rotation.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, name="fk_question_current_version")
    )

    topic: Mapped[Topic] = relationship()
    current_version: Mapped[QuestionVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)


class QuestionVersion(Model):
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    # {"type", "stem", "options", "answer", "explain", "rule", "scene", "scene_title", "scene_lines"}
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    question: Mapped[Question] = relationship(foreign_keys=[question_id])
