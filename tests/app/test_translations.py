"""Every user-facing string in code and templates has a Simplified Chinese translation, and the
compiled catalog the app loads matches the reviewed .po file."""

import re
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


# Chinese text takes full-width punctuation (，；：（）？！). A half-width , ; : ( ) ? ! beside a Chinese
# character, or only spaces away from one, is a slip: "名单(可选)", "行, 请", "列: 工号". ASCII stays
# where it belongs and is not beside Chinese: placeholders (%(n)s, {name}), URLs, numbers and times
# (1,3,5; 08:00), Latin words (Authorization: Bearer). Text the reader types as it is (them:, a
# shift list) is quoted (“them:”) or uses the full-width form the importer also reads (早班 08:00；夜班 20:00).
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
HALF_WIDTH_BESIDE_CJK = re.compile(rf"{CJK}[ \t]*[,;:()?!]|[,;:()?!][ \t]*{CJK}")
NOT_PROSE = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]|\{[a-z_0-9]+\}|https?://\S+")


def half_width_slips(text: str) -> list[str]:
    """Each half-width punctuation mark beside Chinese in `text`, with a few characters around it."""
    prose = NOT_PROSE.sub("X", text)
    return [prose[max(0, m.start() - 6):m.end() + 6] for m in HALF_WIDTH_BESIDE_CJK.finditer(prose)]


def test_half_width_slips_are_found_and_ascii_where_it_belongs_is_not():
    assert half_width_slips("名单(可选)") and half_width_slips("%(n)s 行, 请重试") and half_width_slips("列: 工号")
    assert half_width_slips("%(name)s, 请重试") and half_width_slips("确定吗?")
    assert not half_width_slips("第 %(row)s 行：%(note)s") and not half_width_slips("如 1,3,5 或 08:00")
    assert not half_width_slips("请求头“Authorization: Bearer”") and not half_width_slips("见 https://a.example/x?y=1")


def test_chinese_translations_use_full_width_punctuation():
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    slips = {}
    for message in catalog:
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        found = [slip for text in strings if message.id for slip in half_width_slips(text or "")]
        if found:
            slips[message.id if isinstance(message.id, str) else message.id[0]] = found
    assert not slips, f"half-width punctuation beside Chinese (use ，；：（）？！): {slips}"
