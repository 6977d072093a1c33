"""The demo town's 本周警情: one live alert (a fake subsidy SMS, drafted by the officer of 新塘 and
大沙 three days ago, published by the town admin, in the quiz eleven more days) and one expired one
(a loan app's "unfreezing fee", for 连平, in the quiz from 24 to 10 days ago), both through
alerts.service, with the answers of the workers whose quizzes carried them: the first official
quiz of each worker of the targeted grids on or after the publishing day, in the first personal
slot, as the live quiz would have placed it. Used by demo.service.seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, update

from quizapp.alerts import rules, service
from quizapp.extensions import db
from quizapp.models import Alert, Answer, Attempt, Company, Grid, Question, QuestionVersion, StaffUser, Topic
from quizapp.quiz.rules import selection
from quizapp.rules.vocab import AttemptKind

SUBSIDY_LESSON = (
    "近期我镇多家工厂出现冒充人社局发送“工厂补贴”短信的诈骗：短信称可领取稳岗补贴或技能补贴，附带链接，点开后要求"
    "填写身份证号、银行卡号和验证码，随后卡里的钱被转走。人社部门发补贴不会用短信链接让你填银行卡和验证码。收到这类"
    "短信不要点链接，直接删除；想确认补贴，拨打12333或到人社窗口当面问。已经填了信息的，马上打电话给银行冻结卡，并拨打"
    "110报警。")
SUBSIDY = rules.Draft(
    title="冒充人社局“工厂补贴”短信", chinese_only=False, scene_kind="sms",
    scene_title={"zh": "106****0000", "en": "106****0000"},
    scene_lines={"zh": ["them: 【人社局】您有一笔稳岗补贴2000元待领取，请点击 http://butie.example 填写银行卡领取"],
                 "en": ["them: [Labour Bureau] A job-keeping subsidy of 2,000 yuan awaits you: tap "
                        "http://butie.example and enter your bank card"]},
    lesson={"zh": SUBSIDY_LESSON,
            "en": "Fake 'factory subsidy' text messages are reaching workers in our town. They say a subsidy is "
                  "waiting and give a link that asks for your ID number, bank card and the code the bank sends; "
                  "then the money leaves your card. The labour bureau never pays a subsidy through a text link. "
                  "Delete it; to check a subsidy call 12333. If you filled it in, call your bank to freeze the "
                  "card and call 110."},
    questions=[
        rules.DraftQuestion("single",
                            {"zh": "收到这条短信，你应该怎么做？", "en": "You get this text. What do you do?"},
                            [{"zh": "点开链接看看补贴有多少钱", "en": "Tap the link to see how much it is"},
                             {"zh": "删掉短信，想确认就打12333", "en": "Delete it; call 12333 to check"},
                             {"zh": "转给工友，大家一起去领", "en": "Forward it so workmates claim too"}], "B",
                            {"zh": "人社部门发补贴不会用短信链接让你填银行卡和验证码。",
                             "en": "The labour bureau never pays a subsidy through a text link asking for your card."},
                            {"zh": "补贴短信带链接，不点不填。",
                             "en": "A subsidy text with a link: do not tap, do not fill in."}),
        rules.DraftQuestion("truefalse", {"zh": "人社局会发短信链接，让你填银行卡号和验证码领补贴。",
                                          "en": "The labour bureau sends a text link asking for your card number "
                                                "and code to pay a subsidy."}, [], "false",
                            {"zh": "真补贴不需要你在链接里填验证码。",
                             "en": "A real subsidy never needs the bank's code typed into a link."},
                            {"zh": "要验证码的补贴链接是骗局。",
                             "en": "A subsidy link that wants your code is a scam."}),
    ])

LOAN_LESSON = (
    "近期连平村一带多名工人下载了来路不明的贷款App，填完资料后被告知“银行卡号填错、资金被冻结”，对方冒充客服要求先交"
    "解冻金、保证金或刷流水，钱转过去后又找新理由继续要钱，贷款一分没到。正规贷款放款前不会收任何费用，也不会让你把钱"
    "转到“验证账户”。要用钱请到银行或持牌机构当面办理；贷款前要先交钱的，就是诈骗，立即挂断，拨打96110咨询。已经转了"
    "钱的，马上拨打110报警。")
LOAN = rules.Draft(
    title="贷款App要先交“解冻金”", chinese_only=False, scene_kind="call",
    scene_title={"zh": "“速借”客服 400****0000", "en": "'QuickLoan' service 400****0000"},
    scene_lines={"zh": ["them: 您好，您在“速借”App申请的3万元贷款已批，但银行卡号填错，资金被冻结了。",
                        "me: 那怎么办？",
                        "them: 需要先转2000元解冻金到验证账户，解冻后连本金一起退给您。"],
                 "en": ["them: Hello, your 30,000 yuan loan on the QuickLoan app is approved, but the card number "
                        "was wrong and the money is frozen.", "me: What do I do?",
                        "them: Transfer a 2,000 yuan unfreezing fee to a verification account; it comes back with "
                        "the loan."]},
    lesson={"zh": LOAN_LESSON,
            "en": "Workers near Lianping have downloaded unknown loan apps and were then told the card number was "
                  "wrong and the money frozen; a fake service agent asked for an unfreezing fee, a deposit or "
                  "'turnover', then found new reasons to ask again, and no loan ever came. A real loan charges "
                  "nothing before paying out. Any loan that wants money first is a scam: hang up and call 96110; "
                  "if you paid, call 110 now."},
    questions=[
        rules.DraftQuestion("single", {"zh": "客服说你的贷款被冻结，要先交2000元解冻金。你应该？",
                                       "en": "The agent says your loan is frozen and wants a 2,000 yuan fee first. "
                                             "What do you do?"},
                            [{"zh": "先交一半，再让客服核实放款", "en": "Pay half and have the agent check the loan"},
                             {"zh": "不交钱，挂断后打96110问", "en": "Pay nothing; hang up and call 96110"},
                             {"zh": "按要求转账，早点拿到钱", "en": "Transfer as told to get the money sooner"}], "B",
                            {"zh": "正规贷款放款前不收任何费用，要你先交钱的都是诈骗。",
                             "en": "A real loan charges nothing before paying out; any fee first is a scam."},
                            {"zh": "贷款要先交钱，就是诈骗。", "en": "A loan that wants money first is a scam."}),
    ])

# (draft, topic slug, drafting officer's username, grids, published days ago, days in the quiz, share right)
ALERTS = [(LOAN, "daikuan", "officer2", ("lp-1",), 24, 14, 0.62),
          (SUBSIDY, "shebao", "officer", ("xt-2", "ds-3"), 3, 14, 0.74)]


def seed_alerts(today: date, now: datetime, rng: random.Random) -> list[Alert]:
    """The demo's two alerts and their answers; returns them (the expired one first)."""
    admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
    made = []
    for draft, slug, drafter, codes, ago, days, right in ALERTS:
        published_on = today - timedelta(days=ago)
        officer = db.session.scalar(select(StaffUser).where(StaffUser.username == drafter))
        grids = list(db.session.scalars(select(Grid.id).where(Grid.code.in_(codes))))
        topic = db.session.scalar(select(Topic.id).where(Topic.slug == slug))
        if admin is None or officer is None or topic is None:
            continue  # a bank without the topic: no alert (the demo loads the whole bank)
        target = service.Target(topic, grids, published_on + timedelta(days=days))
        alert = service.publish(admin, service.save_draft(officer, draft, target, published_on, now), published_on)
        _answers(alert, grids, min(today, alert.expires_on), right, rng)
        made.append(alert)
    return made


