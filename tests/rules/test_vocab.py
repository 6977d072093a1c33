"""The vocabularies (quizapp.rules.vocab): members behave as the text the database stores, and text
from a form or a URL is read back as a member or refused."""

from __future__ import annotations

import inspect
import json
from enum import StrEnum

import pytest

from quizapp.rules import vocab
from quizapp.rules.vocab import AttemptKind, CaseStatus, DeliveryKind, Role, parse


def test_every_vocabulary_of_the_module_is_listed_once():
    defined = {obj for _name, obj in inspect.getmembers(vocab, inspect.isclass)
               if issubclass(obj, StrEnum) and obj is not StrEnum}
    assert set(vocab.ALL) == defined and len(vocab.ALL) == len(defined)


@pytest.mark.parametrize("enum", vocab.ALL, ids=lambda e: e.__name__)
def test_a_member_is_its_stored_text_wherever_it_is_written(enum):
    values = [m.value for m in enum]
    assert len(set(values)) == len(values)
    for member in enum:
        # Seeds, URLs, JSON and CSV all write the value, never "Role.TOWN_ADMIN".
        assert member == member.value and str(member) == member.value and f"{member}" == member.value
        assert json.dumps({member: member}) == json.dumps({member.value: member.value})
        assert {member.value: 1}[member] == 1  # a dict keyed by text finds the member, and back
        assert enum(member.value) is member


def test_text_is_read_as_a_member_or_refused():
    assert parse(Role, "town_admin") is Role.TOWN_ADMIN
    assert parse(Role, Role.GRID_OFFICER) is Role.GRID_OFFICER
    assert parse(DeliveryKind, "reminder-test") is DeliveryKind.REMINDER_TEST
    for text in ("", "root", "TOWN_ADMIN", " town_admin", None, 3, ["open"]):
        assert parse(Role, text) is None
    assert parse(CaseStatus, "open") is CaseStatus.OPEN and parse(CaseStatus, "opened") is None


def test_members_of_different_vocabularies_sharing_a_word_stay_apart():
    assert vocab.CaseRule.KNOWLEDGE == vocab.QuestionKind.KNOWLEDGE == "knowledge"  # same stored text
    assert vocab.CaseRule.KNOWLEDGE is not vocab.QuestionKind.KNOWLEDGE
    assert parse(AttemptKind, "knowledge") is None
