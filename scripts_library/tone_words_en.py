"""English word families for the built-in tone guard (people, places, verbs,
assets, insults, lawful contexts such as "by appointment" or "a court order"),
and the helpers that combine them into patterns. The rules themselves are in
tone_rules_en. Everything is written in lower case: the text is lower-cased
before it is matched."""

from __future__ import annotations

F, D = "forbidden", "discouraged"

# Between two words of one clause: spaces and light punctuation, never a full stop.
SEP = r"[^\w.!?;:\n]+"
APOS = r"['’]"


def alt(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


def near(a: str, b: str, gap: int = 4) -> str:
    """`a`, then at most `gap` words, then `b`, in one clause."""
    return rf"\b{a}\b(?:{SEP}\w+){{0,{gap}}}?{SEP}{b}\b"


def either(a: str, b: str, gap: int = 4) -> str:
    return alt(near(a, b, gap), near(b, a, gap))


# --- People and places ---------------------------------------------------------

POSS = alt("your", "his", "her", "their", rf"the\s+(?:debtor|owner|client|customer){APOS}s")
OBJ = alt("you", "him", "her", "them", "ya")
SUBJ = alt("you", "he", "she", "they")
HOME = alt(
    r"house", r"home(?!\s+(?:office|page))", r"place", r"flat", r"apartment",
    r"(?:front\s+)?door", r"doorstep", r"gate", r"street", r"driveway", r"garden",
    r"bedroom", r"neighbou?rhood", r"home\s+address", r"road",
)  # fmt: skip
CHILD = alt(
    r"kids?", r"children", r"child", r"sons?", r"daughters?", r"baby", r"grandchildren",
    r"grandkids", r"little\s+ones", r"(?:little\s+)?(?:girls?|boys?)",
)  # fmt: skip
FAMILY_WORD = r"famil(?:y|ies)(?![\s-]+(?:business|firm|company|run|owned|shop|enterprise|name))"
FAMILY = alt(
    CHILD, FAMILY_WORD, r"wife", r"husband", r"spouse", r"parents?", r"mother", r"mum",
    r"mom", r"father", r"dad", r"relatives", r"in-laws", r"brothers?", r"sisters?",
    r"girlfriend", r"boyfriend", r"grand(?:mother|father|ma|pa|parents)", r"loved\s+ones",
    r"ex-?(?:wife|husband|partner)", r"ex", r"fianc[eé]e?", r"cousins?", r"aunts?", r"uncles?",
    r"nephews?", r"nieces?", r"(?:mother|father|brother|sister|son|daughter)s?-in-law",
)  # fmt: skip
# People outside the debt: telling or calling them is a disclosure.
PERSONAL = alt(
    FAMILY, r"friends", r"colleagues", r"co-?workers", r"workmates", r"employers?",
    r"hr(?:\s+department)?", r"human\s+resources", r"workplace",
    r"neighbou?rs", r"landlord", r"church", r"pastor", r"teachers?", r"school", r"coach",
    r"teammates", r"club", r"gym", r"doctor",
    r"references?", r"(?:phone\s+|mobile\s+|wechat\s+)?contacts", r"contact\s+list",
    r"phone\s*book", r"address\s+book", r"friends\s+list",
)  # fmt: skip
BUSINESS_THIRD = alt(r"customers", r"clients", r"suppliers", r"staff", r"employees")
ADJ = alt(
    "whole", "entire", "old", "best", "close", "closest", "other", "own", "dear", "work",
    "facebook", "wechat", "linkedin", "instagram", "online", "school", "church", "new",
    rf"\w+(?:{APOS}s|s{APOS}|{APOS})",  # a possessive: "your kids' teachers", "his wife's boss"
)  # fmt: skip
TARGET_PERSONAL = rf"(?:(?:all|each|every\s+one)\s+(?:of\s+)?)?{POSS}\s+(?:{ADJ}\s+)?{PERSONAL}"
TARGET_BUSINESS = (
    rf"(?:(?:all|each|every\s+one)\s+(?:of\s+)?)?{POSS}\s+(?:{ADJ}\s+)?{BUSINESS_THIRD}"
)

# --- Verbs ---------------------------------------------------------------------

ACTOR = alt(
    r"people", r"guys", r"men", r"lads", r"boys", r"someone", r"somebody", r"heavies",
    r"enforcers", r"muscle", r"thugs", r"goons", r"bailiffs", r"(?:debt\s+)?collectors",
    r"(?:a\s+few|some|a\s+couple\s+of)\s+(?:guys|people|men|friends|lads|boys)",
    r"our\s+(?:guys|people|men|boys|lads|team|collectors?|agents?|friends)",
    r"friends\s+of\s+(?:ours|mine)", r"the\s+boys",
)  # fmt: skip
COME = alt(
    r"come", r"coming", r"came", r"go", r"going", r"show(?:ing)?\s+up", r"turn(?:ing)?\s+up",
    r"visit(?:ing)?", r"drop(?:ping)?\s+by", r"stop(?:ping)?\s+by", r"swing\s+by",
    r"pop\s+round", r"round", r"over", r"knock(?:ing)?(?:\s+on)?", r"wait(?:ing)?",
    r"camp(?:ing)?", r"park(?:ed|ing)?", r"stand(?:ing)?", r"be", r"outside", r"find",
    r"head(?:ing)?", r"watch(?:ing)?", r"pay\s+(?:you|him|her|them)\s+a\s+visit",
)  # fmt: skip
COME_STRONG = alt(
    r"come(?:\s+(?:round|over|by|for|after))?", r"coming", r"show(?:ing)?\s+up",
    r"turn(?:ing)?\s+up", r"visit(?:ing)?", r"drop(?:ping)?\s+by", r"pop\s+round",
    r"pay\s+(?:you|him|her|them)\s+a\s+visit", r"knock(?:ing)?", r"wait(?:ing)?\s+outside",
    r"camp(?:ing)?", r"find", r"be\s+(?:at|outside|on)",
)  # fmt: skip
NOT_A_VISIT = (
    r"\b(?:send|sent|post|posted|mail|mailed|deliver\w*|letter|statement|invoice|parcel|"
    r"courier|address\s+on\s+file|call|phone|email)\b"
)
APPOINTMENT = (
    r"\b(?:by\s+appointment|appointment|as\s+agreed|agreed|arranged|invited|at\s+your\s+"
    r"request|with\s+your\s+(?:permission|consent|agreement)|if\s+you\s+(?:prefer|like|wish|"
    r"want)|you\s+(?:asked|suggested|invited))\b"
)
DISCLOSE = alt(
    r"tell(?:ing)?", r"told", r"inform(?:ing)?", r"notify(?:ing)?", r"warn(?:ing)?",
    r"alert(?:ing)?", r"write\s+to", r"writing\s+to", r"report\s+(?:you|him|her|them|this|it)\s+to",
    r"explain\s+(?:this|it)\s+to", r"cc", r"copy\s+in", r"expose\s+\w+\s+to",
    r"send\s+(?:this|it|the\s+\w+|a\s+\w+|letters?|copies|details)\s+to",
)  # fmt: skip
CONTACT = alt(
    DISCLOSE, r"call(?:ing)?", r"ring(?:ing)?", r"phon(?:e|ing)", r"contact(?:ing)?",
    r"text(?:ing)?", r"messag(?:e|ing)", r"e-?mail(?:ing)?", r"visit(?:ing)?",
    r"reach(?:ing)?\s+out\s+to",
    r"(?:have|having)\s+(?:a\s+)?(?:little\s+)?(?:chat|word|talk)s?\s+with",
    r"get(?:ting)?\s+in\s+touch\s+with", r"approach(?:ing)?", r"go(?:ing)?\s+to",
    r"knock(?:ing)?\s+on",
)  # fmt: skip
LAWFUL_COURT = (
    r"\b(?:court\s+order|order\s+of\s+(?:the|a)\s+court|court\W?s\s+order|judg(?:e)?ments?|"
    r"if\s+(?:a|the)\s+court|only\s+(?:a|the)\s+court|(?:a|the)\s+court\s+(?:may|can|could|"
    r"might|would|decides?|grants?|allows?|orders?|rules?)|by\s+law|lawful(?:ly)?|legal\s+"
    r"process|due\s+process|apply\s+to\s+(?:the|a)\s+court|through\s+the\s+courts?|leased?|hire|"
    r"hired|retention\s+of\s+title)\b"
)
SEIZE = alt(
    r"seiz(?:e|ed|es|ing|ure)", r"confiscat\w+", r"repossess\w*", r"garnish\w*", r"impound\w*",
    r"freez(?:e|es|ing)", r"froze(?:n)?", r"take\s+away", r"taking\s+away", r"auction\w*",
    r"sell\s+off", r"clamp(?:ed)?",
)  # fmt: skip
NOT_CRIMINAL = (
    r"\bnot\s+(?:a\s+)?(?:criminal|police|prison|jail|arrest)\w*|\bnobody\b|\bno\s+one\b|"
    r"\bnever\s+(?:go|be|face|involve)|\bcivil\s+matter\b|\bcannot\s+be\s+(?:arrested|jailed)|"
    r"\bnot\s+something\s+we\b|\bwe\s+(?:would|will)\s+never\b|\bwe\s+never\b"
)
ASSET = alt(
    r"assets?", r"propert(?:y|ies)", r"house", r"home", r"flat", r"apartment", r"cars?",
    r"vehicles?", r"furniture", r"belongings", r"possessions", r"valuables", r"savings",
    r"bank\s+accounts?", r"accounts", r"funds", r"wages?", r"salar(?:y|ies)",
    r"pay(?:check|cheque|slip)?", r"pensions?", r"benefits", r"everything(?:\s+you\s+own)?",
    r"tv", r"land", r"passport", r"kids", r"children", r"stuff", r"things", r"money",
    r"cards?", r"vans?", r"trucks?", r"lorr(?:y|ies)", r"boats?", r"motorbikes?", r"jewel\w*",
    r"machinery", r"equipment", r"tools", r"stock",
)  # fmt: skip
ASSET_STRICT = alt(
    r"assets?", r"propert(?:y|ies)", r"house", r"home", r"car", r"furniture", r"belongings",
    r"possessions", r"valuables", r"savings", r"bank\s+accounts?", r"wages?", r"salar(?:y|ies)",
    r"pensions?", r"passport", r"everything", r"kids", r"children", r"tv", r"stuff", r"vans?",
    r"trucks?", r"lorr(?:y|ies)", r"machinery", r"equipment",
)  # fmt: skip
CALL = alt(
    r"call(?:ing|s|ed)?", r"ring(?:ing)?", r"phon(?:e|ing)", r"text(?:ing)?",
    r"messag(?:e|ing)", r"e-?mail(?:ing)?", r"visit(?:ing)?", r"chas(?:e|ing)",
    r"bother(?:ing)?", r"hound(?:ing)?", r"harass(?:ing)?", r"pester(?:ing)?",
    r"bombard(?:ing)?", r"spam(?:ming)?", r"contact(?:ing)?", r"knock(?:ing)?", r"dial(?:l?ing)?",
    r"ping(?:ing)?", r"remind(?:ing)?", r"show\s+up", r"turn\s+up", r"come\s+round",
    r"hear\s+from\s+us", r"on\s+(?:the\s+)?phone",
)  # fmt: skip
NUM = r"(?:\d+|two|three|five|ten|fifteen|twenty|thirty|fifty|a\s+hundred)"
FREQ = alt(
    rf"every\s+(?:single\s+)?(?:hour|minute|half\s+hour|few\s+(?:minutes|hours)|{NUM}\s+"
    rf"(?:minutes|mins|hours)|night|evening|day\s+and\s+night|waking\s+hour)",
    r"every\s+(?:single\s+)?day\s+(?:until|till)", r"(?:day|night)\s+and\s+(?:night|day)",
    r"morning\s+(?:till|until|to)\s+night", r"(?:a)?round\s+the\s+clock", r"24\s*/\s*7",
    r"24-7", r"non-?stop", r"constantly", r"all\s+day(?:\s+long)?", r"all\s+night",
    r"day\s+after\s+day", r"again\s+and\s+again", r"over\s+and\s+over",
    rf"(?:dozens|hundreds|{NUM})\s+(?:of\s+)?times(?:\s+a\s+day)?",
    rf"until\s+{SUBJ}\s+(?:pay|pays|paid|give|gives|crack|cracks|break|breaks|cave|caves|"
    r"answer|answers)", rf"till\s+{SUBJ}\s+(?:pay|pays|give|gives|crack|cracks|cave|caves)",
    r"in\s+the\s+middle\s+of\s+the\s+night", r"late\s+at\s+night", r"at\s+midnight",
    r"at\s+(?:[1-5]|one|two|three|four|five)\s*(?:am|a\.m)", r"without\s+(?:stopping|a\s+break)",
    r"(?:never|won't|will\s+not)\s+stop",
)  # fmt: skip
SUPPORT = r"\b(?:available|support|helpline|help\s+desk|hotline|any\s*time|feel\s+free|you\s+can)\b"

INSULT_WORDS = alt(
    r"dead\s*beats?", r"idiot(?:s|ic)?", r"stupid", r"moron(?:s|ic)?", r"imbeciles?",
    r"cretins?", r"losers?", r"scum(?:bags?)?", r"low-?lifes?", r"leech(?:es)?",
    r"parasites?", r"thie(?:f|ves)", r"thieving", r"crooks?", r"liars?", r"cheats?",
    r"cheapskates?", r"tightwads?", r"skinflints?", r"scroungers?", r"chancers?", r"conm[ae]n",
    r"waste\s+of\s+space", r"time-?wasters?",
    r"cheaters?", r"cheating", r"scammers?", r"fraudsters?", r"con\s+(?:artists?|m[ae]n)",
    r"swindlers?", r"freeloaders?", r"spongers?", r"bastards?", r"jerks?", r"a(?:ss|rse)holes?",
    r"dickheads?", r"dumb(?:ass)?", r"pathetic", r"worthless",
    r"shameless", r"spineless", r"gutless", r"brainless", r"dimwit\w*", r"numpty", r"halfwit",
    r"nitwit", r"retard\w*", r"welshers?", r"bitch\w*", r"fuck\w*", r"shit\w*",
    r"piece\s+of\s+(?:shit|crap|garbage|trash|work)", r"shame\s+on\s+(?:you|him|her|them)",
    r"screw\s+(?:you|him|her|them)", r"go\s+to\s+hell", r"shut\s+up", r"get\s+lost",
    r"people\s+like\s+(?:you|him|her|them)", r"your\s+kind",
)  # fmt: skip
NAME_CALL = alt(
    r"you(?:\s*['’]re|\s+are)?", r"(?:he|she)(?:\s*['’]s|\s+is)", r"(?:they)(?:\s*['’]re|\s+are)",
    r"what\s+an?", r"such\s+an?", r"like\s+an?", r"bunch\s+of", r"you\s+little",
    r"an?\s+(?:total|complete|real|absolute|utter)",
)  # fmt: skip
INSULT_SOFT = alt(
    r"fools?", r"clowns?", r"bums?", r"trash", r"garbage", r"rats?", r"snakes?", r"pigs?",
    r"vermin", r"beggars?", r"drunks?", r"useless", r"lazy", r"dodgers?", r"lying",
    r"joke", r"disgrace", r"embarrassment", r"nobody", r"filth", r"animals?", r"disgusting",
    r"disgraceful",
)  # fmt: skip

# Veiled menace, each a whole idiom.
MENACE = (
    r"\b(?:we|i)\s+have\s+(?:our\s+|my\s+)?ways\b",
    r"\b(?:i|we)\s+know\s+(?:some\s+)?(?:people|guys)\s+who\s+(?:can|could|will|deal)\b",
    r"\bit\s+would\s+be\s+a\s+(?:shame|pity)\s+if\b",
    r"\b(?:something|anything)\s+(?:bad\s+|nasty\s+|unfortunate\s+|terrible\s+)?(?:could|might|"
    r"may|will|would|can)\s+happen\b",
    r"\b(?:face|suffer|bear|pay|take)\s+the\s+consequences\b",
    r"\bthere\s+will\s+be\s+consequences\b",
    r"\b(?:serious|severe|dire|grave|nasty|unpleasant|real)\s+consequences\b",
    r"\byou\s+know\s+what\s+(?:happens|will\s+happen|we\s+(?:can|will|do)|comes\s+next)\b",
    r"\b(?:and|then|or|just)\s+(?:you\W?ll\s+|you\s+will\s+)?see\s+what\s+happens\b",
    r"\bwait\s+and\s+see\s+what\b",
    r"\bdon\W?t\s+(?:make|push|force|test)\s+(?:us|me)\b",
    r"\bpush\s+(?:your|his|her|their)\s+luck\b",
    r"\b(?:won\W?t|will\s+not|no\s+longer|not\s+going\s+to)\s+(?:be\s+)?(?:so\s+)?(?:nice|"
    r"polite|friendly|gentle|patient)\b(?!\s+to\s+(?:remind|ask))",
    r"\bnot\s+a\s+threat\b",
    r"\bit\W?s\s+a\s+promise\b",
    r"\bmark\s+my\s+words\b",
    r"\bwe\W?(?:re|\s+are|\s+will\s+be|ll\s+be)\s+watching\b(?!\s+(?:for|out))",
    r"\bby\s+any\s+means\b",
    r"\baccidents\s+happen\b",
    r"\bhave\s+an\s+accident\b",
    r"\bteach\s+(?:you|him|her|them)\s+a\s+lesson\b",
    r"\bthe\s+hard\s+way\b",
    r"\b(?:can|could|will|going\s+to)\s+(?:not\s+)?(?:protect|save)\s+(?:you|him|her|them)\b",
    r"\bnobody\s+(?:can|will|could)\s+(?:help|protect|save)\s+(?:you|him|her|them)\b",
    r"\bone\s+(?:call|word|phone\s+call)\s+from\s+(?:me|us)\b",
    r"\b(?:won\W?t|will\s+not|isn\W?t\s+going\s+to|is\s+not\s+going\s+to|not\s+going\s+to)\s+"
    r"(?:end|go|turn\s+out)\s+well\s+for\b",
    r"\b(?:won\W?t|will\s+not|isn\W?t\s+going\s+to)\s+be\s+pretty\b",
    r"\byou\s+(?:won\W?t|will\s+not|wouldn\W?t)\s+like\s+what\s+(?:happens|comes|we)\b",
)
