"""A draft alert that passes the bank's rules, as the drafting form posts it and as alerts.rules
reads it, for the alerts tests (and the access walk, the privacy scan and the demo's tests)."""

from __future__ import annotations

from quizapp.alerts import rules

LESSON_ZH = ("近期我镇多家工厂出现冒充人社局发送“工厂补贴”短信的诈骗：短信称可领取稳岗补贴或技能补贴，"
             "附带链接，点开后要求填写身份证号、银行卡号和验证码，随后卡里的钱被转走。"
             "人社部门发补贴不会用短信链接让你填银行卡和验证码。收到这类短信不要点链接，直接删除；"
             "想确认补贴，拨打12333或到人社窗口当面问。已经填了信息的，马上打电话给银行冻结卡，并拨打110报警。")
LESSON_EN = ("Fake 'factory subsidy' text messages are reaching workers in our town. They say a job-keeping or skills "
             "subsidy is waiting and give a link that asks for your ID number, bank card and the code the bank sends. "
             "Then the money leaves your card. The labour bureau never pays a subsidy through a text link. Delete it; "
             "to check a subsidy call 12333. If you filled it in, call your bank to freeze the card and call 110.")

FORM = {
    "title": "冒充人社局“工厂补贴”短信",
    "scene_kind": "sms",
    "scene_title_zh": "106****0000",
    "scene_title_en": "106****0000",
    "scene_zh": "them: 【人社局】您有一笔稳岗补贴2000元待领取，请点击 http://butie.example 填写银行卡领取",
    "scene_en": "them: [Labour Bureau] A job-keeping subsidy of 2,000 yuan awaits you: tap http://butie.example "
                "and enter your bank card",
    "lesson_zh": LESSON_ZH,
    "lesson_en": LESSON_EN,
    "expires_on": "",  # filled by the test: the town's today + 14
    "q1_type": "single",
    "q1_stem_zh": "收到这条短信，你应该怎么做？",
    "q1_stem_en": "You get this text. What do you do?",
    "q1_a_zh": "点开链接看看补贴有多少钱",
    "q1_a_en": "Tap the link to see how much it is",
    "q1_b_zh": "删掉短信，想确认就打12333",
    "q1_b_en": "Delete it; call 12333 to check",
    "q1_c_zh": "转给工友，大家一起去领",
    "q1_c_en": "Forward it so workmates claim too",
    "q1_answer": "B",
    "q1_explain_zh": "人社部门发补贴不会用短信链接让你填银行卡和验证码。",
    "q1_explain_en": "The labour bureau never pays a subsidy through a text link asking for your card.",
    "q1_rule_zh": "补贴短信带链接，不点不填。",
    "q1_rule_en": "A subsidy text with a link: do not tap, do not fill in.",
    "q2_type": "truefalse",
    "q2_stem_zh": "人社局会发短信链接，让你填银行卡号和验证码领补贴。",
    "q2_stem_en": "The labour bureau sends a text link asking for your card number and code to pay a subsidy.",
    "q2_answer": "false",
    "q2_explain_zh": "真补贴不需要你在链接里填验证码。",
    "q2_explain_en": "A real subsidy never needs the bank's code typed into a link.",
    "q2_rule_zh": "要验证码的补贴链接是骗局。",
    "q2_rule_en": "A subsidy link that wants your code is a scam.",
}


def form(expires_on: str, grids: list[int], topic: int, **changes: str) -> dict:
    data = {**FORM, "expires_on": expires_on, "topic": str(topic), **changes}
    data["grids"] = [str(g) for g in grids]
    return data


def draft(**changes) -> rules.Draft:
    """The same draft as alerts.rules reads it."""
    questions = [
        rules.DraftQuestion("single", {"zh": FORM["q1_stem_zh"], "en": FORM["q1_stem_en"]},
                            [{"zh": FORM[f"q1_{c}_zh"], "en": FORM[f"q1_{c}_en"]} for c in "abc"], "B",
                            {"zh": FORM["q1_explain_zh"], "en": FORM["q1_explain_en"]},
                            {"zh": FORM["q1_rule_zh"], "en": FORM["q1_rule_en"]}),
        rules.DraftQuestion("truefalse", {"zh": FORM["q2_stem_zh"], "en": FORM["q2_stem_en"]}, [], "false",
                            {"zh": FORM["q2_explain_zh"], "en": FORM["q2_explain_en"]},
                            {"zh": FORM["q2_rule_zh"], "en": FORM["q2_rule_en"]}),
    ]
    values = dict(title=FORM["title"], chinese_only=False, scene_kind="sms",
                  scene_title={"zh": FORM["scene_title_zh"], "en": FORM["scene_title_en"]},
                  scene_lines={"zh": [FORM["scene_zh"]], "en": [FORM["scene_en"]]},
                  lesson={"zh": LESSON_ZH, "en": LESSON_EN}, questions=questions)
    values.update(changes)
    return rules.Draft(**values)


def published(grid_code: str = "g1", days: int = 3):
    """The admin drafts and publishes this draft for one grid of the test town, live for `days`
    more days (committed): the alert a worker of that grid meets in the next quiz."""
    from datetime import timedelta

    from sqlalchemy import select

    from quizapp.alerts import service
    from quizapp.clock import local_today, utcnow
    from quizapp.extensions import db
    from quizapp.models import Grid, StaffUser, Topic

    admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
    grid = db.session.scalar(select(Grid.id).where(Grid.code == grid_code))
    target = service.Target(db.session.scalar(select(Topic.id)), [grid], local_today() + timedelta(days=days))
    alert = service.publish(admin, service.save_draft(admin, draft(), target, local_today(), utcnow()), local_today())
    db.session.commit()
    return alert
