"""The one definition of each figure that pages define in words (docs/metrics.md): done,
participation, the knowledge index. Written once here in English; quizapp.wording shows them
translated (figure_definition) and the API's description (quizapp.api.openapi, not translated)
in English through `definition_source`. Pure: no Flask, so the API's description can read it."""

from __future__ import annotations


def N_(text: str) -> str:
    """Marks an English source text for extraction (a default pybabel keyword) and returns it as is:
    the definitions below are written once, shown translated through quizapp.wording.figure_definition and in
    English as they are in the API's description (quizapp.api.openapi), which is not translated."""
    return text


# Done and participation (docs/metrics.md, "Done"): finished or its time ran out with an answer
# given (one opened and left with no answer is not done), official only, on workdays, by the
# workers counted that day. One text each; every page, tooltip, XLSX note, the digest and the API
# say these, never "finished official quizzes" (which leaves out a quiz whose time ran out).
# "participation_short" is the same definition for a tooltip or a column header.
DEFINITION_SOURCES = {
    "knowledge": N_("Right first tries ÷ first tries at the town's common daily set (the same questions for every "
                    "company that day; a common question the worker met before is left out). Shown beside "
                    "participation, never blended with it."),
    "done": N_("Done: official quizzes finished, or whose time ran out after at least one answer (the answers "
               "given in time count), on workdays, by the workers on the roster that day. A quiz opened and "
               "left with no answer is not done. Practice never counts."),
    "participation": N_("Participation = done ÷ expected (the workers on the roster, summed over the workdays); "
                        "non-starters count as zero."),
    "participation_short": N_("Official quizzes finished or whose time ran out after at least one answer, on "
                              "workdays, ÷ the workers on the roster that day; practice never counts."),
}


def definition_source(key: str) -> str:
    """A figure's definition in English, for the API's description (participation's with done's,
    as quizapp.wording.figure_definition shows it)."""
    if key == "participation":
        return f"{DEFINITION_SOURCES['participation']} {DEFINITION_SOURCES['done']}"
    return DEFINITION_SOURCES[key]
