"""The demo book's prose, in Chinese and English: contact and debtor notes, why
a debtor was given its type, interaction notes, dispute descriptions and
resolutions."""

from __future__ import annotations

from accounts.models import Language
from debtors.models import DebtorType, Dispute

CONTACT_NOTES = {
    Language.ZH_HANS: (
        "",
        "",
        "",
        "前台转接时需说明是供应商对账。",
        "中午12点到1点半不接电话。",
        "上午10点前最容易找到。",
        "付款需老板签字，每周四统一审批。",
        "习惯用微信沟通，邮件回复慢。",
    ),
    Language.EN: (
        "",
        "",
        "",
        "Reception screens calls: ask for Accounts Payable by name.",
        "Best reached before 10 am.",
        "Prefers email with the invoice copies attached.",
        "Payment run every Thursday.",
        "Works part time, Monday to Wednesday.",
    ),
}
DEBTOR_NOTES = {
    Language.ZH_HANS: (
        "",
        "",
        "",
        "每月统一付款一次，需提前对账。",
        "老客户，合作五年以上。",
        "发票需寄到财务部，不要寄前台。",
        "付款走OA审批，流程约一周。",
    ),
    Language.EN: (
        "",
        "",
        "",
        "Needs a PO number on every invoice.",
        "Long-standing customer since 2019.",
        "Pays by monthly cheque run.",
        "Invoices must go to the AP mailbox, not the buyer.",
    ),
}
TYPE_REASONS = {
    DebtorType.FORGETFUL: {
        Language.ZH_HANS: (
            "合作多年首次逾期，电话提醒后表示没注意到账单。",
            "账单发到了旧邮箱，财务没有收到。",
            "一向按时付款，这次是财务换人后漏付。",
        ),
        Language.EN: (
            "First late payment in years; the invoice was missed at month end.",
            "Invoices were going to a former employee's mailbox.",
            "Good payment history; the AP clerk changed and the run was skipped.",
        ),
    },
    DebtorType.HARDSHIP: {
        Language.ZH_HANS: (
            "下游客户回款延迟，现金流紧张，主动提出分期。",
            "表示本月资金周转困难，愿意先付一部分。",
            "近三个月都是小额分批付款。",
        ),
        Language.EN: (
            "Their own customer paid late; asked to split the balance.",
            "Cash is tight after losing a contract; offered part payments.",
            "Has paid in small parts for three months.",
        ),
    },
    DebtorType.DISPUTE: {
        Language.ZH_HANS: (
            "对部分货品质量有异议，要求退换后再付款。",
            "称发票单价与合同不符。",
            "要求先提供签收单再安排付款。",
        ),
        Language.EN: (
            "Says part of the shipment arrived damaged and wants a credit.",
            "Disputes the unit price on the latest invoices.",
            "Will not pay until they see the signed delivery note.",
        ),
    },
    DebtorType.STALLING: {
        Language.ZH_HANS: (
            "已两次承诺付款均未兑现，常以老板出差为由推脱。",
            "多次来电不接，回复总是“已经在走流程”。",
            "有付款能力但一直拖延，需要上门拜访。",
        ),
        Language.EN: (
            "Broke two promises; keeps saying the cheque is in the post.",
            "Dodges calls; approval is always 'next week'.",
            "Pays other suppliers on time but not us.",
        ),
    },
}

