"""Objections a collector hears and the prepared answers, per debtor type where
the tone differs. "unknown" holds the neutral answer every type falls back to."""

OBJECTIONS = [
    # (code, English title, Chinese title)
    ("statement_not_received", "No statement received", "没收到对账单"),
    ("invoice_problem", "Problem with the invoice", "发票有问题"),
    ("product_complaint", "Complaint about product or service", "对产品或服务不满意"),
    ("proof_of_delivery", "Wants proof of delivery", "要求提供送货证明"),
    ("proof_of_acceptance", "Wants proof of acceptance", "要求提供验收证明"),
    ("original_invoice", "Wants the original invoice, not a copy", "要发票原件，不要复印件"),
    ("no_money_now", "No money right now", "现在没钱"),
    ("you_made_a_mistake", "\u201cYou made a mistake\u201d", "“你们搞错了”"),
    ("abusive_caller", "Caller is abusive", "对方言语过激"),
]

# RESPONSES[code][debtor_type][language] = body
RESPONSES = {
    "statement_not_received": {
        "unknown": {
            "en": "I'm sorry it didn't reach you. Let me confirm the email address I should use, "
            "and I'll send the statement now while we're on the phone. Could you check it "
            "arrived? Then we can agree when the {amount_due} will be paid.",
            "zh-hans": "不好意思，对账单没送到您手上。我跟您确认一下邮箱地址，现在就发过去，"
            "麻烦您看一下收到没有。收到后，我们再定一下{amount_due}什么时候安排付款。",
        },
        "forgetful": {
            "en": "No problem at all, these things go missing. I'm sending the statement and the "
            "payment details to you right now. It should only take a minute once it arrives.",
            "zh-hans": "没关系，这种事常有。我现在就把对账单和付款信息发给您，"
            "收到以后一分钟就能付好。",
        },
        "stalling": {
            "en": "I'll email the statement again now; it lists invoices {invoice_numbers}. The "
            "amounts haven't changed since our last call, so while it arrives, can we fix the "
            "payment date? Which day this week?",
            "zh-hans": "我现在再把对账单发一次，上面列着发票 {invoice_numbers}。"
            "金额跟上次通话时一样没有变化，您收邮件的同时，我们先把付款日期定下来吧，这周哪一天？",
        },
    },
    "invoice_problem": {
        "unknown": {
            "en": "Thank you for telling me. Which invoice is it, and what doesn't look right: "
            "the amount, the price, the quantity or the details? I'll note it and check it "
            "with our billing team today, and I'll call you back within two working days.",
            "zh-hans": "谢谢您告诉我。请问是哪一张发票，是金额、单价、数量还是抬头信息不对？"
            "我记下来，今天就跟开票的同事核对，两个工作日内给您回电话。",
        },
        "dispute": {
            "en": "I understand. Let's go through it line by line so I get it exactly right. If "
            "the invoice is wrong, we'll issue a credit note and a corrected invoice. The other "
            "invoices aren't affected; could the {undisputed_amount} go ahead while I sort "
            "this one out?",
            "zh-hans": "明白。咱们逐项对一下，我好把问题记准确。如果确实开错了，"
            "我们开红字发票再重开一张。其他发票不受影响，在我处理这张的同时，"
            "没有争议的{undisputed_amount}能不能先安排付款？",
        },
    },
    "product_complaint": {
        "unknown": {
            "en": "I'm sorry to hear that; it's not the experience we want you to have. Could "
            "you tell me what happened, and when? I'll pass it to the right team today and come "
            "back to you with what we can do.",
            "zh-hans": "听您这么说我很抱歉，这不是我们希望您遇到的情况。"
            "方便说一下具体是什么问题、什么时候发生的吗？我今天就转给负责的同事，再回复您处理方案。",
        },
        "dispute": {
            "en": "That is really bad, and thank you for telling me. I want to get this right, so "
            "please take your time and tell me the whole story. I'll record it and pass it to our "
            "service manager. Depending on what we find, we can replace the goods, refund or "
            "issue a credit. Meanwhile, could the part that isn't affected, {undisputed_amount}, "
            "be paid?",
            "zh-hans": "这确实太糟糕了，谢谢您告诉我。我想把这件事处理好，"
            "您慢慢说，把经过都跟我讲一下。"
            "我记录下来交给我们的售后经理，核实后可以换货、退款或者开红字发票。"
            "在这期间，不受影响的{undisputed_amount}能不能先付一下？",
        },
        "stalling": {
            "en": "I'm sorry to hear it. This is the first time the complaint has come up on this "
            "account, so I'll register it today and send you the reference. I can't hold the "
            "whole balance for it, though: which invoices does it concern? The rest is not "
            "affected and should be paid.",
            "zh-hans": "听到这个情况我很抱歉。这个账户之前没有收到过这方面的投诉，我今天就登记，"
            "把登记编号发给您。不过整笔款项不能都因此暂停：请问涉及的是哪几张发票？"
            "其余部分不受影响，还是请安排付款。",
        },
    },
    "proof_of_delivery": {
        "unknown": {
            "en": "Of course. I'll send you a copy of the signed delivery note for invoices "
            "{invoice_numbers} today. Once you have it, can we agree the payment date?",
            "zh-hans": "没问题。发票 {invoice_numbers} 对应的签收送货单，我今天就把复印件发给您。"
            "您收到核对后，我们把付款日期定一下，可以吗？",
        },
        "stalling": {
            "en": "Certainly. I'm emailing the signed delivery note now, while we talk. Please "
            "open it and check the signature. If it matches, I'd like us to settle the payment "
            "date for {amount_due} before we finish the call.",
            "zh-hans": "可以。我现在就把签收的送货单发到您邮箱，麻烦您打开核对一下签字。"
            "如果没问题，我们挂电话前就把{amount_due}的付款日期定下来。",
        },
    },
    "proof_of_acceptance": {
        "unknown": {
            "en": "Understood. I'll send you the acceptance record, with the date and the name "
            "of the person who signed it. If your team has any remark about the acceptance, "
            "please tell me and I'll look into it.",
            "zh-hans": "明白。我把验收记录发给您，上面有验收日期和签字人。"
            "如果贵司对验收有什么意见，请告诉我，我去核实。",
        },
        "dispute": {
            "en": "That's a fair request. I'll send the signed acceptance record and the "
            "contract clause on acceptance. If anything was accepted with reservations, tell "
            "me which items, and our manager can review them with you in person.",
            "zh-hans": "这个要求很合理。我把签字的验收单和合同里关于验收的条款一起发给您。"
            "如果当时有保留意见，请告诉我是哪些项目，我们经理可以当面跟您一起核对。",
        },
    },
    "original_invoice": {
        "unknown": {
            "en": "No problem. Let me confirm the postal address and the person it should go "
            "to, and I'll post the original today. Could you arrange the payment so it can be "
            "released when the original arrives?",
            "zh-hans": "没问题。我跟您确认一下邮寄地址和收件人，今天就把原件寄出。"
            "麻烦您先走付款流程，原件一到就可以放款，好吗？",
        },
        "stalling": {
            "en": "I'll send the original by courier today and give you the tracking number. "
            "The copy shows the same details, so the approval can start now. Can you confirm "
            "the payment date for when the original arrives?",
            "zh-hans": "原件我今天用快递寄出，把单号发给您。复印件上的内容和原件完全一致，"
            "审批可以先走起来。原件到了以后，您确认一下哪天付款？",
        },
    },
    "no_money_now": {
        "unknown": {
            "en": "Thank you for being open with me. So I can help, could you tell me when you "
            "expect money to come in? Would part of the amount be possible now, with the rest "
            "on a set date?",
            "zh-hans": "谢谢您直说。为了帮您想办法，能告诉我大概什么时候有回款吗？"
            "能不能先付一部分，剩下的定一个具体日期？",
        },
        "hardship": {
            "en": "I understand, and I'm glad you told me. Let's not leave it open. What could "
            "you manage each month, even if it's a smaller amount? We can set up instalments "
            "and I'll remind you before each one.",
            "zh-hans": "我理解，也谢谢您愿意告诉我。咱们别让这件事一直悬着。"
            "您每个月大概能付多少？金额小一点也没关系，我们可以做分期，每期到期前我都提前提醒您。",
        },
        "forgetful": {
            "en": "No problem. When is your next payment run? I'll note that date and send you "
            "the payment link the day before, so it's easy.",
            "zh-hans": "没关系。您那边下一次付款是哪天？"
            "我记下来，前一天把付款链接发给您，省得您再找。",
        },
        "stalling": {
            "en": "I hear you. The balance is still open, so I need a "
            "concrete plan today. How much can you pay this week, and on which date will the "
            "rest follow? I'll confirm both in writing.",
            "zh-hans": "我明白。这笔款一直没有结清，今天需要定一个具体的方案。"
            "这周能先付多少？剩下的哪天付？两个日期我都会书面确认给您。",
        },
    },
    "you_made_a_mistake": {
        "unknown": {
            "en": "Thank you for pointing it out. Could you tell me exactly what looks wrong? "
            "I'll check it against our records. If we got it wrong, I'll correct it and "
            "apologise; if not, I'll send you the documents that show how we got the figure.",
            "zh-hans": "谢谢您指出来。您能具体说一下哪里不对吗？我对照我们的记录核实。"
            "如果是我们错了，我来更正并向您道歉；如果没错，我把计算依据的单据发给您看。",
        },
        "dispute": {
            "en": "It's possible, and I'd rather find out than argue. Let's compare your "
            "records with ours item by item. Whatever we agree on can be paid now, and I'll "
            "take the rest to my manager with your notes.",
            "zh-hans": "有可能，与其争论不如一起查清楚。咱们把双方的记录逐笔对一下。"
            "对上的部分可以先付，对不上的我连同您的意见一起交给我们经理处理。",
        },
        "stalling": {
            "en": "Let's check it now, then. Which invoice and which amount? I have the "
            "delivery notes and the payment history here. If the figures match, I'll need a "
            "payment date from you before we finish the call.",
            "zh-hans": "那我们现在就核对一下。是哪张发票、哪个金额？送货单和付款记录我手上都有。"
            "如果数字对得上，今天挂电话前还是需要您给我一个付款日期。",
        },
    },
    "abusive_caller": {
        "unknown": {
            "en": "I understand you're upset, and I want to resolve this. I'm not able to "
            "continue the call like this, but I can arrange for my manager to call you. "
            "Would today or tomorrow suit you better?",
            "zh-hans": "我理解您现在很生气，我也是真心想把事情解决好。"
            "这样的情况下我们没法继续谈，不过我可以请我们经理给您回电话。您看今天还是明天方便？",
        },
    },
}