def _answers(alert: Alert, grid_ids: list[int], last: date, right: float, rng: random.Random) -> None:
    """Each targeted worker's first official quiz from the publishing day on carries the alert's
    question for them (rules.variant_for) in its first personal slot."""
    questions = list(db.session.execute(
        select(Question.id, QuestionVersion.id, QuestionVersion.content)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.alert_id == alert.id).order_by(Question.id)))
    firsts: dict[int, Attempt] = {}
    for attempt in db.session.scalars(
            select(Attempt).join(Company, Company.id == Attempt.company_id)
            .where(Company.grid_id.in_(grid_ids), Attempt.kind == AttemptKind.OFFICIAL,
                   Attempt.finished_at.is_not(None), Attempt.local_date >= alert.published_on,
                   Attempt.local_date <= last).order_by(Attempt.local_date, Attempt.id)):
        firsts.setdefault(attempt.employee_id, attempt)
    rows = []
    for worker, attempt in firsts.items():
        qid, version, content = questions[rules.variant_for(worker, alert.id, len(questions))]
        position = attempt.common_total + 1
        ok = rng.random() < right
        wrong = [i for i in range(len(content["options"])) if i not in content["answer"]]
        rows.append(dict(attempt_id=attempt.id, local_date=attempt.local_date, position=position, question_id=qid,
                         question_version_id=version,
                         common=False, behaviour=False, alert_id=alert.id, correct=ok,
                         chosen=list(content["answer"]) if ok else [rng.choice(wrong)],
                         choice_order=selection.choice_order(len(content["options"]), content["type"],
                                                             f"e{worker}:{attempt.local_date}:{qid}:official"),
                         answered_at=attempt.started_at + timedelta(seconds=30 * position)))
    by_slot: dict[int, list[int]] = {}
    for attempt in firsts.values():
        by_slot.setdefault(attempt.common_total + 1, []).append(attempt.id)
    quiet = {"synchronize_session": False}
    for slot, ids in by_slot.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            # Make room in the first personal slot (two steps: the (attempt, position) pairs stay unique).
            db.session.execute(update(Answer).where(Answer.attempt_id.in_(chunk), Answer.position >= slot)
                               .values(position=Answer.position + 1000), execution_options=quiet)
            db.session.execute(update(Answer).where(Answer.attempt_id.in_(chunk), Answer.position >= 1000)
                               .values(position=Answer.position - 999), execution_options=quiet)
            db.session.execute(update(Attempt).where(Attempt.id.in_(chunk))
                               .values(slots=Attempt.slots + 1, answered=Attempt.answered + 1),
                               execution_options=quiet)
    if rows:
        db.session.execute(insert(Answer), rows)
