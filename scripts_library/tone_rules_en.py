"""The rules of the built-in tone guard for English text: how the word
families of tone_words_en combine. Each rule: (kind, pattern, unless,
severity). A rule fires where its pattern matches inside one sentence, unless
its `unless` pattern is found in that same sentence (a lawful context). Kinds
are explained to the user in scripts_library.tone_categories."""

from __future__ import annotations

from .tone_words_en import (
    ACTOR,
    ADJ,
    APOS,
    APPOINTMENT,
    ASSET,
    ASSET_STRICT,
    BUSINESS_THIRD,
    CALL,
    CHILD,
    COME,
    COME_STRONG,
    CONTACT,
    DISCLOSE,
    FAMILY,
    FREQ,
    HOME,
    INSULT_SOFT,
    INSULT_WORDS,
    LAWFUL_COURT,
    MENACE,
    NAME_CALL,
    NOT_A_VISIT,
    NOT_CRIMINAL,
    OBJ,
    PERSONAL,
    POSS,
    SEIZE,
    SEP,
    SUPPORT,
    TARGET_BUSINESS,
    TARGET_PERSONAL,
    D,
    F,
    alt,
    either,
    near,
)

# --- Rules -----------------------------------------------------------------------

_Y = rf"(?:you|he|she|they)(?:{APOS}ll|{APOS}re\s+going\s+to|\s+will|\s+are\s+going\s+to|\s+would)"

