"""What `quizapp bank load` would do to the questions in rotation, worked out before it does it.

Used by quizapp/bank/service.py (plan_load, which reads the database's questions), the `bank load`
command, which prints the plan and refuses what an operator is unlikely to mean (a folder holding
part of the bank would retire the rest, and workers would get the topics left until the full bank
is loaded again), and `quizapp demo`, which loads the bank without asking and so refuses the same
loads outright. Owns the plan's counts, which topics would leave the rotation, how much retiring
needs a yes, what needs a go-ahead (needs_go_ahead) and the plan's printed table.

Pure: the database's questions as plain rows and the checked bank in, the plan out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quizapp.bank.rules.checker import Bank

# Retiring more than this share of the questions now in rotation needs a yes (`bank load --yes`,
# or an answer on a terminal): an edit retires a question or two, a wrong folder most of the bank.
MANY_RETIRED = 0.10


@dataclass(frozen=True)
class Stored:
    """One question as the database holds it now."""

    slug: str
    topic: str  # its topic's slug
    active: bool  # in rotation
    content_hash: str | None  # its current version's (None: no version yet)


@dataclass
class TopicPlan:
    """One topic's questions: what loading does to each (each question counted once)."""

    slug: str
    name: str  # the English name, from the files or else the database
    added: int = 0  # a new id
    back: int = 0  # retired earlier and in the files again: back in rotation
    changed: int = 0  # in rotation, new worker-visible text: a new version
    unchanged: int = 0  # in rotation, the same text
    retired: int = 0  # in rotation and no longer in the files
    live_before: int = 0  # in rotation now
    live_after: int = 0  # in rotation after loading

    @property
    def leaves_rotation(self) -> bool:
        """Every question of the topic now in rotation would leave it (retired, or moved to another topic)."""
        return self.live_before > 0 and self.live_after == 0


@dataclass
class LoadPlan:
    topics: list[TopicPlan] = field(default_factory=list)  # by slug

    def total(self, name: str) -> int:
        return sum(getattr(t, name) for t in self.topics)

    @property
    def live_before(self) -> int:
        return self.total("live_before")

    @property
    def retired(self) -> int:
        return self.total("retired")

    @property
    def topics_leaving(self) -> list[TopicPlan]:
        return [t for t in self.topics if t.leaves_rotation]

    @property
    def retires_many(self) -> bool:
        """More than MANY_RETIRED of the questions now in rotation would be retired."""
        return self.retired > MANY_RETIRED * self.live_before


def plan_load(stored: list[Stored], names: dict[str, str], bank: Bank) -> LoadPlan:
    """What loading `bank` does to the `stored` questions, per topic, as service.load_bank does it.
    `names` are the English names of the topics in the database."""
    topics: dict[str, TopicPlan] = {}

    def topic(slug: str) -> TopicPlan:
        if slug not in topics:
            source = bank.topics.get(slug)
            topics[slug] = TopicPlan(slug, source.name["en"] if source else names.get(slug, slug))
        return topics[slug]

    by_slug = {s.slug: s for s in stored}
    for s in stored:
        if s.active:
            topic(s.topic).live_before += 1
            if s.slug not in bank.questions:
                topic(s.topic).retired += 1
    for qid, item in bank.questions.items():
        plan = topic(item.topic)
        plan.live_after += 1
        now = by_slug.get(qid)
        if now is None:
            plan.added += 1
        elif not now.active:
            plan.back += 1
        elif now.content_hash == item.content_hash():
            plan.unchanged += 1
        else:
            plan.changed += 1
    return LoadPlan(sorted(topics.values(), key=lambda t: t.slug))


# The `bank load` options that say a load is meant (needs_go_ahead).
RETIRE_TOPICS, YES = "--retire-topics", "--yes"


@dataclass(frozen=True)
class GoAhead:
    """Something a load would do that nobody should get by accident, and the `bank load` option
    that says it is meant."""

    option: str  # RETIRE_TOPICS or YES
    what: str  # what loading would do, said for the operator


def needs_go_ahead(plan: LoadPlan) -> list[GoAhead]:
    """What loading needs an operator's go-ahead for, in this order: whole topics leaving the rotation
    (workers would get no question of them until the full bank is loaded again; RETIRE_TOPICS), and
    retiring more than MANY_RETIRED of the questions in rotation (YES, or an answer on a terminal).
    Empty: an ordinary load (the whole bank, or an edit retiring a question or two) goes ahead as is.
    `bank load` refuses or asks what is not given; the demo, which asks nothing, refuses it all."""
    found = []
    leaving = plan.topics_leaving
    if leaving:
        found.append(GoAhead(RETIRE_TOPICS, (
            f"{plural(len(leaving), 'whole topic')} would leave the rotation, and workers would get no question of "
            f"{'it' if len(leaving) == 1 else 'them'} until loaded again: {describe_leaving(plan)}")))
    if plan.retires_many:
        found.append(GoAhead(YES, f"this would retire {retiring(plan)}, more than {MANY_RETIRED:.0%}"))
    return found


def retiring(plan: LoadPlan) -> str:
    """'465 of the 485 questions in rotation (96%)'."""
    return f"{plan.retired} of the {plan.live_before} questions in rotation ({share(plan.retired, plan.live_before)})"


COLUMNS = ("added", "changed", "unchanged", "back", "retired")


def render(plan: LoadPlan) -> list[str]:
    """The plan as a table, one row per topic and a total; a topic that would leave the rotation says so."""
    width = max([len(t.slug) for t in plan.topics] + [len("topic")])
    lines = [f"{'topic':{width}}  " + "  ".join(f"{c:>9}" for c in COLUMNS) + "  in rotation now -> after"]
    for t in plan.topics:
        counts = "  ".join(f"{getattr(t, c):>9}" for c in COLUMNS)
        note = "  WHOLE TOPIC LEAVES THE ROTATION" if t.leaves_rotation else ""
        lines.append(f"{t.slug:{width}}  {counts}  {t.live_before:>7} -> {t.live_after}{note}")
    totals = "  ".join(f"{plan.total(c):>9}" for c in COLUMNS)
    lines.append(f"{'all':{width}}  {totals}  {plan.live_before:>7} -> {plan.total('live_after')}")
    return lines


def describe_leaving(plan: LoadPlan) -> str:
    """The topics that would leave the rotation, named: 'kefu (Fake customer service, 30 questions)'
    for a few, 'kefu (30), zhibo (18), …' for more (the table marks each too)."""
    leaving = plan.topics_leaving
    if len(leaving) <= 3:
        return ", ".join(f"{t.slug} ({t.name}, {plural(t.live_before, 'question')})" for t in leaving)
    return ", ".join(f"{t.slug} ({t.live_before})" for t in leaving)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"
