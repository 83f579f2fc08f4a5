"""简体中文变体：只在所说属实时使用（见 scripts_library.facts）：有付款承诺、
承诺已逾期未付、分期计划、有逾期款、有署名的催收员。每个阶段在
tracks_zh_hans.py 里另有一条不依赖这些事实的话术。"""

VARIANTS = [
    {
        "key": "stalling-opening-overdue",
        "debtor_type": "stalling",
        "stage": "opening",
        "title": "开场：逾期款",
        "body": "{greeting}，我是{company_name}的{collector_name}。"
        "今天来电是想跟您沟通一下{overdue_amount}的逾期款，目前已经逾期{days_overdue}了。"
        "今天想跟您定一个确定的付款日期。",
    },
    {
        "key": "stalling-reminder-promise",
        "debtor_type": "stalling",
        "stage": "reminder",
        "title": "提醒：您定的日期",
        "body": "您好，我是{company_name}的{collector_name}。"
        "关于您答应{promise_date}支付的{promise_amount}，想跟您确认一下现在进展如何？",
    },
    {
        "key": "stalling-sms-broken",
        "debtor_type": "stalling",
        "stage": "sms",
        "title": "短信：约定款项未到",
        "body": "{company_name}：您承诺{promise_date}支付的{promise_amount}尚未到账。"
        "请今天付款，或回复一个确定的付款日期。",
    },
    {
        "key": "stalling-email-broken",
        "debtor_type": "stalling",
        "stage": "email",
        "title": "邮件：约定付款未到账",
        "body": "主题：约定的{promise_amount}尚未到账\n\n"
        "尊敬的{addressee}：\n\n"
        "您承诺在{promise_date}前支付的{promise_amount}，我们至今仍未收到，"
        "逾期金额{overdue_amount}已逾期{days_overdue}。\n\n"
        "请在三个工作日内付款，或回复一个确定的付款金额和日期。"
        "如果没有收到您的回复，这个账户将转交我们经理决定下一步处理，可能包括发出正式催款函。\n\n"
        "{collector_name}\n{company_name}",
    },
    {
        "key": "stalling-letter-overdue",
        "debtor_type": "stalling",
        "stage": "letter",
        "title": "信函：正式催款函",
        "body": "尊敬的{addressee}：\n\n"
        "事由：{debtor_name}欠款正式催告\n\n"
        "贵司发票 {invoice_numbers} 项下{overdue_amount}至今仍未支付，已逾期{days_overdue}。"
        "相关货物和服务均已交付，贵司亦未对上述发票提出异议。\n\n"
        "请贵司自本函发出之日起十四日内付清全部款项。"
        "逾期仍未付款的，我司将考虑依照合同约定和法律规定的途径追收欠款，并会在采取行动前通知贵司。\n\n"
        "此致\n敬礼\n{collector_name}\n{company_name}",
    },
    {
        "key": "hardship-reminder-plan",
        "debtor_type": "hardship",
        "stage": "reminder",
        "title": "提醒：分期款",
        "body": "您好，我是{company_name}的{collector_name}。"
        "您本期分期款{promise_amount}，到期日是{promise_date}，跟您确认一下一切还顺利吧？"
        "如果有什么变化，您告诉我，我们一起想办法。",
    },
    {
        "key": "hardship-sms-plan",
        "debtor_type": "hardship",
        "stage": "sms",
        "title": "短信：分期提醒",
        "body": "{addressee}您好，{company_name}提醒：您本期分期款{promise_amount}，"
        "到期日为{promise_date}。如有变化，请来电告诉我们，谢谢。",
    },
    {
        "key": "hardship-letter-plan",
        "debtor_type": "hardship",
        "stage": "letter",
        "title": "信函：分期还款计划",
        "body": "尊敬的{addressee}：\n\n"
        "事由：{debtor_name}分期还款安排\n\n"
        "根据双方此前的沟通，现列明未结款{amount_due}的分期安排："
        "本期{promise_amount}，到期日为{promise_date}；此后各期日期我们将另行书面告知。\n\n"
        "每期到期前几天我们会提前提醒。如贵司情况有变，请在到期日前与我们联系，双方再一起调整。\n\n"
        "此致\n敬礼\n{collector_name}\n{company_name}",
    },
    {
        "key": "forgetful-closing-promise",
        "debtor_type": "forgetful",
        "stage": "closing",
        "title": "结束：确认日期",
        "body": "太好了，那就是{promise_date}付{promise_amount}。"
        "我马上把书面确认和付款信息发给您。谢谢您这么快就帮我们处理。",
    },
    {
        "key": "unknown-closing-promise",
        "debtor_type": "unknown",
        "stage": "closing",
        "title": "结束：确认金额和日期",
        "body": "谢谢您。跟您核对一下：{promise_date}付{promise_amount}。"
        "我今天会把书面确认发给您。中间有什么情况，随时告诉我。",
    },
    {
        "key": "forgetful-email-signed",
        "debtor_type": "forgetful",
        "stage": "email",
        "title": "邮件：友好提醒（署名）",
        "body": "主题：温馨提醒：发票 {invoice_numbers}\n\n"
        "尊敬的{addressee}：\n\n"
        "您好！提醒您一下，发票 {invoice_numbers} 共{amount_due}，{due_status}。\n\n"
        "如果款项已经在途，非常感谢，麻烦告诉我付款日期，方便我这边核销。"
        "如需发票复印件，直接回复本邮件即可。\n\n"
        "祝好！\n{collector_name}\n{company_name}",
    },
    {
        "key": "dispute-email-disputed",
        "debtor_type": "dispute",
        "stage": "email",
        "title": "邮件：有争议与无争议的金额",
        "body": "主题：关于发票 {invoice_numbers} 的问题\n\n"
        "尊敬的{addressee}：\n\n"
        "感谢您把问题告诉我们。有争议的{disputed_amount}，我们正在对照送货单、发票和合同核实，"
        "核实结果会发给您。\n\n"
        "账户其余的{undisputed_amount}不受这个问题影响，"
        "在我们核实期间，烦请先安排这部分付款，谢谢。\n\n"
        "祝好！\n{company_name}",
    },
    {
        "key": "hardship-closing-promise",
        "debtor_type": "hardship",
        "stage": "closing",
        "title": "结束：确认第一笔付款",
        "body": "那我们小结一下：第一笔{promise_amount}，{promise_date}付，"
        "完整的还款计划我今天书面发给您。到期前几天我会打电话提醒您。"
        "谢谢您这么坦诚。如果情况有变化，请第一时间告诉我。",
    },
    {
        "key": "stalling-closing-promise",
        "debtor_type": "stalling",
        "stage": "closing",
        "title": "结束：复述金额日期和下一步",
        "body": "那就是{promise_date}付{promise_amount}，我今天会发书面确认给您。"
        "到那天我会核对到账情况，如果没有收到，这个账户会按流程转给我们经理处理下一步。谢谢您。",
    },
    {
        "key": "dispute-closing-promise",
        "debtor_type": "dispute",
        "stage": "closing",
        "title": "结束：下一步和付款日期",
        "body": "我跟您把下一步理一下：我这边把相关单据和处理结果发给您，"
        "您那边{promise_date}安排{promise_amount}。谢谢您直接跟我们反映，这样我们才能把事情做对。",
    },
]
