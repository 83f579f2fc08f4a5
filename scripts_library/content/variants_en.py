"""English variants that say more, each used only when what it says is true
(see scripts_library.facts): a promise, a broken promise, an instalment plan,
an overdue balance, a named collector. Every stage also has a plain track in
tracks_en.py that needs none of these, so there is always something to say."""

VARIANTS = [
    {
        "key": "stalling-opening-overdue",
        "debtor_type": "stalling",
        "stage": "opening",
        "title": "Opening: overdue balance",
        "body": "{greeting}, this is {collector_name} from {company_name}. I'm calling about "
        "the overdue {overdue_amount}, which is now {days_overdue} past due. I'd like to "
        "settle a firm payment date with you today.",
    },
    {
        "key": "stalling-reminder-promise",
        "debtor_type": "stalling",
        "stage": "reminder",
        "title": "Reminder: the date you gave",
        "body": "Hello, it's {collector_name} from {company_name}. I'm calling about the "
        "payment of {promise_amount} you agreed for {promise_date}. Can you tell me where it "
        "stands?",
    },
    {
        "key": "stalling-sms-broken",
        "debtor_type": "stalling",
        "stage": "sms",
        "title": "SMS: agreed payment not received",
        "body": "{company_name}: the payment of {promise_amount} you agreed for {promise_date} "
        "has not reached us. Please pay today or reply with a firm date.",
    },
    {
        "key": "stalling-email-broken",
        "debtor_type": "stalling",
        "stage": "email",
        "title": "Email: agreed payment not received",
        "body": "Subject: Agreed payment of {promise_amount} not received\n\n"
        "Dear {addressee},\n\n"
        "The payment of {promise_amount} you agreed to make by {promise_date} has not reached "
        "us, and {overdue_amount} is now {days_overdue} past due.\n\n"
        "Please make the payment within three working days, or reply with a firm date and "
        "amount. If we do not hear from you, the account will be passed to our manager to "
        "decide the next step, which may include a formal demand.\n\n"
        "Regards,\n{collector_name}\n{company_name}",
    },
    {
        "key": "stalling-letter-overdue",
        "debtor_type": "stalling",
        "stage": "letter",
        "title": "Letter: formal demand",
        "body": "Dear {addressee},\n\n"
        "Re: formal demand for payment, {debtor_name}\n\n"
        "The sum of {overdue_amount} on invoices {invoice_numbers} remains unpaid and is "
        "{days_overdue} past due. The goods and services were delivered and the invoices "
        "have not been disputed.\n\n"
        "We ask you to pay the full amount within fourteen days of the date of this letter. "
        "If payment is not received, we will consider recovering the debt through the "
        "procedures available to us under the contract and the law, and we will inform you "
        "before we do so.\n\n"
        "Yours faithfully,\n{collector_name}\n{company_name}",
    },
    {
        "key": "hardship-reminder-plan",
        "debtor_type": "hardship",
        "stage": "reminder",
        "title": "Reminder: the instalment",
        "body": "Hello, it's {collector_name} from {company_name}. I'm calling about your "
        "instalment of {promise_amount}, due on {promise_date}, just to check everything is "
        "still on track. If anything has changed, tell me and we can look at it together.",
    },
    {
        "key": "hardship-sms-plan",
        "debtor_type": "hardship",
        "stage": "sms",
        "title": "SMS: instalment reminder",
        "body": "Hello {addressee}, {company_name} here. A reminder about your instalment of "
        "{promise_amount}, due on {promise_date}. If anything has changed, please call us. "
        "Thank you.",
    },
    {
        "key": "hardship-letter-plan",
        "debtor_type": "hardship",
        "stage": "letter",
        "title": "Letter: the instalment plan",
        "body": "Dear {addressee},\n\n"
        "Re: instalment plan for {debtor_name}\n\n"
        "Further to our conversation, this letter sets out the agreed plan for the open "
        "balance of {amount_due}. The instalment of {promise_amount} falls on "
        "{promise_date}; we will write to you with each following date.\n\n"
        "We will remind you a few days before each instalment. If your circumstances "
        "change, please contact us before the date so that we can review the plan "
        "together.\n\n"
        "Yours sincerely,\n{collector_name}\n{company_name}",
    },
    {
        "key": "forgetful-closing-promise",
        "debtor_type": "forgetful",
        "stage": "closing",
        "title": "Closing: confirm the date",
        "body": "Wonderful, so that's {promise_amount} on {promise_date}. I'll send you a short "
        "written confirmation with the payment details now. Thank you for sorting this out "
        "so quickly.",
    },
    {
        "key": "unknown-closing-promise",
        "debtor_type": "unknown",
        "stage": "closing",
        "title": "Closing: confirm the commitment",
        "body": "Thank you. To confirm: {promise_amount} on {promise_date}. I'll send you a "
        "written confirmation today. If anything comes up before then, please let me know.",
    },
    {
        "key": "forgetful-email-signed",
        "debtor_type": "forgetful",
        "stage": "email",
        "title": "Email: friendly reminder, signed",
        "body": "Subject: Friendly reminder: invoices {invoice_numbers}\n\n"
        "Dear {addressee},\n\n"
        "I hope all is well. This is a quick reminder about {amount_due} on invoices "
        "{invoice_numbers}, {due_status}.\n\n"
        "If the payment is already on its way, thank you, and please let me know the date "
        "so I can match it. If you need a copy of any invoice, just reply to this email.\n\n"
        "Kind regards,\n{collector_name}\n{company_name}",
    },
    {
        "key": "dispute-email-disputed",
        "debtor_type": "dispute",
        "stage": "email",
        "title": "Email: the disputed and the undisputed amounts",
        "body": "Subject: Your query on invoices {invoice_numbers}\n\n"
        "Dear {addressee},\n\n"
        "Thank you for letting us know about your concern. We are reviewing the disputed "
        "{disputed_amount} against the delivery note, the invoice and the contract, and we "
        "will send you what we find.\n\n"
        "The rest of the account, {undisputed_amount}, is not affected by the query. We "
        "would be grateful if you could arrange that payment while we finish our review.\n\n"
        "Kind regards,\n{company_name}",
    },
    {
        "key": "hardship-closing-promise",
        "debtor_type": "hardship",
        "stage": "closing",
        "title": "Closing: confirm the first payment",
        "body": "So, to sum up: the first payment of {promise_amount} on {promise_date}, and I'll "
        "send the full plan to you in writing today. I'll call a few days before each date as "
        "a reminder. Thank you for being open with me. If things change, please call me first.",
    },
    {
        "key": "stalling-closing-promise",
        "debtor_type": "stalling",
        "stage": "closing",
        "title": "Closing: restate the commitment and the next step",
        "body": "So that's {promise_amount} on {promise_date}. I'll confirm this in writing "
        "today. I'll check the payment on that date, and if it hasn't arrived, the account "
        "will go to my manager for the next step in our process. Thank you.",
    },
    {
        "key": "dispute-closing-promise",
        "debtor_type": "dispute",
        "stage": "closing",
        "title": "Closing: next steps and the payment date",
        "body": "Let me sum up: I'll send you the supporting documents and an answer on the point "
        "you raised, and you'll arrange {promise_amount} on {promise_date}. Thank you for "
        "raising this with us directly; it helps us get it right.",
    },
]
