"""Every user-facing string in code and templates has a Simplified Chinese translation, and the
compiled catalog the app loads matches the reviewed .po file."""

from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "quizapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
METHODS = [("quizapp/**.py", "python"), ("quizapp/**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_in_the_code_has_a_chinese_translation():
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(source_messages() - set(translated))
    assert not missing, f"not in the zh_Hans_CN catalog (run pybabel extract/update): {missing}"
    empty = [m.id for m in translated.values() if not (m.string if isinstance(m.string, str) else m.string[0])]
    assert not empty, f"untranslated: {empty}"
    assert not [m.id for m in translated.values() if m.fuzzy], "fuzzy translations left"


def test_the_compiled_catalog_matches_the_po_file():
    def flat(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    with open(CATALOG / "messages.po", "rb") as handle:
        po = {flat(m.id): flat(m.string) for m in read_po(handle) if m.id}
    with open(CATALOG / "messages.mo", "rb") as handle:
        mo = {flat(m.id): flat(m.string) for m in read_mo(BytesIO(handle.read())) if m.id}
    assert po == mo, "messages.mo is stale: run pybabel compile -d quizapp/translations"


def test_templates_translate_in_the_request_s_language_and_under_force_locale(app):
    """Templates' _() (quizapp/web.py) reads Flask-Babel's locale on every call: a digest or e-mail
    rendered in its reader's language (force_locale) in the middle of a request is in that language."""
    from flask_babel import force_locale

    line = app.jinja_env.from_string(
        "{{ _('Next question') }} / {{ ngettext('%(num)s worker', '%(num)s workers', 2) }}")
    said = []
    with app.test_request_context("/", headers={"Cookie": "lang=zh_CN"}):
        said.append(line.render())
        with force_locale("en"):
            said.append(line.render())
        said.append(line.render())
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        said.append(line.render())
    assert said[0] == said[2] and said[1] == said[3] == "Next question / 2 workers"
    assert said[0].startswith("下一题")
