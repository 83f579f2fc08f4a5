"""English talk tracks: one per debtor type and stage, plus apology and empathy
tracks. Placeholders are listed in scripts_library.rendering.PLACEHOLDERS."""

TYPE_GUIDANCE = {
    "forgetful": (
        "Do: keep it light and friendly; give the exact amount, due date and how to pay; "
        "send the payment link while you talk; confirm receipt afterwards.\n"
        "Don't: pressure, hint at consequences, or make them feel careless."
    ),
    "hardship": (
        "Do: listen first and let silence work; show you understand; offer instalments or a "
        "short extension they can really keep; write the plan down and remind before each "
        "instalment.\n"
        "Don't: sound hard, hurry them, or agree to a plan you both know will break."
    ),
    "dispute": (
        "Do: let them tell the whole story and record it; fix what is right (replacement, "
        "refund, credit note); explain a misunderstanding with evidence; offer the manager; "
        "ask for the undisputed part now.\n"
        "Don't: argue to win, or chase the disputed amount while it is being checked."
    ),
    "stalling": (
        "Do: be calm, firm and consistent; agree an exact amount and date every time; state "
        "the next lawful step plainly and then do what you said.\n"
        "Don't: threaten, insult, exaggerate consequences, or leave long gaps between steps."
    ),
    "unknown": (
        "Do: stay neutral and polite; find out why the invoice is unpaid and note it so the "
        "debtor can be typed; give them a way to save face.\n"
        "Don't: assume bad faith, or ask what the file already answers."
    ),
}

STAGE_GUIDANCE = {
    "preparation": "Read the file before you dial; tick each line.",
    "opening": "Greet, say who you are and the company within five seconds, then the purpose.",
    "reminder": "Short and specific: amount, invoices, date, how to pay.",
    "negotiation": "Ask, then stop talking. Finish with an amount, a date and a channel.",
    "closing": "Repeat the commitment, thank them, and say when you will next be in touch.",
    "voicemail": "Under thirty seconds. No amounts or details a stranger should not hear.",
    "sms": "One message, one action. Keep it under about 160 characters where possible.",
    "email": "Attach or link the statement. One clear request per email.",
    "letter": "Formal and factual. Every statement in it must be true and lawful.",
    "visit": "Bring the visit pack: contract, invoices, delivery notes, payment history.",
}