NOTES = {
    Language.ZH_HANS: {
        "no_answer": ("无人接听。", "响铃多次无人接听。", "无人接听，稍后再试。"),
        "busy": ("占线。", "电话一直占线。"),
        "wrong_number": ("号码已换人使用，需要更新联系方式。",),
        "message_left": ("前台接听，{name}不在，已留言请回电。", "{name}外出，已请同事转告回电。"),
        "right_party": (
            "与{name}通话，确认已收到对账单，会尽快安排。",
            "与{name}核对了逾期金额{amount}，对方表示需要内部审批。",
        ),
        "promise": (
            "{name}承诺{date}前付款{amount}。",
            "与{name}沟通后，对方同意{date}前支付{amount}。",
        ),
        "plan": ("{name}说明资金紧张，同意分{count}期付款，首期{amount}于{date}前支付。",),
        "refused": ("{name}表示本月不会安排付款，态度强硬。", "{name}拒绝给出付款时间。"),
        "dispute": ("{name}对发票提出异议，已记录并转交经理跟进。",),
        "paid": ("{name}称已于昨天付款，待财务核实到账。",),
        "callback": ("{name}正在开会，约好明天下午回电。", "{name}请我们下周一再联系。"),
        "sms": (
            "短信提醒：逾期金额{amount}，附付款方式。",
            "短信提醒：{amount}已逾期，请尽快安排付款。",
        ),
        "sms_instalment": ("短信提醒：约定{date}支付{amount}，请按时安排。",),
        "email_instalment": ("邮件提醒：{date}到期的约定付款{amount}，附账户信息。",),
        "email": ("发送对账单及发票副本至财务邮箱。", "邮件发送付款提醒及账户信息。"),
        "email_docs": ("已邮件发送合同、发票及签收单扫描件。",),
        "inbound": ("{name}来电询问对账明细，已解答。",),
        "visit": ("上门拜访，与{name}面谈，出示合同及签收单。",),
        "visit_promise": ("上门拜访，{name}当面承诺{date}前付款{amount}。",),
        "letter": ("寄出正式催款函。",),
        "thanks": ("邮件感谢按约付款，并确认到账。",),
        "dispute_review": (
            "与{name}沟通异议进展，我方正在补充资料，对方同意处理完后付款。",
            "{name}询问异议处理结果，已告知预计本周内答复。",
        ),
        "complaint": (
            "对方对来电频率表示不满，已致歉并记录。",
            "对方投诉上次通话语气生硬，已转经理。",
        ),
    },
    Language.EN: {
        "no_answer": ("No answer.", "Rang out, no voicemail.", "No answer; will try again."),
        "busy": ("Line busy.", "Busy signal twice."),
        "wrong_number": ("Number now belongs to someone else; need a new contact.",),
        "message_left": (
            "Left a voicemail for {name} asking for a call back.",
            "Reception took a message for {name}.",
        ),
        "right_party": (
            "Spoke to {name}; they have the statement and will look into it.",
            "Went through the overdue {amount} with {name}; needs internal approval.",
        ),
        "promise": (
            "{name} promised {amount} by {date}.",
            "Agreed with {name}: {amount} to be paid by {date}.",
        ),
        "plan": (
            "{name} explained cash is tight; agreed {count} instalments, "
            "the first {amount} by {date}.",
        ),
        "refused": (
            "{name} refused to commit to any payment this month.",
            "{name} would not give a payment date.",
        ),
        "dispute": ("{name} disputes the invoice; logged and passed to the manager.",),
        "paid": ("{name} says the payment went out yesterday; asked finance to check.",),
        "callback": (
            "{name} was in a meeting; asked us to call back tomorrow afternoon.",
            "{name} asked us to call again on Monday.",
        ),
        "sms": (
            "SMS reminder: {amount} overdue, with how to pay.",
            "SMS reminder: {amount} is past due; please arrange payment.",
        ),
        "sms_instalment": ("SMS reminder: {amount} due {date} as agreed.",),
        "email_instalment": (
            "Emailed a reminder: {amount} due {date} as agreed, with our bank details.",
        ),
        "email": (
            "Emailed the statement and invoice copies to accounts payable.",
            "Emailed a payment reminder with our bank details.",
        ),
        "email_docs": ("Emailed the contract, invoices and signed delivery notes.",),
        "inbound": ("{name} called about the statement details; answered their questions.",),
        "visit": ("Visited the office and met {name}; went through contract and delivery notes.",),
        "visit_promise": ("Visited {name} in person; promised {amount} by {date}.",),
        "letter": ("Sent a formal demand letter.",),
        "thanks": ("Emailed thanks for paying as agreed and confirmed receipt.",),
        "dispute_review": (
            "Went over the open dispute with {name}; they pay once our documents settle it.",
            "{name} asked where the dispute stands; promised an answer this week.",
        ),
        "complaint": (
            "They complained that we call too often; apologised and noted it.",
            "They complained about the tone of an earlier call; passed to the manager.",
        ),
    },
}
DISPUTE_TEXT = {
    Dispute.Category.STATEMENT_NOT_RECEIVED: (
        "客户称未收到本月对账单，要求重新发送。",
        "Customer says the monthly statement never arrived.",
    ),
    Dispute.Category.INVOICE_ERROR: (
        "客户称发票单价与合同不符，差额待核实。",
        "Unit price on the invoice does not match the contract.",
    ),
    Dispute.Category.PRODUCT_COMPLAINT: (
        "部分货品有破损，客户要求换货或折让。",
        "Part of the delivery arrived damaged; asking for a replacement or a credit.",
    ),
    Dispute.Category.PROOF_OF_DELIVERY: (
        "客户要求提供签收单后再付款。",
        "Wants a signed proof of delivery before paying.",
    ),
    Dispute.Category.PROOF_OF_ACCEPTANCE: (
        "客户称项目尚未验收，要求提供验收报告。",
        "Says the work was never formally accepted; wants the acceptance report.",
    ),
    Dispute.Category.ORIGINAL_INVOICE: (
        "客户财务要求提供增值税专用发票原件。",
        "Accounts payable will only pay against the original invoice, not a copy.",
    ),
    Dispute.Category.OTHER: ("客户对运费的分摊方式有疑问。", "Questions how freight was charged."),
}
RESOLUTIONS = {
    Dispute.Status.RESOLVED: (
        "已补寄签收单，客户确认后安排付款。",
        "Sent the signed delivery note; customer accepted and will pay.",
    ),
    Dispute.Status.REJECTED: (
        "核对合同后确认单价无误，已向客户说明。",
        "Checked the contract: the prices are right; explained this to the customer.",
    ),
}
