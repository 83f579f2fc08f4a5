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
    "email": "One clear request per email. Never mention an attachment the email does not carry.",
    "letter": "Formal and factual. Every statement in it must be true and lawful.",
    "visit": "Bring the visit pack: contract, invoices, delivery notes, payment history.",
}

TRACKS = {
    "forgetful": {
        "preparation": (
            "Preparation: friendly reminder call",
            "- Check the open invoices {invoice_numbers} and the amount {amount_due}.\n"
            "- Check their payment history: is this their first late payment?\n"
            "- Have the payment link or our bank details ready to send.\n"
            "- Note who usually approves payments and the best time to reach them.\n"
            "- Plan to call in the first fifteen minutes of their working day, not at lunch.",
        ),
        "opening": (
            "Opening: friendly check-in",
            "{greeting}, this is {collector_name} from {company_name}. I'm calling about a "
            "quick accounts matter, it will only take a minute. Our records show {amount_due} "
            "still open on invoices {invoice_numbers}, {due_status}. It may simply have slipped "
            "through with everything else going on. Could you check it for me?",
        ),
        "reminder": (
            "Reminder: amount, date and how to pay",
            "Just a friendly reminder: {amount_due} on invoices {invoice_numbers}, "
            "{due_status}. The quickest way to settle it is online. Shall I send you the "
            "payment details by message now so you have them to hand?",
        ),
        "negotiation": (
            "Negotiation: choose a date",
            "Thank you for checking. When would suit you to send the payment of {amount_due}? "
            "If it goes into this week's payment run, that would be perfect. I'll note the "
            "date you give me and send you the details in writing.",
        ),
        "closing": (
            "Closing: read back and thank",
            "Wonderful. Let me read back the amount and the date you've just given me, so we "
            "both have the same note. I'll send you a short written confirmation with the "
            "payment details now. Thank you for sorting this out so quickly.",
        ),
        "voicemail": (
            "Voicemail: light reminder",
            "Hello, this is {collector_name} from {company_name}. I'm calling about a small "
            "accounts question. Please call me back when you have a minute, or reply to the "
            "message I'm sending you. Thank you, and have a good day.",
        ),
        "sms": (
            "SMS: friendly note",
            "Hi {addressee}, a friendly note from {company_name}: {amount_due} on "
            "{invoice_numbers}, {due_status}. Already paid? Thank you, please ignore this.",
        ),
        "email": (
            "Email: friendly reminder",
            "Subject: Friendly reminder: invoices {invoice_numbers}\n\n"
            "Dear {addressee},\n\n"
            "I hope all is well. This is a quick reminder about {amount_due} on invoices "
            "{invoice_numbers}, {due_status}.\n\n"
            "If the payment is already on its way, thank you, and please let me know the date "
            "so I can match it. If you need a copy of any invoice, just reply to this email.\n\n"
            "Kind regards,\n{company_name}",
        ),
        "letter": (
            "Letter: courtesy reminder",
            "Dear {addressee},\n\n"
            "Re: {debtor_name}, open invoices {invoice_numbers}\n\n"
            "Our records show {amount_due} on the invoices above, {due_status}. We understand "
            "that invoices are sometimes missed, and we will gladly send copies on request.\n\n"
            "Please arrange payment at your earliest convenience. If you have already paid, "
            "please accept our thanks and disregard this letter.\n\n"
            "Yours sincerely,\n{company_name}",
        ),
        "visit": (
            "Field visit: courtesy call in person",
            "{greeting} {addressee}, I'm {collector_name} from {company_name}. I was in the area "
            "and wanted to say hello in person. While I'm here, there is {amount_due} open on "
            "invoices {invoice_numbers}. I have copies with me. Could we look at them together "
            "and choose a date when the payment can go out?",
        ),
    },
    "hardship": {
        "preparation": (
            "Preparation: understand their situation",
            "- Read the notes from earlier calls: what have they told us about their cash flow?\n"
            "- Check what they have paid recently, even small amounts: {amount_due} is open.\n"
            "- Know which instalment plans and extensions you may offer without approval.\n"
            "- Know their money days, when their own customers pay them.\n"
            "- Plan a calm call; allow time to listen.",
        ),
        "opening": (
            "Opening: calm and open",
            "{greeting}, this is {collector_name} from {company_name}. Is now a good moment to "
            "talk for a few minutes? I'm calling about the open balance of {amount_due}. I'd "
            "like to understand how things are on your side, so we can find a way forward that "
            "works for both of us.",
        ),
        "reminder": (
            "Reminder: a gentle check",
            "Hello, it's {collector_name} from {company_name}. I'm calling about the open "
            "balance of {amount_due}, just to see how things are going. If anything has "
            "changed, tell me and we can look at it together.",
        ),
        "negotiation": (
            "Negotiation: a plan they can keep",
            "Thank you for explaining. That sounds like a difficult period. Let's find "
            "something realistic. The open amount is {amount_due}. Would it help to split it "
            "into monthly instalments? What amount could you pay each month without putting "
            "the business under more strain? I'd rather settle on a smaller figure you can keep "
            "than a bigger one that breaks.",
        ),
        "closing": (
            "Closing: read back the plan",
            "Let me read back the amounts and dates you've just given me, and I'll send the "
            "full plan to you in writing today. I'll call a few days before each date as a "
            "reminder. Thank you for being open with me. If things change, please call me first.",
        ),
        "voicemail": (
            "Voicemail: invite a conversation",
            "Hello, this is {collector_name} from {company_name}. I'd like to talk with you "
            "about your account and see what arrangement would suit you. Please call me back "
            "when convenient. Thank you.",
        ),
        "sms": (
            "SMS: invite a conversation",
            "Hello {addressee}, {company_name} here. We'd like to find a way to settle "
            "{amount_due} that works for you. Please reply or call us.",
        ),
        "email": (
            "Email: offer a payment plan",
            "Subject: Your account with {company_name}: let's find a plan\n\n"
            "Dear {addressee},\n\n"
            "We understand times can be demanding for a business, and we would like to help "
            "you settle the open balance of {amount_due} in a way you can manage.\n\n"
            "We can offer monthly instalments or a short extension. Please reply with the "
            "amount and dates that would be realistic for you, and we will send you a written "
            "plan.\n\n"
            "Kind regards,\n{company_name}",
        ),
        "letter": (
            "Letter: offer of a payment plan",
            "Dear {addressee},\n\n"
            "Re: open balance of {debtor_name}\n\n"
            "Our records show an open balance of {amount_due}. If paying it in one sum is "
            "difficult at present, we are willing to discuss monthly instalments or a short "
            "extension.\n\n"
            "Please contact us with the amounts and dates that would be realistic for you, "
            "and we will set out a plan in writing.\n\n"
            "Yours sincerely,\n{company_name}",
        ),
        "visit": (
            "Field visit: work out a plan together",
            "Thank you for making time to see me. I'm not here to add to your worries. I'd "
            "like to understand where things stand and work out a plan for the {amount_due} "
            "that you can actually keep. Could you walk me through when money comes in over "
            "the next few months?",
        ),
    },
    "dispute": {
        "preparation": (
            "Preparation: evidence pack",
            "- Read the open dispute and every note about it before you call.\n"
            "- Have the contract, invoices {invoice_numbers}, delivery notes and acceptance "
            "records ready.\n"
            "- Know the part that is not in question: {undisputed_amount}.\n"
            "- Check what has already been offered to them (replacement, credit note).\n"
            "- Know which manager can step in and when they are available.",
        ),
        "opening": (
            "Opening: invite their view",
            "{greeting}, this is {collector_name} from {company_name}. I understand there's a "
            "concern about invoices {invoice_numbers}, and I'd like to hear it properly so we "
            "can put it right. Could you tell me what happened?",
        ),
        "reminder": (
            "Reminder: undisputed part",
            "Hello, it's {collector_name} from {company_name}. While we look into the point "
            "you raised, the rest of the account is not in question. Could you arrange payment "
            "of the undisputed {undisputed_amount} this week? That keeps your account in good "
            "order while we resolve the rest.",
        ),
        "negotiation": (
            "Negotiation: resolve and pay the rest",
            "Thank you for explaining it so clearly. Here is what I will do: I'll check the "
            "delivery records and come back to you within two working days. If we made an "
            "error, we'll correct it with a credit note. In the meantime, could the undisputed "
            "{undisputed_amount} go ahead? Which date would work for you?",
        ),
        "closing": (
            "Closing: summary of next steps",
            "Let me sum up the next steps: I'll send you the supporting documents and an answer "
            "on the point you raised, and you'll let me know the date for the part that isn't "
            "in question. Thank you for raising this with us directly; it helps us get it right.",
        ),
        "voicemail": (
            "Voicemail: follow-up on their concern",
            "Hello, this is {collector_name} from {company_name}, following up on the point "
            "you raised about your invoices. Please call me back when you have a moment. "
            "Thank you.",
        ),
        "sms": (
            "SMS: update on the query",
            "Hello {addressee}, {company_name} here. We are reviewing your query on "
            "{invoice_numbers} and will reply soon. The part not in question, "
            "{undisputed_amount}, can be paid now.",
        ),
        "email": (
            "Email: the undisputed amount",
            "Subject: Your query on invoices {invoice_numbers}\n\n"
            "Dear {addressee},\n\n"
            "Thank you for letting us know about your concern. We are checking it against the "
            "delivery note, the invoice and the contract, and we will send you what we find. "
            "If you would like copies of those documents now, just reply to this email.\n\n"
            "The rest of the account, {undisputed_amount}, is not affected by the query. We "
            "would be grateful if you could arrange that payment while we finish our review.\n\n"
            "Kind regards,\n{company_name}",
        ),
        "letter": (
            "Letter: our review of a query",
            "Dear {addressee},\n\n"
            "Re: your query on invoices {invoice_numbers}\n\n"
            "Thank you for the points you raised. We are reviewing them with the delivery "
            "records and the contract, and we will write to you with our findings. Where we "
            "find an error, we will issue a credit note.\n\n"
            "The balance that is not in question, {undisputed_amount}, remains due, and we ask "
            "you to settle it. Our manager will be glad to meet you to discuss any point.\n\n"
            "Yours sincerely,\n{company_name}",
        ),
        "visit": (
            "Field visit: review the documents together",
            "Thank you for seeing me. I've brought the contract, the invoices and the delivery "
            "notes so we can go through your concern line by line. Where we got something "
            "wrong, I'll put it right. Once we're clear, could we settle the part that isn't "
            "in question, {undisputed_amount}?",
        ),
    },
    "stalling": {
        "preparation": (
            "Preparation: the record of earlier calls",
            "- List every earlier commitment and what became of it, with dates and who made "
            "it.\n"
            "- Check the amount {amount_due} and that the invoices {invoice_numbers} are "
            "undisputed.\n"
            "- Decide the next step before the call (visit, manager, formal letter) and make "
            "sure it is approved.\n"
            "- Prepare one clear request: an exact amount on an exact date.\n"
            "- Stay calm; you are following a process, nothing personal.",
        ),
        "opening": (
            "Opening: direct and polite",
            "{greeting}, this is {collector_name} from {company_name}. I'm calling about the "
            "open balance of {amount_due} on invoices {invoice_numbers}, {due_status}. I'd "
            "like to settle a firm payment date with you today.",
        ),
        "reminder": (
            "Reminder: a firm date",
            "Hello, it's {collector_name} from {company_name}. I'm calling about {amount_due} "
            "on invoices {invoice_numbers}, {due_status}. Can you tell me the exact date the "
            "payment will go out?",
        ),
        "negotiation": (
            "Negotiation: an exact amount and date",
            "I understand. The invoices are correct and not in question, and the balance is "
            "{amount_due}. What I need from you today is an exact amount and an exact date. If "
            "the full amount isn't possible, how much can be paid this week, and when will the "
            "rest follow?",
        ),
        "closing": (
            "Closing: restate the commitment and the next step",
            "Let me read back the amount and the date you've just given me. I'll put them in "
            "writing today and check the payment on that date; if it hasn't arrived, the "
            "account will go to my manager for the next step in our process. Thank you.",
        ),
        "voicemail": (
            "Voicemail: request a call back today",
            "Hello, this is {collector_name} from {company_name}. I need to speak with you "
            "today about your account. Please call me back as soon as you can; I will also "
            "send you the details in writing. Thank you.",
        ),
        "sms": (
            "SMS: balance open",
            "{company_name}: {amount_due} on {invoice_numbers} is open, {due_status}. Please "
            "pay or reply with a firm date today.",
        ),
        "email": (
            "Email: request a firm date",
            "Subject: Open balance {amount_due}: please confirm a payment date\n\n"
            "Dear {addressee},\n\n"
            "Our records show {amount_due} on invoices {invoice_numbers}, {due_status}.\n\n"
            "Please make the payment within three working days, or reply with a firm date and "
            "amount. If we do not hear from you, the account will be passed to our manager to "
            "decide the next step in our process.\n\n"
            "Regards,\n{company_name}",
        ),
        "letter": (
            "Letter: request for payment",
            "Dear {addressee},\n\n"
            "Re: payment of the open balance, {debtor_name}\n\n"
            "The sum of {amount_due} on invoices {invoice_numbers} is open, {due_status}. The "
            "goods and services were delivered and the invoices have not been disputed.\n\n"
            "We ask you to pay the full amount, or to contact us with a firm date, within "
            "fourteen days of this letter. If you have a question about any item, please tell "
            "us.\n\n"
            "Yours faithfully,\n{company_name}",
        ),
        "visit": (
            "Field visit: meet the decision maker",
            "{greeting} {addressee}. I'm {collector_name} from {company_name}. I've come in "
            "person to settle the open balance of {amount_due}. I have the invoices and the "
            "record of our calls with me. I'd like to leave today with a signed payment "
            "commitment: how much will be paid, and on which date?",
        ),
    },
    "unknown": {
        "preparation": (
            "Preparation: first contact",
            "- Check the amount {amount_due}, the invoices {invoice_numbers} and their due "
            "dates.\n"
            "- Look for any notes, disputes or earlier payments.\n"
            "- Find the right person: who approves payments at {debtor_name}?\n"
            "- Plan your questions to learn why it is unpaid, so the debtor can be typed.\n"
            "- Call at the start of their working day; avoid lunch.",
        ),
        "opening": (
            "Opening: neutral first call",
            "{greeting}, may I speak with the person who looks after supplier payments? This "
            "is {collector_name} from {company_name}. I'm calling about invoices "
            "{invoice_numbers}, {amount_due} in total, {due_status}. Is there anything holding "
            "the payment up, or perhaps something we need to clear up on our side?",
        ),
        "reminder": (
            "Reminder: neutral",
            "Hello, this is {collector_name} from {company_name} with a reminder about "
            "{amount_due} on invoices {invoice_numbers}, {due_status}. Could you tell me when "
            "we can expect the payment?",
        ),
        "negotiation": (
            "Negotiation: find the reason, choose a date",
            "Thank you. So I can help, may I ask what is holding the payment back? Is it the "
            "invoice itself, timing on your side, or something else? Once I understand, we can "
            "find a date that works. What date would suit you for {amount_due}?",
        ),
        "closing": (
            "Closing: read back the commitment",
            "Thank you. Let me read back the amount and the date you've just given me. I'll "
            "send you a written confirmation today. If anything comes up before then, please "
            "let me know.",
        ),
        "voicemail": (
            "Voicemail: neutral",
            "Hello, this is {collector_name} from {company_name}. I'm calling about your "
            "account with us. Please call me back at your convenience. Thank you.",
        ),
        "sms": (
            "SMS: neutral reminder",
            "Hello {addressee}, {company_name} here: {amount_due} on {invoice_numbers}, "
            "{due_status}. Please reply if anything is unclear.",
        ),
        "email": (
            "Email: balance and request",
            "Subject: Your account with {company_name}\n\n"
            "Dear {addressee},\n\n"
            "Our records show {amount_due} on invoices {invoice_numbers}, {due_status}.\n\n"
            "Could you let us know when payment is planned? If anything does not match your "
            "records, please tell us and we will look into it straight away; we can send "
            "copies of the invoices on request.\n\n"
            "Kind regards,\n{company_name}",
        ),
        "letter": (
            "Letter: balance of account",
            "Dear {addressee},\n\n"
            "Re: balance of account, {debtor_name}\n\n"
            "According to our records, {amount_due} on invoices {invoice_numbers} is open, "
            "{due_status}.\n\n"
            "Please arrange payment or contact us if you have any question about the items "
            "listed. We will be glad to help.\n\n"
            "Yours sincerely,\n{company_name}",
        ),
        "visit": (
            "Field visit: introduce and clarify",
            "{greeting} {addressee}, I'm {collector_name} from {company_name}. Thank you for "
            "seeing me. I've brought copies of invoices {invoice_numbers}. I'd like to "
            "understand where things stand on your side and work out how we settle the "
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
        "body": "I apologise. That shouldn't have happened, and I can see why it was "
        "frustrating. Thank you for telling me. I'll correct it today and send you the "
        "corrected invoice by email before the end of the day.",
    },
    {
        "key": "apology-late-statement",
        "debtor_type": "forgetful",
        "title": "Apology: statement did not arrive",
        "body": "I'm sorry the statement didn't reach you; that makes it hard to pay on time. "
        "I'll email it to you now while we're talking, together with the payment details.",
    },
    {
        "key": "apology-product-problem",
        "debtor_type": "dispute",
        "title": "Apology: a problem with what we delivered",
        "body": "That is really bad, and I'm sorry you had to deal with it. Thank you for "
        "telling me instead of letting it go. I'll pass it to our service team today and call "
        "you back within two working days with what we'll do about it.",
    },
    {
        "key": "apology-repeated-calls",
        "debtor_type": "unknown",
        "title": "Apology: too many calls",
        "body": "I apologise if our calls have felt like too many. Let's find one time that "
        "suits you, and I'll make sure you only hear from me then.",
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
        "body": "No problem at all; it happens to everyone in a busy month. I'll send the "
        "payment details now so it takes you one minute.",
    },
    {
        "key": "empathy-hardship",
        "debtor_type": "hardship",
        "title": "Empathy: cash-flow trouble",
        "body": "Thank you for being honest with me. That sounds like a hard time for the "
        "business. Let's look at what is realistic for you; a plan you can keep is better for "
        "both of us.",
    },
    {
        "key": "empathy-dispute",
        "debtor_type": "dispute",
        "title": "Empathy: they feel let down",
        "body": "I understand why you're unhappy. If I were in your place I would feel the "
        "same. Let me make sure I have every detail, so I can get it resolved properly.",
    },
    {
        "key": "empathy-stalling",
        "debtor_type": "stalling",
        "title": "Empathy: acknowledge, then hold the line",
        "body": "I hear that things are busy on your side, and I appreciate you taking my "
        "call. I still need an exact date for {amount_due} today. Which day can you "
        "commit to?",
    },
    {
        "key": "empathy-angry-caller",
        "debtor_type": "unknown",
        "title": "Empathy: caller is upset",
        "body": "I can hear this has been really frustrating, and I want to help. If you'd "
        "prefer, I can arrange for my manager to call you today to discuss it. What time "
        "would suit you?",
    },
]