TRACKS = {
    "forgetful": {
        "preparation": (
            "Preparation: friendly reminder call",
            "- Check the open invoices {invoice_numbers} and the amount {amount_due}.\n"
            "- Check their payment history: is this their first late payment?\n"
            "- Have the payment link ready to send: {payment_link}.\n"
            "- Note who usually approves payments and the best time to reach them.\n"
            "- Plan to call in the first fifteen minutes of their working day, not at lunch.",
        ),
        "opening": (
            "Opening: friendly check-in",
            "Good morning {contact_name}, this is {collector_name} from {company_name}. "
            "I'm calling about a quick accounts matter, it will only take a minute. "
            "Our records show {amount_due} still open on invoices {invoice_numbers}, due on "
            "{oldest_due_date}. It may simply have slipped through with everything else going "
            "on. Could you check it for me?",
        ),
        "reminder": (
            "Reminder: amount, date and how to pay",
            "Just a friendly reminder, {contact_name}: {amount_due} on invoices "
            "{invoice_numbers} fell due on {oldest_due_date}. The quickest way to settle it is "
            "the payment link, {payment_link}. Shall I send it to you by message now so you "
            "have it to hand?",
        ),
        "negotiation": (
            "Negotiation: agree a date",
            "Thank you for checking, {contact_name}. When would suit you to send the payment of "
            "{amount_due}? If it goes into this week's payment run, that would be perfect. "
            "I'll note the date you give me and send you the details in writing.",
        ),
        "closing": (
            "Closing: confirm and thank",
            "Wonderful, so that's {promise_amount} on {promise_date}. I'll send you a short "
            "confirmation with the payment link now. Thank you for sorting this out so quickly, "
            "{contact_name}, we really appreciate working with you.",
        ),
        "voicemail": (
            "Voicemail: light reminder",
            "Hello {contact_name}, this is {collector_name} from {company_name}. I'm calling "
            "about a small accounts question. Please call me back when you have a minute, or "
            "reply to the message I'm sending you. Thank you, and have a good day.",
        ),
        "sms": (
            "SMS: payment link",
            "Hi {contact_name}, a friendly note from {company_name}: {amount_due} on "
            "{invoice_numbers} was due {oldest_due_date}. Pay in a minute here: {payment_link}. "
            "Already paid? Thank you, please ignore this.",
        ),
        "email": (
            "Email: friendly reminder with statement",
            "Subject: Friendly reminder: invoices {invoice_numbers}\n\n"
            "Dear {contact_name},\n\n"
            "I hope all is well. This is a quick reminder that {amount_due} on invoices "
            "{invoice_numbers} was due on {oldest_due_date}. I have attached the statement for "
            "your records.\n\n"
            "You can pay straight away using this link: {payment_link}. If the payment is "
            "already on its way, thank you, and please let me know the date so I can match it.\n\n"
            "Kind regards,\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "Letter: courtesy reminder",
            "Dear {contact_name},\n\n"
            "Re: {debtor_name}, open invoices {invoice_numbers}\n\n"
            "Our records show that {amount_due} fell due on {oldest_due_date} and has not yet "
            "reached us. We understand that invoices are sometimes missed, and we enclose a "
            "copy of the statement.\n\n"
            "Please arrange payment at your earliest convenience using the details on the "
            "statement or {payment_link}. If you have already paid, please accept our thanks "
            "and disregard this letter.\n\n"
            "Yours sincerely,\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "Field visit: courtesy call in person",
            "Good morning {contact_name}, I'm {collector_name} from {company_name}. I was in "
            "the area and wanted to say hello in person. While I'm here, there is {amount_due} "
            "open on invoices {invoice_numbers}. I have copies with me. Could we look at them "
            "together and agree when the payment can go out?",
        ),
    },
    "hardship": {
        "preparation": (
            "Preparation: understand their situation",
            "- Read the notes from earlier calls: what have they told us about their cash flow?\n"
            "- Check what they have paid recently, even small amounts: {amount_due} is open.\n"
            "- Know which instalment plans and extensions you may offer without approval.\n"
            "- Know their money days, when their own customers pay them.\n"
            "- Plan a calm afternoon call; allow time to listen.",
        ),
        "opening": (
            "Opening: calm and open",
            "Good afternoon {contact_name}, this is {collector_name} from {company_name}. "
            "Is now a good moment to talk for a few minutes? I'm calling about the open "
            "balance of {amount_due}. I'd like to understand how things are on your side, so "
            "we can find a way forward that works for both of us.",
        ),
        "reminder": (
            "Reminder: before the next instalment",
            "Hello {contact_name}, it's {collector_name} from {company_name}. I'm calling "
            "ahead of the instalment of {promise_amount} due on {promise_date}, just to check "
            "everything is still on track. If anything has changed, tell me now and we can "
            "look at it together.",
        ),
        "negotiation": (
            "Negotiation: a plan they can keep",
            "Thank you for explaining, {contact_name}. That sounds like a difficult period. "
            "Let's find something realistic. The open amount is {amount_due}. Would it help to "
            "split it into monthly instalments? What amount could you pay each month without "
            "putting the business under more strain? I'd rather agree a smaller figure you can "
            "keep than a bigger one that breaks.",
        ),
        "closing": (
            "Closing: confirm the plan",
            "So we're agreed: the first instalment of {promise_amount} on {promise_date}, and "
            "I'll send the full plan to you in writing today. I'll call a few days before each "
            "date as a reminder. Thank you for being open with me, {contact_name}. If things "
            "change, please call me first.",
        ),
        "voicemail": (
            "Voicemail: invite a conversation",
            "Hello {contact_name}, this is {collector_name} from {company_name}. I'd like to "
            "talk with you about your account and see what arrangement would suit you. Please "
            "call me back when convenient. Thank you.",
        ),
        "sms": (
            "SMS: instalment reminder",
            "Hello {contact_name}, {collector_name} from {company_name} here. A reminder that "
            "your instalment of {promise_amount} is due on {promise_date}. If anything has "
            "changed, please call me before then. Thank you.",
        ),
        "email": (
            "Email: offer a payment plan",
            "Subject: Your account with {company_name}: let's agree a plan\n\n"
            "Dear {contact_name},\n\n"
            "Thank you for speaking with me. I understand this is a demanding time for your "
            "business, and we would like to help you settle the open balance of {amount_due} "
            "in a way you can manage.\n\n"
            "We can offer monthly instalments or a short extension. Please reply with the "
            "amount and dates that would be realistic for you, and I will confirm a written "
            "plan.\n\n"
            "Kind regards,\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "Letter: confirmation of an instalment plan",
            "Dear {contact_name},\n\n"
            "Re: instalment plan for {debtor_name}\n\n"
            "Further to our conversation, we confirm the agreed plan for the open balance of "
            "{amount_due}. The first instalment of {promise_amount} is due on {promise_date}; "
            "the following instalments are listed on the enclosed schedule.\n\n"
            "We will remind you a few days before each instalment. If your circumstances "
            "change, please contact us before the due date so that we can review the plan "
            "together.\n\n"
            "Yours sincerely,\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "Field visit: work out a plan together",
            "Thank you for making time to see me, {contact_name}. I'm not here to add to your "
            "worries. I'd like to understand where things stand and agree a plan for the "
            "{amount_due} that you can actually keep. Could you walk me through when money "
            "comes in over the next few months?",
        ),
    },
    "dispute": {
        "preparation": (
            "Preparation: evidence pack",
            "- Read the open dispute and every note about it before you call.\n"
            "- Have the contract, invoices {invoice_numbers}, delivery notes and acceptance "
            "records ready.\n"
            "- Know the disputed amount {disputed_amount} and the undisputed part "
            "{undisputed_amount}.\n"
            "- Check what has already been promised to them (replacement, credit note).\n"
            "- Know which manager can step in and when they are available.",
        ),
        "opening": (
            "Opening: invite their view",
            "Good afternoon {contact_name}, this is {collector_name} from {company_name}. "
            "I understand there's a concern about invoices {invoice_numbers}, and I'd like to "
            "hear it properly so we can put it right. Could you tell me what happened?",
        ),
        "reminder": (
            "Reminder: undisputed part",
            "Hello {contact_name}, it's {collector_name} from {company_name}. While we look "
            "into the point you raised, the rest of the account is not in question. Could you "
            "arrange payment of the undisputed {undisputed_amount} this week? That keeps your "
            "account in good order while we resolve the rest.",
        ),
        "negotiation": (
            "Negotiation: resolve and pay the rest",
            "Thank you for explaining it so clearly, {contact_name}. Here is what I will do: "
            "I'll check the delivery records and come back to you by {promise_date}. If we made "
            "an error, we'll correct it with a credit note. In the meantime, may we agree the "
            "undisputed {undisputed_amount}? Which date would work for you?",
        ),
        "closing": (
            "Closing: summary of next steps",
            "Let me confirm what we agreed: I'll send you the supporting documents and an "
            "answer on the disputed part, and you'll arrange {promise_amount} on {promise_date}. "
            "Thank you for raising this with us directly, {contact_name}; it helps us get it "
            "right.",
        ),
        "voicemail": (
            "Voicemail: follow-up on their concern",
            "Hello {contact_name}, this is {collector_name} from {company_name}, following up "
            "on the point you raised about your invoices. I have an update for you. Please call "
            "me back when you have a moment. Thank you.",
        ),
        "sms": (
            "SMS: update on the query",
            "Hello {contact_name}, {company_name} here. We are reviewing your query on "
            "{invoice_numbers} and will reply by {promise_date}. The undisputed "
            "{undisputed_amount} can be paid here: {payment_link}. Thank you.",
        ),
        "email": (
            "Email: evidence and the undisputed amount",
            "Subject: Your query on invoices {invoice_numbers}\n\n"
            "Dear {contact_name},\n\n"
            "Thank you for letting us know about your concern. I have attached the documents "
            "that relate to it: the signed delivery note, the invoice and the relevant part of "
            "the contract. Please have a look and tell me if anything still does not match "
            "your records.\n\n"
            "The remaining {undisputed_amount} is not affected by the query. We would be "
            "grateful if you could arrange that payment while we finish reviewing the "
            "disputed {disputed_amount}.\n\n"
            "Kind regards,\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "Letter: position on a disputed invoice",
            "Dear {contact_name},\n\n"
            "Re: your query on invoices {invoice_numbers}\n\n"
            "We have reviewed the points you raised. Our findings and the supporting documents "
            "are enclosed. Where we found an error, a credit note is attached.\n\n"
            "The undisputed balance of {undisputed_amount} remains due, and we ask you to "
            "settle it. If you do not agree with our findings, please tell us which points you "
            "contest; our manager will be glad to meet you to discuss them.\n\n"
            "Yours sincerely,\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "Field visit: review the documents together",
            "Thank you for seeing me, {contact_name}. I've brought the contract, the invoices "
            "and the delivery notes so we can go through your concern line by line. Where we "
            "got something wrong, I'll put it right. Once we're clear, could we settle the "
            "part that isn't in question, {undisputed_amount}?",
        ),
    },
    "stalling": {
        "preparation": (
            "Preparation: the record of promises",
            "- List every promise made and broken, with dates and who made it.\n"
            "- Check the amount {amount_due} and that the invoices {invoice_numbers} are "
            "undisputed.\n"
            "- Decide the next step before the call (visit, manager, formal letter) and make "
            "sure it is approved.\n"
            "- Prepare one clear request: an exact amount on an exact date.\n"
            "- Stay calm; you are following a process, nothing personal.",
        ),
        "opening": (
            "Opening: direct and polite",
            "Good morning {contact_name}, this is {collector_name} from {company_name}. "
            "I'm calling about the overdue {overdue_amount}, which is now {days_overdue} past "
            "due. We discussed this before, and the payment has not arrived. I'd like to agree "
            "a firm date with you today.",
        ),
        "reminder": (
            "Reminder: the agreed date",
            "Hello {contact_name}, it's {collector_name} from {company_name}. You confirmed "
            "{promise_amount} on {promise_date}. I'm calling to make sure it goes out as "
            "agreed. Can you confirm it is in today's payment run?",
        ),
        "negotiation": (
            "Negotiation: an exact amount and date",
            "I understand, {contact_name}. The invoices are correct and not in question, and "
            "the balance of {amount_due} has been open for {days_overdue}. What I need from you "
            "today is an exact amount and an exact date. If the full amount isn't possible, "
            "how much can be paid this week, and when will the rest follow?",
        ),
        "closing": (
            "Closing: restate the commitment and the next step",
            "So we have agreed {promise_amount} on {promise_date}. I'll confirm this in writing "
            "today. I'll check the payment on that date, and if it hasn't arrived, the account "
            "will go to my manager for the next step in our process. Thank you, {contact_name}.",
        ),
        "voicemail": (
            "Voicemail: request a call back today",
            "Hello {contact_name}, this is {collector_name} from {company_name}. I need to speak "
            "with you today about your account. Please call me back as soon as you can; I will "
            "also send you the details in writing. Thank you.",
        ),
        "sms": (
            "SMS: payment not received",
            "{company_name}: we have not received {promise_amount} promised for {promise_date}. "
            "Please pay today at {payment_link} or call {collector_name} to confirm a date.",
        ),
        "email": (
            "Email: summary of broken commitments",
            "Subject: Overdue balance {overdue_amount}: agreed payment not received\n\n"
            "Dear {contact_name},\n\n"
            "On our last call you agreed to pay {promise_amount} by {promise_date}. As of "
            "today, the payment has not reached us, and {overdue_amount} is {days_overdue} past "
            "due.\n\n"
            "Please make the payment within three working days, or reply with a firm date and "
            "amount. If we do not hear from you, the account will be passed to our manager to "
            "decide the next step, which may include a formal demand.\n\n"
            "Regards,\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "Letter: formal demand",
            "Dear {contact_name},\n\n"
            "Re: formal demand for payment, {debtor_name}\n\n"
            "Despite our earlier calls and letters, the sum of {overdue_amount} on invoices "
            "{invoice_numbers} remains unpaid and is {days_overdue} past due. The goods and "
            "services were delivered and the invoices have not been disputed.\n\n"
            "We ask you to pay the full amount within fourteen days of the date of this letter. "
            "If payment is not received, we will consider recovering the debt through the "
            "procedures available to us under the contract and the law, and we will inform you "
            "before we do so.\n\n"
            "Yours faithfully,\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "Field visit: meet the decision maker",
            "Good morning {contact_name}. I'm {collector_name} from {company_name}. I've come "
            "in person because several agreed dates have passed without payment. I have the "
            "invoices and the record of our calls with me. I'd like to leave today with a "
            "signed payment commitment: how much will be paid, and on which date?",
        ),
    },
    "unknown": {
        "preparation": (
            "Preparation: first contact",
            "- Check the amount {amount_due}, the invoices {invoice_numbers} and the oldest due "
            "date {oldest_due_date}.\n"
            "- Look for any notes, disputes or earlier payments.\n"
            "- Find the right person: who approves payments at {debtor_name}?\n"
            "- Plan your questions to learn why it is unpaid, so the debtor can be typed.\n"
            "- Call at the start of their working day; avoid lunch.",
        ),
        "opening": (
            "Opening: neutral first call",
            "Good morning, may I speak with {contact_name}? This is {collector_name} from "
            "{company_name}. I'm calling about invoices {invoice_numbers}, {amount_due} in "
            "total, which were due on {oldest_due_date}. Is there anything holding the payment "
            "up, or perhaps something we need to clear up on our side?",
        ),
        "reminder": (
            "Reminder: neutral",
            "Hello {contact_name}, this is {collector_name} from {company_name} with a reminder "
            "about {amount_due} on invoices {invoice_numbers}, due on {oldest_due_date}. Could "
            "you tell me when we can expect the payment?",
        ),
        "negotiation": (
            "Negotiation: find the reason, agree a date",
            "Thank you, {contact_name}. So I can help, may I ask what is holding the payment "
            "back? Is it the invoice itself, timing on your side, or something else? Once I "
            "understand, we can agree a date that works. What date would suit you for "
            "{amount_due}?",
        ),
        "closing": (
            "Closing: confirm the commitment",
            "Thank you, {contact_name}. To confirm: {promise_amount} on {promise_date}. I'll "
            "send you a written confirmation today. If anything comes up before then, please "
            "let me know.",
        ),
        "voicemail": (
            "Voicemail: neutral",
            "Hello {contact_name}, this is {collector_name} from {company_name}. I'm calling "
            "about your account with us. Please call me back at your convenience. Thank you.",
        ),
        "sms": (
            "SMS: neutral reminder",
            "Hello {contact_name}, {company_name} here: {amount_due} on {invoice_numbers} was "
            "due {oldest_due_date}. Pay here: {payment_link}, or reply if anything is unclear.",
        ),
        "email": (
            "Email: statement and request",
            "Subject: Account statement from {company_name}\n\n"
            "Dear {contact_name},\n\n"
            "Please find attached your current statement. Our records show {amount_due} on "
            "invoices {invoice_numbers}, due on {oldest_due_date}.\n\n"
            "Could you let us know when payment is planned? If anything on the statement does "
            "not match your records, please tell us and we will look into it straight away.\n\n"
            "Kind regards,\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "Letter: statement of account",
            "Dear {contact_name},\n\n"
            "Re: statement of account, {debtor_name}\n\n"
            "According to our records, {amount_due} on invoices {invoice_numbers} is now "
            "overdue; the oldest item fell due on {oldest_due_date}. A statement is "
            "enclosed.\n\n"
            "Please arrange payment or contact us if you have any question about the items "
            "listed. We will be glad to help.\n\n"
            "Yours sincerely,\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "Field visit: introduce and clarify",
            "Good morning {contact_name}, I'm {collector_name} from {company_name}. Thank you "
            "for seeing me. I've brought the statement for invoices {invoice_numbers}. I'd "
            "like to understand where things stand on your side and agree how we settle the "
            "{amount_due}.",
        ),
    },
}

