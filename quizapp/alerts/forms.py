"""Forms of the 本周警情 pages: the draft (title, fraud type, scene, lesson, up to three questions,
grids, expiry), and the publish button (withdrawing takes a confirmation, quizapp/deleting.py). The
text is checked by alerts.rules (the bank's own rules), not here: the form only reads what was typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, not in its stubs
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.alerts import rules
from quizapp.bank.rules.checker import SCENES
from quizapp.validators import Form

SCENE_LABELS = {"sms": _l("SMS"), "wechat": _l("WeChat chat"), "call": _l("Phone call"),
                "payment": _l("Payment screen")}
TYPE_LABELS = {"single": _l("One right answer"), "multiple": _l("One or more right answers"),
               "truefalse": _l("True or false")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AlertForm(Form):
    """The draft. Question n's fields are q<n>_type, q<n>_stem_zh/_en, q<n>_a_zh … q<n>_d_en,
    q<n>_answer, q<n>_explain_zh/_en and q<n>_rule_zh/_en (added below the class)."""

    title = StringField(_l("Title"), description=_l("What the scam is, in a few words: “Fake factory subsidy SMS”."))
    topic = SelectField(_l("Fraud type"), coerce=int, choices=[], validate_choice=False)
    chinese_only = BooleanField(_l("Chinese only (no English text: English readers see the Chinese)"))
    scene_kind = SelectField(_l("How workers meet it"), choices=[SelectChoice(k, SCENE_LABELS[k]) for k in SCENES],
                             validate_choice=False)  # the bank's rules say which scenes there are
    scene_title_zh = StringField(_l("Sender, chat or caller (Chinese)"))
    scene_title_en = StringField(_l("Sender, chat or caller (English)"))
    scene_zh = TextAreaField(_l("What they see (Chinese), one message per line"),
                             description=_l("Start each line with them:, me: or note: (narration, a payment "
                                            "screen's line). Numbers masked like 138****0000, links only on "
                                            ".example, .invalid or .test."))
    scene_en = TextAreaField(_l("What they see (English), the same lines"))
    lesson_zh = TextAreaField(_l("Lesson (Chinese, 150-300 characters)"),
                              description=_l("Read out at the pre-shift talk and shown on the result page."))
    lesson_en = TextAreaField(_l("Lesson (English)"))
    grids = MultiCheckboxField(_l("Grids it is for"), coerce=int, choices=[], validate_choice=False)
    expires_on = DateField(_l("Last day in the quiz"), description=_l("Two weeks unless you choose otherwise."))

    def questions(self) -> list[rules.DraftQuestion]:
        """The questions filled in (a question whose stem and options are all blank is left out)."""
        found = []
        for n in range(1, rules.MAX_QUESTIONS + 1):
            def text(name: str, n: int = n) -> str:
                return (self[f"q{n}_{name}"].data or "").strip()

            options = [{"zh": text(f"{c}_zh"), "en": text(f"{c}_en")} for c in rules.OPTION_LETTERS.lower()]
            while options and not any(options[-1].values()):
                options.pop()
            kind = self[f"q{n}_type"].data or "single"
            if not text("stem_zh") and not text("stem_en") and not options:
                continue
            found.append(rules.DraftQuestion(
                type=kind, stem={"zh": text("stem_zh"), "en": text("stem_en")},
                options=[] if kind == "truefalse" else options, answer=rules.normal_answer(text("answer")),
                explain={"zh": text("explain_zh"), "en": text("explain_en")},
                rule={"zh": text("rule_zh"), "en": text("rule_en")}))
        return found

    def draft(self) -> rules.Draft:
        chinese_only = bool(self.chinese_only.data)

        def english(value: str | None) -> str:
            return "" if chinese_only else (value or "")

        questions = self.questions()
        if chinese_only:
            questions = [rules.DraftQuestion(
                type=q.type, stem={"zh": q.stem["zh"], "en": ""},
                options=[{"zh": o["zh"], "en": ""} for o in q.options], answer=q.answer,
                explain={"zh": q.explain["zh"], "en": ""}, rule={"zh": q.rule["zh"], "en": ""}) for q in questions]
        return rules.Draft(
            title=(self.title.data or "").strip(), chinese_only=chinese_only,
            scene_kind=self.scene_kind.data or "",
            scene_title={"zh": (self.scene_title_zh.data or "").strip(),
                         "en": english(self.scene_title_en.data).strip()},
            scene_lines={"zh": rules.lines_of(self.scene_zh.data or ""),
                         "en": rules.lines_of(english(self.scene_en.data))},
            lesson={"zh": self.lesson_zh.data or "", "en": english(self.lesson_en.data)}, questions=questions)

    def fill(self, draft: rules.Draft) -> None:
        """The form showing a saved draft."""
        self.title.data, self.chinese_only.data = draft.title, draft.chinese_only
        self.scene_kind.data = draft.scene_kind
        self.scene_title_zh.data = draft.scene_title.get("zh", "")
        self.scene_title_en.data = draft.scene_title.get("en", "")
        self.scene_zh.data = "\n".join(draft.scene_lines.get("zh", []))
        self.scene_en.data = "\n".join(draft.scene_lines.get("en", []))
        self.lesson_zh.data, self.lesson_en.data = draft.lesson.get("zh", ""), draft.lesson.get("en", "")
        for n, question in enumerate(draft.questions, start=1):
            self[f"q{n}_type"].data = question.type
            for name in ("stem", "explain", "rule"):
                for lang in ("zh", "en"):
                    self[f"q{n}_{name}_{lang}"].data = getattr(question, name).get(lang, "")
            for letter, option in zip(rules.OPTION_LETTERS.lower(), question.options, strict=False):
                self[f"q{n}_{letter}_zh"].data = option.get("zh", "")
                self[f"q{n}_{letter}_en"].data = option.get("en", "")
            self[f"q{n}_answer"].data = question.answer


def _question_fields(n: int) -> dict:
    fields = {
        f"q{n}_type": SelectField(_l("Kind of question"), validate_choice=False,
                                  choices=[SelectChoice(k, label) for k, label in TYPE_LABELS.items()]),
        f"q{n}_stem_zh": TextAreaField(_l("Question (Chinese)")),
        f"q{n}_stem_en": TextAreaField(_l("Question (English)")),
    }
    for letter in rules.OPTION_LETTERS:
        fields[f"q{n}_{letter.lower()}_zh"] = StringField(_l("Option %(letter)s (Chinese)", letter=letter))
        fields[f"q{n}_{letter.lower()}_en"] = StringField(_l("Option %(letter)s (English)", letter=letter))
    fields[f"q{n}_answer"] = StringField(_l("Right answer"),
                                         description=_l("A letter (B), letters for one or more (A,C), or "
                                                        "true / false."))
    fields[f"q{n}_explain_zh"] = TextAreaField(_l("Why (Chinese)"))
    fields[f"q{n}_explain_en"] = TextAreaField(_l("Why (English)"))
    fields[f"q{n}_rule_zh"] = StringField(_l("Rule to remember (Chinese)"))
    fields[f"q{n}_rule_en"] = StringField(_l("Rule to remember (English)"))
    return fields


for _n in range(1, rules.MAX_QUESTIONS + 1):
    for _name, _field in _question_fields(_n).items():
        setattr(AlertForm, _name, _field)


class ActionForm(Form):
    """Publish or withdraw: a button and its CSRF token."""