# fmt: off
RULES = [
    # 1. Violence, and people turning up at the home.
    (
        "violence",
        rf"\bpay\w*\s+{OBJ}\s+a\s+(?:little\s+|friendly\s+|personal\s+)?visit\b|\bwe\W?(?:re|\s+are"
        r"|ll\s+be|\s+will\s+be)\s+coming(?:\s+(?:for|after|round|over|to\s+(?:get|find)))?\s*(?:[,.!;]|$)"
        r"|\b(?:lock|locked)\s+(?:your|his|her|their)\s+doors\b",
        APPOINTMENT + r"|\b(?:office|premises|site|warehouse|meeting)\b",
        F,
    ),
    (
        "violence",
        near(ACTOR, COME_STRONG, 3),
        APPOINTMENT + r"|\b(?:office|premises|site|warehouse|call|phone|email)\b",
        F,
    ),  # noqa: E501
    (
        "violence",
        near(alt(r"send(?:ing)?", r"sent"), ACTOR, 3),
        APPOINTMENT + r"|\b(?:office|premises|site|warehouse)\b",
        F,
    ),  # noqa: E501
    ("violence", near(COME, rf"{POSS}\s+{HOME}", 5), APPOINTMENT + "|" + NOT_A_VISIT, F),
    ("violence", near(ACTOR, rf"{POSS}\s+{HOME}", 6), APPOINTMENT + "|" + NOT_A_VISIT, F),
    (
        "violence",
        rf"\bknows?\b(?:{SEP}\w+){{0,2}}?{SEP}where\b(?:{SEP}\w+){{0,5}}?{SEP}"
        r"(?:live|lives|living|work|works|go|goes|study|studies|school|park|parks|sleep|sleeps|"
        r"stay|stays|play|plays|shop|shops)\b|\bknows?\s+which\s+school",
        r"\blet\s+(?:me|us)\s+know\b|\bplease\b|\?",
        F,
    ),
    ("violence", rf"\bknow\s+{POSS}\s+(?:home\s+)?address\b", None, F),
    (
        "violence",
        near(
            alt(
                r"hurt", r"harm", r"injure", r"beat", r"punch", r"kick", r"slap", r"stab",
                r"cripple", r"kill",
            ),  # fmt: skip
            alt(OBJ, rf"{POSS}\s+{FAMILY}"),
            1,
        ),
        None,
        F,
    ),
    (
        "violence",
        near(
            alt(r"break", r"breaking", r"smash", r"smashing", r"snap", r"burn", r"torch"),
            rf"{POSS}\s+(?:\w+\s+)?(?:legs?|arms?|knees?|kneecaps?|fingers?|bones?|neck|face|"
            r"head|jaw|teeth|nose|windows?|car|doors?|house|shop|place)",
            1,
        ),
        None,
        F,
    ),
    (
        "violence",
        r"\b(?:get|gets|getting|got|be|end\s+up|ends\s+up)\s+(?:badly\s+)?(?:hurt|injured|harmed|"
        r"beaten(?:\s+up)?|killed)\b|\b(?:beat|rough|smack)\s+(?:you|him|her|them)\s+up\b|"
        r"\bset\s+fire\s+to\b|\b(?:stay|keep|want)\w*\s+(?:\w+\s+)?in\s+one\s+piece\b|\bbroken\s+(?:legs?|bones|arms?)\b|"
        r"\b(?:heavies|thugs|goons|enforcers|baseball\s+bats?|crowbars?|guns?|knives)\b|"
        r"\b(?:get|turn|become|gets|turns)\s+(?:physical|violent)\b",
        None,
        F,
    ),
    (
        "violence",
        rf"\b(?:come|coming|came)\s+(?:for|after)\s+{OBJ}\b|\b(?:find|hunt\s+down|track\s+down|"
        rf"track|follow)\s+{OBJ}\b(?!\s+(?:a|an|the|your|on|in|up)\b)",
        r"\b(?:invoice|statement|payment|file|record)s?\b",
        F,
    ),
    # 2. Family, children, school and neighbours as pressure.
    ("family", rf"\bthink\s+(?:about|of)\s+{POSS}\s+(?:\w+\s+)?{FAMILY}\b", None, F),
    ("family", rf"\bfor\s+{POSS}\s+(?:{FAMILY}{APOS}?s?\s+)sake\b", None, F),
    (
        "family",
        rf"\b{POSS}\s+(?:\w+\s+)?{FAMILY}\s+(?:\w+\s+){{0,2}}?(?:will|would|could|might|may|"
        r"are\s+going\s+to|is\s+going\s+to|won't|wouldn't)\s+(?:\w+\s+)?(?:suffer|pay|be\s+(?:"
        r"ashamed|embarrassed|affected|hurt|next|sorry|dragged|involved|told|visited|shamed|"
        r"humiliated)|find\s+out|hear\s+(?:about|of|from)|know\s+(?:about|what|everything|that)|"
        r"see\s+(?:this|it|what|you)|get\s+hurt|pay\s+the\s+price|learn)\b",
        None,
        F,
    ),
    (
        "family",
        rf"\b(?:drag|involve|bring|pull)\w*\s+{POSS}\s+(?:\w+\s+)?{FAMILY}\s+into\b",
        None,
        F,
    ),
    (
        "family",
        rf"\b(?:does|do|did|would|will)\s+{POSS}\s+(?:\w+\s+)?{FAMILY}\s+(?:know|like|want|"
        r"approve|say|think)\b|\bwhat\s+(?:would|will)\s+"
        rf"{POSS}\s+(?:\w+\s+)?{FAMILY}\s+(?:say|think)\b",
        None,
        F,
    ),
    (
        "family",
        either(
            FAMILY,
            alt(
                r"embarrass\w*", r"ashamed", r"humiliat\w+", r"disgrace\w*", r"know\s+about",
                r"finds?\s+out", r"hears?\s+(?:about|of)", r"safe(?:ty)?", r"sleep\s+well",
                r"knows?\s+about",
            ),  # fmt: skip
            5,
        ),
        r"\b(?:hope|wish|sorry\s+to\s+hear|understand)\b",
        F,
    ),
    (
        "family",
        rf"\b(?:outside|at|near|to|by|around|visit\w*)\s+{POSS}\s+(?:{CHILD}{APOS}?s?\s+)?"
        r"(?:school|kindergarten|nursery|daycare|playground|school\s+gates?)\b(?!\s+(?:fees?|"
        r"holidays?|term|run|year|uniforms?|bills?|costs?))",
        r"\b(?:fees?|holidays?|term|costs?|bills?)\b",
        F,
    ),
    (
        "family",
        rf"\b(?:watch(?:ing)?|follow(?:ing)?|wait(?:ing)?\s+for)\s+{POSS}\s+{CHILD}\b|"
        r"\boutside\s+(?:the\s+)?school\b",
        None,
        F,
    ),
    (
        "family",
        rf"\b(?:the|{POSS})\s+neighbou?rs\s+(?:will|would|could|are\s+going\s+to|might)\s+"
        r"(?:\w+\s+)?(?:see|know|hear|find\s+out|talk|watch|love|enjoy)\b|\bin\s+front\s+of\s+"
        rf"{POSS}\s+(?:\w+\s+)?(?:{PERSONAL}|{BUSINESS_THIRD})\b",
        None,
        F,
    ),
    # 3. Third parties told or contacted about the debt.
    ("third_party", near(CONTACT, TARGET_PERSONAL, 1), None, F),
    ("third_party", near(DISCLOSE, TARGET_BUSINESS, 1), None, F),
    (
        "third_party",
        rf"\b(?:got|have|has|had|downloaded|copied|accessed|saved|took)\s+{POSS}\s+(?:phone\s+|"
        r"mobile\s+|wechat\s+)?(?:contact\s+list|contacts|phone\s*book|address\s+book|friends\s+list)\b",
        None,
        F,
    ),
    (
        "third_party",
        rf"\b(?:speak|talk)\w*\s+(?:to|with)\s+{POSS}\s+(?:{ADJ}\s+)?(?:friends|colleagues|"
        r"co-?workers|workmates|employers?|hr|neighbou?rs|landlord|relatives|references|contacts|"
        r"church|pastor|teachers?|parents|kids|children)\b",
        None,
        F,
    ),
    (
        "third_party",
        rf"\blet\s+(?:{TARGET_PERSONAL}|{TARGET_BUSINESS}|everyone|everybody)\s+know\b",
        None,
        F,
    ),
    (
        "third_party",
        rf"\b(?:everyone|everybody|all|each\s+person)\s+(?:\w+\s+){{0,2}}?(?:in|on|at|from)\s+"
        rf"{POSS}\s+(?:phone|mobile|contacts|contact\s+list|address\s+book|phone\s*book|"
        r"office|workplace|street|building|family|village|town|church|company|friends\s+list)\b",
        None,
        F,
    ),
    (
        "third_party",
        rf"\b{POSS}\s+(?:{ADJ}\s+)?{PERSONAL}\s+(?:will|would|are\s+going\s+to|is\s+going\s+to|"
        r"could|may|might)\s+(?:all\s+)?(?:be\s+)?(?:told|informed|contacted|called|notified|"
        r"visited|hear(?:ing)?\s+from\s+us|get(?:ting)?\s+(?:a\s+)?calls?|get(?:ting)?\s+letters?|"
        r"receiv(?:e|ing)\s+(?:a\s+)?(?:call|letter|message)s?|see|know|find\s+out|read|learn|"
        r"hear\s+about)\b",
        None,
        F,
    ),
    (
        "third_party",
        rf"\b(?:lose|losing|lost)\s+{POSS}\s+(?:job|position|house|home|kids|children|licen[cs]e|"
        r"visa|friends|family|marriage)\b|\bwarn\s+(?:all\s+)?(?:the\s+)?other\s+(?:suppliers|"
        r"companies|businesses|creditors|lenders|firms|traders)\b",
        None,
        F,
    ),
    # 4. False legal claims.
    (
        "false_legal",
        r"\b(?:jail|gaol|prison|locked\s+up|behind\s+bars|handcuff\w*|cuffed|arrest\w*|"
        r"criminal(?:ly)?|prosecut\w+|charged\s+with|convicted|conviction|warrants?|deport\w*|"
        r"immigration|cops|police\s+(?:matter|case)|custody|jail\s+time|travel\s+ban|"
        r"banned\s+from\s+(?:travel\w*|leaving|flying)|(?:passport|visa)\s+(?:will\s+be\s+)?"
        r"(?:seized|taken|cancell?ed|revoked))\b",
        NOT_CRIMINAL,
        F,
    ),
    ("false_legal", r"\b(?:police|cops)\b", NOT_CRIMINAL, F),
    (
        "false_legal",
        near(
            SEIZE, rf"(?:(?:{POSS}|the|all|every|all\s+{POSS})\s+(?:\w+\s+)?{ASSET}|everything)", 2
        ),
        LAWFUL_COURT + r"|\bfees?\b|\binterest\b|\bcharges\b",
        F,
    ),  # noqa: E501
    (
        "false_legal",
        near(ASSET_STRICT, rf"(?:be\s+|get\s+|being\s+)?{SEIZE}", 3),
        LAWFUL_COURT + r"|\bfees?\b|\binterest\b",
        F,
    ),  # noqa: E501
    (
        "false_legal",
        rf"\b(?:take|taking|took)\s+(?:away\s+)?(?:{POSS}|all\s+{POSS}|everything)\s+(?:\w+\s+)?{ASSET_STRICT}",
        LAWFUL_COURT,
        F,
    ),  # noqa: E501
    (
        "false_legal",
        r"\b(?:without|no\s+need\s+for|(?:don|doesn|won)\W?t\s+need|do\s+not\s+need|never\s+need)"
        r"\s+(?:a\s+|any\s+)?(?:court|judge|judgment|judgement|lawsuit|hearing)\b",
        None,
        F,
    ),
    (
        "false_legal",
        r"\b(?:is|it\W?s|that\W?s|this\s+is|are|was|committing|committed|guilty\s+of|accused\s+"
        r"of|amounts\s+to|counts\s+as|considered|call\s+it|it\s+is)\s+(?:now\s+)?(?:a\s+|an\s+)?"
        r"(?:crime|criminal|illegal|fraud|theft|stealing|embezzlement|offen[cs]e)\b",
        r"\bfor\s+us\b|\billegal\s+for\b",
        F,
    ),
    (
        "false_legal",
        near(
            alt(r"send(?:ing)?", r"call(?:ing)?", r"bring(?:ing)?", r"set(?:ting)?"),
            alt(r"bailiffs?", r"sheriffs?", r"marshals?", r"enforcement\s+officers?"),
            3,
        )  # fmt: skip
        + r"|\bbailiffs?\s+(?:will|are|at|on)\b|\b(?:sheriffs?|bailiffs?|marshals?|police|"
        r"officers?)\s+(?:is|are|will\s+be)\s+(?:already\s+)?on\s+(?:his|her|their|the|its)\s+way\b",
        LAWFUL_COURT,
        F,
    ),
    (
        "false_legal",
        rf"\b(?:you|he|she|they){APOS}?(?:ll|\s+will|\s+are\s+going\s+to)\s+(?:lose|be\s+stripped"
        r"\s+of)\s+(?:everything|your\s+(?:house|home|car|kids|children|business))\b",
        LAWFUL_COURT,
        F,
    ),
    (
        "false_legal",
        rf"\bfreez\w*\s+{POSS}\s+account\b(?!s)",
        r"\bfees?\b|\binterest\b|\bcredit\b|\bwith\s+us\b|\border",
        D,
    ),  # noqa: E501
    # 5. Impersonating the police, a court or a lawyer.
    (
        "impersonation",
        rf"\b(?:i\s+am|i{APOS}m|i\s+was|we\s+were|this\s+is|it{APOS}s|it\s+is|my\s+name\s+is|"
        rf"we\s+are|we{APOS}re|calling\s+from|"
        r"pretend\w*\s+to\s+be|posing\s+as|calling\s+on\s+behalf"
        r"\s+of|on\s+behalf\s+of|speaking\s+for|representing|acting\s+for|here\s+from|writing\s+"
        r"from|sent\s+by)\s+(?:(?:the|a|an|your\s+local)\s+(?:\w+\s+){0,2}?)?"
        r"(?:police|precinct|court(?:house)?|judge|magistrate|prosecutor\w*|district\s+attorney|"
        r"sheriff\w*|bailiffs?|marshals?|officer|detective|inspector|sergeant|constable|law\s+"
        r"enforcement|government|tax\s+office|fbi|interpol|ministry|lawyers?|attorneys?|"
        r"solicitors?|barristers?|law\s+firm|legal\s+enforcement)\b",
        r"\b(?:credit|control|account|accounts|collections?|customer|finance|our|compliance)\s+"
        r"officer\b|\b(?:our|with|through|by|ask\w*|consult\w*|instruct\w*)\s+(?:a\s+|the\s+|"
        r"our\s+)?(?:lawyers?|solicitors?|attorneys?|law\s+firm)",
        F,
    ),
    (
        "impersonation",
        r"\b(?:this\s+is|attached\s+is|enclosed\s+is|here\s+is|we\s+(?:have\s+)?(?:issued|sent|"
        r"filed)|has\s+been\s+issued|you\s+(?:have\s+)?received)\s+(?:an?\s+|the\s+|your\s+)?"
        r"(?:official\s+|formal\s+|final\s+)?(?:court|police|judicial|government|sheriff\W?s?)"
        r"\s+(?:notice|summons|warrant|order|document|papers|letter)\b|\b(?:friends?|contacts?|"
        r"connections?|people|someone|a\s+guy|mates?)\s+(?:\w+\s+){0,2}?(?:in|at)\s+the\s+"
        r"(?:police|courts?|government|tax\s+office)\b",
        None,
        F,
    ),
    # 6. Public shaming.
    (
        "shaming",
        near(
            alt(
                r"post(?:ing|ed)?", r"publish(?:ing|ed)?", r"shar(?:e|ing|ed)", r"put(?:ting)?",
                r"spread(?:ing)?", r"plaster(?:ing)?", r"upload(?:ing)?", r"broadcast(?:ing)?",
                r"print(?:ing)?", r"advertis(?:e|ing)", r"list(?:ing)?", r"nam(?:e|ing)",
                r"expos(?:e|ing)", r"announc(?:e|ing)", r"display(?:ing)?", r"circulat\w+",
                r"tweet(?:ing)?", r"stick(?:ing)?",
            ),  # fmt: skip
            alt(
                r"online", r"on(?:\s+the)?\s+(?:internet|web|net)", r"social(?:\s+media)?",
                r"facebook", r"twitter", r"instagram", r"linkedin", r"tiktok", r"youtube",
                r"reddit", r"wechat", r"weibo", r"moments", r"whatsapp", r"newspapers?",
                r"(?:local|the)\s+papers?\b(?!\s+(?:copy|copies|version|statement|invoice|form))",
                r"the\s+news", r"notice\s*boards?", r"bulletin\s+boards?", r"publicly",
                r"in\s+public", r"billboards?", r"posters?", r"flyers?", r"leaflets?",
                r"(?:our|a|the)\s+website",
                r"for\s+(?:everyone|everybody|all|the\s+world)\s+to"
                r"\s+see", r"lamp\s*posts?",
            ),  # fmt: skip
            8,
        ),
        r"\b(?:portal|secure|private|password|log\s*in|customer\s+area|account\s+page|terms|"
        r"prices|catalogue|opening\s+hours|bank\s+details|payment\s+(?:details|link)|how\s+to\s+"
        r"pay|procedures?|polic(?:y|ies)|faqs?|guides?|help\s+pages?|our\s+(?:details|address|"
        r"products))\b",
        F,
    ),
    (
        "shaming",
        r"\b(?:name\s+and\s+shame|(?:wall|hall|list)\s+of\s+shame|public(?:ly)?\s+(?:shame|"
        r"humiliat\w+|expos\w+|nam\w+|list\w*)|(?:shame|humiliate|expose|disgrace)\s+(?:you|"
        r"him|her|them|your|his|their)|black\s*list\w*|bad\s+payers?\W?\s+list|list\s+of\s+"
        r"(?:bad\s+payers|debtors|deadbeats|defaulters)|(?:debtors|defaulters)\W?\s+list|"
        r"wanted\s+posters?|(?:everyone|everybody|the\s+whole\s+(?:town|street|world|industry|"
        r"village|neighbou?rhood|office|city|market|family))\s+(?:will|would|is\s+going\s+to|"
        r"should|is\s+gonna)\s+(?:\w+\s+)?(?:know|see|hear|find\s+out|learn))\b",
        None,
        F,
    ),
    # 7. Insults and slurs.
    ("insult", rf"\b{INSULT_WORDS}\b", r"\b(?:beware|pretend\w*|impersonat\w*|phishing|fake)\b", F),  # noqa: E501
    ("insult", rf"\b{NAME_CALL}\s+(?:\w+\s+)?{INSULT_SOFT}\b", r"\b(?:it|goods|product)\b", F),
    ("insult", r"\b(?:are|is|be|keep|keeps|stop|you\W?re|he\W?s|she\W?s)\s+lying\b", None, F),
    ("insult", r"\b(?:damn|bloody|crap|you\s+people)\b", None, D),
    # 8. Harassment by frequency.
    ("frequency", either(CALL, FREQ, 6), SUPPORT, F),
    (
        "frequency",
        rf"\b(?:bombard|harass|hound|pester|stalk)\w*\s+(?:{OBJ}|{POSS})\b|\bkeep\s+(?:calling|"
        r"ringing|texting|coming)\s+(?:\w+\s+)?(?:until|till|every|day)\b",
        None,
        F,
    ),
    # 9. Vague menace.
    (
        "menace",
        rf"\b(?:you|he|she|they){APOS}?(?:d|\s+had)\s+better\s+(?:watch|be\s+careful|look\s+out|"
        r"hope|pray|think\s+twice|not\s+ignore|keep\s+an\s+eye|sleep)\b|\bwatch\s+(?:out\b(?!\s+"
        r"for)|your\s+back|yourself|your\s+step|your\s+mouth|it\b)|\blook(?:ing)?\s+over\s+"
        r"(?:your|his|her|their)\s+shoulder|\bsleep\s+with\s+one\s+eye|"
        r"\bor\s+else\b|\bor\s+you(?:\W?ll|\s+will)\s+(?:see|be\s+sorry|regret)|"
        r"\b(?:you|he|she|they)\W?(?:ll|\s+will|\s+are\s+going\s+to|\s+would)\s+be\s+sorry\b|"
        rf"\b{_Y}\s+regret\b|\b{_Y}\s+pay\s+for\s+(?:this|that|it)\b(?!\s+(?:by|with|in|via|"
        rf"through|online|on|today|now|before|this|at|when))|\b(?:you{APOS}?ve|you\s+have|"
        rf"consider\s+yourself|you{APOS}?re|you\s+are)\s+(?:been\s+)?warned\b|\bdon\W?t\s+say\s+"
        r"(?:we|i)\s+didn\W?t\s+warn",
        None,
        F,
    ),
    (
        "menace",
        r"\bthings\s+(?:will|could|might|are\s+going\s+to|can|may|would)\s+(?:\w+\s+)?(?:get|"
        r"turn|become)\s+(?:very\s+|really\s+)?(?:ugly|nasty|messy|unpleasant|worse|bad|"
        r"dangerous)\b|\bmake\s+(?:your|his|her|their)\s+life\s+(?:\w+\s+)?(?:hell|difficult|"
        r"miserable|a\s+misery|a\s+nightmare|hard|unbearable|uncomfortable)\b|\b(?:you|he|she|"
        r"they)\s+(?:don\W?t|do\s+not|wouldn\W?t|would\s+not)\s+want\s+(?:to\s+(?:find\s+out|"
        r"know|see|test|learn|make)|(?:us|me)\s+to|this\s+to|anything|something|trouble)\b",
        r"\bwant\s+(?:to\s+see|to\s+know)\s+(?:the|a|your|our)\b",
        F,
    ),
    ("menace", alt(*MENACE), r"\bunless\s+the\s+contract\b", F),
    (
        "violence",
        rf"\b(?:bricks?|rocks?|stones?|bottles?)\s+through\s+{POSS}\b|\b{COME_STRONG}\s+(?:up\s+)?"
        rf"(?:at|to)\s+{POSS}\s+(?:\w+(?:{APOS}s|s{APOS}|{APOS})\s+)?(?:wedding|funeral|party|"
        r"birthday|church|gym|club|workplace|job|school|home|house|door)\b",
        APPOINTMENT + r"|\b(?:office|premises|site|warehouse)\b",
        F,
    ),
    (
        "third_party",
        rf"\b{POSS}\s+(?:{ADJ}\s+)?{PERSONAL}(?:{APOS}s|s?{APOS})\s+(?:phone\s+)?(?:numbers?|"
        r"address(?:es)?|details|phones?|emails?|workplace|mobiles?)\s+(?:is|are)\s+(?:on\s+(?:our\s+)?"
        r"file|in\s+our\s+system|with\s+us)|\b(?:we\s+have|we\W?ve\s+got|we\s+know|we\s+found)\s+"
        rf"{POSS}\s+(?:{ADJ}\s+)?{PERSONAL}(?:{APOS}s|s?{APOS})\s+(?:phone\s+)?(?:numbers?|"
        r"address(?:es)?|details|workplace|mobiles?)\b",
        None,
        F,
    ),
    (
        "false_legal",
        rf"\b(?:lock|locking|locked)\s+{OBJ}\s+out\b|\bevict\w*\b|\b(?:shut|close)\s+down\s+"
        rf"{POSS}\s+(?:shop|business|company|store)\b|\b(?:empty|drain|clear\s+out|wipe\s+out)\s+"
        rf"{POSS}\s+(?:bank\s+accounts?|accounts|savings|funds)\b",
        LAWFUL_COURT,
        F,
    ),
    (
        "impersonation",
        r"\b(?:hear(?:ing)?\s+from|(?:a\s+)?(?:call|visit)\s+from|visited\s+by|contacted\s+by)\s+"
        r"(?:the\s+)?(?:inspector|detective|sergeant|constable|officer|police|fraud\s+squad|judge|"
        r"bailiffs?|sheriff)\b|\bfraud\s+squad\b|\b(?:division|department|office|unit|section|"
        r"clerk|officers?)\s+of\s+the\s+(?:\w+\s+)?(?:court|police|sheriff|government|ministry)\b",
        None,
        F,
    ),
    (
        "shaming",
        rf"\b{POSS}\s+(?:face|name|photo|picture|details|debt)s?\s+(?:will|would|is\s+going\s+to|"
        r"could|are\s+going\s+to)\s+(?:\w+\s+)?(?:be\s+)?(?:on|in|all\s+over|everywhere)\s+(?:\w+\s+)?"
        r"(?:every|all|the\s+news|the\s+internet|social|facebook|lamp\s*posts?|posters?|walls?|"
        r"billboards?|the\s+papers?|town|the\s+street)",
        None,
        F,
    ),
    (
        "family",
        near(rf"{POSS}\s+(?:\w+\s+)?{FAMILY}", r"(?:see|seeing|watch|find|meet)\s+us", 4),
        None,
        F,
    ),
    (
        "frequency",
        near(
            CALL,
            r"every\s+(?:single\s+)?(?:morning|day)\s+and\s+(?:every\s+)?(?:night|evening)",
            12,
        ),
        SUPPORT,
        F,
    ),
    (
        "pressure",
        r"\b(?:last|final)\s+(?:warning|chance)\b|\b(?:you|he|she|they)\W?(?:d|\s+had)\s+better"
        r"\b|\bwhatever\s+it\s+takes\b|\bwe\W?ll\s+see\s+about\s+that\b",
        None,
        D,
    ),
]
# fmt: on