# Apology and empathy lines: short tracks under the objection stage, one
# family each. Apologise as yourself, mean it, thank them, then act.
EXTRA_TRACKS = [
    {
        "key": "apology-our-error",
        "debtor_type": "unknown",
        "title": "Apology: when we made the mistake",
        "body": "I apologise, {contact_name}. That shouldn't have happened, and I can see why "
        "it was frustrating. Thank you for telling me. I'll correct it today and send you "
        "the corrected invoice by email before the end of the day.",
    },
    {
        "key": "apology-late-statement",
        "debtor_type": "forgetful",
        "title": "Apology: statement did not arrive",
        "body": "I'm sorry the statement didn't reach you, {contact_name}; that makes it hard "
        "to pay on time. I'll email it to you now while we're talking, together with the "
        "payment link.",
    },
    {
        "key": "apology-product-problem",
        "debtor_type": "dispute",
        "title": "Apology: a problem with what we delivered",
        "body": "That is really bad, {contact_name}, and I'm sorry you had to deal with it. "
        "Thank you for telling me instead of letting it go. I'll pass it to our service team "
        "today and call you back by {promise_date} with what we'll do about it.",
    },
    {
        "key": "apology-repeated-calls",
        "debtor_type": "unknown",
        "title": "Apology: too many calls",
        "body": "I apologise if our calls have felt like too many, {contact_name}. Let's agree "
        "one time that suits you, and I'll make sure you only hear from me then.",
    },
    {
        "key": "apology-wrong-person",
        "debtor_type": "unknown",
        "title": "Apology: reached the wrong person",
        "body": "I'm sorry to have troubled you. Could you tell me who handles supplier "
        "payments at {debtor_name}, and the best way to reach them? Thank you very much "
        "for your help.",
    },
    {
        "key": "empathy-forgetful",
        "debtor_type": "forgetful",
        "title": "Empathy: busy period",
        "body": "No problem at all, {contact_name}; it happens to everyone in a busy month. "
        "I'll send the link now so it takes you one minute.",
    },
    {
        "key": "empathy-hardship",
        "debtor_type": "hardship",
        "title": "Empathy: cash-flow trouble",
        "body": "Thank you for being honest with me, {contact_name}. That sounds like a hard "
        "time for the business. Let's look at what is realistic for you; a plan you can "
        "keep is better for both of us.",
    },
    {
        "key": "empathy-dispute",
        "debtor_type": "dispute",
        "title": "Empathy: they feel let down",
        "body": "I understand why you're unhappy, {contact_name}. If I were in your place I "
        "would feel the same. Let me make sure I have every detail, so I can get it resolved "
        "properly.",
    },
    {
        "key": "empathy-stalling",
        "debtor_type": "stalling",
        "title": "Empathy: acknowledge, then hold the line",
        "body": "I hear that things are busy on your side, {contact_name}, and I appreciate you "
        "taking my call. I still need an exact date for {amount_due} today. Which day can you "
        "commit to?",
    },
    {
        "key": "empathy-angry-caller",
        "debtor_type": "unknown",
        "title": "Empathy: caller is upset",
        "body": "I can hear this has been really frustrating, {contact_name}, and I want to help. "
        "If you'd prefer, I can arrange for my manager to call you today to discuss it. "
        "What time would suit you?",
    },
]
