"""Deterministic demo data: companies, people, phone numbers and the rows of a
believable receivables book with its collection history.

Pure Python, no database access: `DemoGenerator` turns a seed into plain row
tuples (in the column order of `COLUMNS`) with explicit primary keys, so one
generator feeds both writers of the `seed_demo` command (portable INSERTs and
PostgreSQL COPY) and the same seed gives the same book on either.

Money is handled as integer cents and becomes `Decimal` only in the rows;
"local" times are the debtor's, stored as aware UTC datetimes. Public ids are
version-4 UUIDs drawn from the seeded generator, as 32 hex digits. All names are
made up from parts; phone numbers fall in ranges `phonenumbers` accepts as
valid (fictional ranges where one exists: London 020 7946 0xxx).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import accumulate
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from accounts.models import Language
from debtors.models import Channel, Debtor, DebtorType, Dispute, Invoice, Payment
from followups.models import FollowUp, Instalment, Interaction, PromiseToPay

UTC = dt.UTC
DAY = dt.timedelta(days=1)

# --------------------------------------------------------------------------- tables

COLUMNS: dict[str, tuple[str, ...]] = {
    "debtor": (
        "id",
        "public_id",
        "code",
        "name",
        "debtor_type",
        "type_set_by_id",
        "type_reason",
        "type_set_at",
        "assigned_collector_id",
        "team_id",
        "country",
        "timezone",
        "language",
        "business_hours_start",
        "business_hours_end",
        "lunch_start",
        "lunch_end",
        "working_days",
        "money_days",
        "preferred_channel",
        "do_not_contact",
        "cease_contact",
        "status",
        "currency",
        "notes",
        "open_balance",
        "overdue_balance",
        "disputed_balance",
        "open_invoice_count",
        "oldest_due_date",
        "max_days_past_due",
        "next_action_at",
        "priority_score",
        "summary_refreshed_at",
        "created_at",
        "updated_at",
    ),
    "contact": (
        "id",
        "public_id",
        "debtor_id",
        "name",
        "role",
        "phone",
        "mobile",
        "email",
        "is_primary",
        "is_decision_maker",
        "notes",
        "opted_out_channels",
        "created_at",
    ),
    "invoice": (
        "id",
        "public_id",
        "debtor_id",
        "number",
        "issue_date",
        "due_date",
        "amount",
        "open_amount",
        "disputed_amount",
        "currency",
        "status",
        "closed_at",
        "closed_reason",
        "created_at",
        "updated_at",
    ),
    "payment": (
        "id",
        "public_id",
        "debtor_id",
        "amount",
        "unallocated_amount",
        "currency",
        "received_on",
        "method",
        "reference",
        "import_reference",
        "recorded_by_id",
        "created_at",
    ),
    "allocation": ("id", "payment_id", "invoice_id", "amount", "created_at"),
    "dispute": (
        "id",
        "public_id",
        "debtor_id",
        "category",
        "disputed_amount",
        "description",
        "status",
        "owner_id",
        "raised_by_id",
        "resolution",
        "allocations",
        "opened_at",
        "escalated_at",
        "resolved_at",
    ),
    "dispute_invoice": ("id", "dispute_id", "invoice_id"),
    "interaction": (
        "id",
        "public_id",
        "debtor_id",
        "contact_id",
        "user_id",
        "channel",
        "direction",
        "started_at",
        "ended_at",
        "outcome",
        "right_party_contact",
        "notes",
        "compliance_flags",
        "idempotency_key",
        "external_id",
        "created_at",
    ),
    "promise": (
        "id",
        "public_id",
        "debtor_id",
        "interaction_id",
        "contact_id",
        "made_by_id",
        "total_amount",
        "kept_amount",
        "currency",
        "status",
        "reminder_channel",
        "created_at",
        "evaluated_at",
    ),
    "instalment": ("id", "promise_id", "sequence", "due_date", "amount", "paid_amount", "status"),
    "followup": (
        "id",
        "public_id",
        "debtor_id",
        "action",
        "reason",
        "due_at",
        "status",
        "assigned_to_id",
        "promise_id",
        "instalment_id",
        "invoice_id",
        "created_at",
        "completed_at",
        "slot_explain",
        "cadence_step_id",
        "lease_until",
        "attempts",
        "last_error",
        "interaction_id",
        "policy_override_by_id",
        "policy_override_reason",
        "priority",
    ),
}
# Parents before children (the foreign keys are deferred, but this keeps it tidy).
TABLES: tuple[str, ...] = tuple(COLUMNS)

Rows = dict[str, list[tuple]]


def money(cents: int) -> Decimal:
    """Integer cents to a two-place Decimal: exact integer scaling, no float
    anywhere (and four times quicker than parsing a string)."""
    return Decimal(cents).scaleb(-2)


def format_money(cents: int, symbol: str) -> str:
    return f"{symbol}{money(cents):,}"


def _at(local: dt.datetime) -> list:
    """The "at" reason code for a local moment (followups.timing.REASON_CODES)."""
    return ["at", {"weekday": local.weekday(), "time": f"{local:%H:%M}"}]


# --------------------------------------------------------------------------- phones
# Ranges checked against phonenumbers.is_valid_number (see tests/test_seed_demo.py).

CN_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)
# UK mobile blocks that belong to Great Britain (not Jersey, Guernsey or Man).
GB_MOBILE_PREFIXES = (
    "740",
    "741",
    "742",
    "743",
    "744",
    "747",
    "748",
    "749",
    "771",
    "772",
    "773",
    "774",
    "775",
    "776",
    "777",
    "784",
    "785",
    "786",
    "787",
)
SG_MOBILE_PREFIXES = (
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "87",
    "88",
    "89",
    "90",
    "91",
    "92",
    "93",
    "94",
    "95",
    "96",
    "97",
    "98",
)


def _digits(rng: random.Random, count: int) -> str:
    """`count` random decimal digits (rng.random() is the generator's fast path)."""
    return f"{int(rng.random() * 10**count):0{count}d}"


def _pick(rng: random.Random, options: Sequence[str]) -> str:
    return options[int(rng.random() * len(options))]


def cn_mobile(rng: random.Random) -> str:
    return f"+86{_pick(rng, CN_MOBILE_PREFIXES)}{_digits(rng, 8)}"


def cn_landline(area: str, rng: random.Random) -> str:
    return f"+86{area}{_pick(rng, '56')}{_digits(rng, 7)}"


def nanp_number(areas: tuple[str, ...], rng: random.Random) -> str:
    """+1 NPA-NXX-nnnn with a real area code; no N11 or 555 exchanges."""
    exchange = 200 + int(rng.random() * 800)
    while exchange % 100 == 11 or exchange == 555:
        exchange = 200 + int(rng.random() * 800)
    return f"+1{_pick(rng, areas)}{exchange}{_digits(rng, 4)}"


def gb_london(rng: random.Random) -> str:
    # 020 7946 0000-0999: Ofcom's range reserved for drama, valid and never assigned.
    return f"+442079460{_digits(rng, 3)}"


def gb_geographic(area: str, rng: random.Random) -> str:
    return f"+44{area}4{_digits(rng, 6)}"


def gb_mobile(rng: random.Random) -> str:
    return f"+44{_pick(rng, GB_MOBILE_PREFIXES)}{_digits(rng, 7)}"


def sg_landline(rng: random.Random) -> str:
    return f"+656{_pick(rng, '1234578')}{_digits(rng, 6)}"


def sg_mobile(rng: random.Random) -> str:
    return f"+65{_pick(rng, SG_MOBILE_PREFIXES)}{_digits(rng, 6)}"


def au_landline(area: str, rng: random.Random) -> str:
    return f"+61{area}{_pick(rng, '89')}{_digits(rng, 7)}"


def au_mobile(rng: random.Random) -> str:
    return f"+614{_pick(rng, '01236')}{_digits(rng, 7)}"


# --------------------------------------------------------------------------- markets

PhoneMaker = Callable[[random.Random], str]


@dataclass(frozen=True)
class City:
    name: str
    slug: str
    timezone: str
    landline: PhoneMaker
    mobile: PhoneMaker


@dataclass(frozen=True)
class Market:
    country: str
    language: str
    currency: str
    symbol: str
    weight: int
    team: str  # "east" or "na"
    cities: tuple[City, ...]
    suffixes: tuple[str, ...]
    hours: tuple[dt.time, dt.time, dt.time, dt.time]  # open, close, lunch from, lunch until
    # Invoice size tiers in whole currency units: (low, high, weight).
    tiers: tuple[tuple[int, int, int], ...]


def _cn(name: str, slug: str, area: str) -> City:
    return City(name, slug, "Asia/Shanghai", partial(cn_landline, area), cn_mobile)


def _nanp(name: str, slug: str, tz: str, *areas: str) -> City:
    maker = partial(nanp_number, areas)
    return City(name, slug, tz, maker, maker)


def _t(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


CN_TIERS = ((800, 5_000, 30), (5_000, 30_000, 40), (30_000, 120_000, 22), (120_000, 380_000, 8))
WEST_TIERS = ((150, 1_000, 30), (1_000, 6_000, 40), (6_000, 25_000, 22), (25_000, 60_000, 8))

MARKETS: dict[str, Market] = {
    "CN": Market(
        "CN",
        Language.ZH_HANS,
        "CNY",
        "¥",
        62,
        "east",
        (
            _cn("上海", "sh", "21"),
            _cn("北京", "bj", "10"),
            _cn("广州", "gz", "20"),
            _cn("天津", "tj", "22"),
            _cn("南京", "nj", "25"),
            _cn("武汉", "wh", "27"),
            _cn("成都", "cd", "28"),
            _cn("深圳", "sz", "755"),
            _cn("杭州", "hz", "571"),
            _cn("苏州", "suzhou", "512"),
            _cn("宁波", "nb", "574"),
            _cn("无锡", "wx", "510"),
            _cn("青岛", "qd", "532"),
            _cn("东莞", "dg", "769"),
            _cn("佛山", "fs", "757"),
            _cn("福州", "fz", "591"),
            _cn("长沙", "cs", "731"),
            _cn("郑州", "zz", "371"),
            _cn("济南", "jn", "531"),
        ),
        ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"),
        (_t("09:00"), _t("18:00"), _t("12:00"), _t("13:30")),
        CN_TIERS,
    ),
    "US": Market(
        "US",
        Language.EN,
        "USD",
        "$",
        14,
        "na",
        (
            _nanp("New York", "ny", "America/New_York", "212", "646"),
            _nanp("Boston", "bos", "America/New_York", "617"),
            _nanp("Atlanta", "atl", "America/New_York", "404"),
            _nanp("Chicago", "chi", "America/Chicago", "312"),
            _nanp("Houston", "hou", "America/Chicago", "713"),
            _nanp("Denver", "den", "America/Denver", "303"),
            _nanp("Phoenix", "phx", "America/Phoenix", "602"),
            _nanp("San Francisco", "sf", "America/Los_Angeles", "415"),
            _nanp("Seattle", "sea", "America/Los_Angeles", "206"),
        ),
        ("Inc", "LLC", "Corp", "Inc"),
        (_t("08:30"), _t("17:00"), _t("12:00"), _t("13:00")),
        WEST_TIERS,
    ),
    "CA": Market(
        "CA",
        Language.EN,
        "CAD",
        "C$",
        5,
        "na",
        (
            _nanp("Toronto", "to", "America/Toronto", "416", "647"),
            _nanp("Vancouver", "van", "America/Vancouver", "604"),
        ),
        ("Inc", "Ltd"),
        (_t("08:30"), _t("17:00"), _t("12:00"), _t("13:00")),
        WEST_TIERS,
    ),
    "GB": Market(
        "GB",
        Language.EN,
        "GBP",
        "£",
        7,
        "east",
        (
            City("London", "ldn", "Europe/London", gb_london, gb_mobile),
            City("Manchester", "man", "Europe/London", partial(gb_geographic, "161"), gb_mobile),
            City("Birmingham", "bhm", "Europe/London", partial(gb_geographic, "121"), gb_mobile),
        ),
        ("Ltd", "Limited", "Ltd"),
        (_t("09:00"), _t("17:30"), _t("12:30"), _t("13:30")),
        WEST_TIERS,
    ),
    "SG": Market(
        "SG",
        Language.EN,
        "SGD",
        "S$",
        6,
        "east",
        (City("Singapore", "sg", "Asia/Singapore", sg_landline, sg_mobile),),
        ("Pte Ltd",),
        (_t("09:00"), _t("18:00"), _t("12:00"), _t("13:00")),
        WEST_TIERS,
    ),
    "AU": Market(
        "AU",
        Language.EN,
        "AUD",
        "A$",
        6,
        "east",
        (
            City("Sydney", "syd", "Australia/Sydney", partial(au_landline, "2"), au_mobile),
            City("Melbourne", "mel", "Australia/Melbourne", partial(au_landline, "3"), au_mobile),
        ),
        ("Pty Ltd",),
        (_t("08:30"), _t("17:00"), _t("12:30"), _t("13:30")),
        WEST_TIERS,
    ),
}

# --------------------------------------------------------------------------- names

CN_BRANDS = (
    ("恒信", "hengxin"),
    ("宏达", "hongda"),
    ("瑞丰", "ruifeng"),
    ("金泰", "jintai"),
    ("永昌", "yongchang"),
    ("华盛", "huasheng"),
    ("鼎新", "dingxin"),
    ("联创", "lianchuang"),
    ("凯源", "kaiyuan"),
    ("汇通", "huitong"),
    ("嘉禾", "jiahe"),
    ("晟通", "shengtong"),
    ("德润", "derun"),
    ("欣悦", "xinyue"),
    ("博远", "boyuan"),
    ("天诚", "tiancheng"),
    ("盛凯", "shengkai"),
    ("润泽", "runze"),
    ("远航", "yuanhang"),
    ("锦程", "jincheng"),
    ("百川", "baichuan"),
    ("立信", "lixin"),
    ("同泰", "tongtai"),
    ("明辉", "minghui"),
    ("振华", "zhenhua"),
    ("广源", "guangyuan"),
    ("富邦", "fubang"),
    ("新航", "xinhang"),
    ("旭日", "xuri"),
    ("长青", "changqing"),
    ("东升", "dongsheng"),
    ("万隆", "wanlong"),
)
CN_INDUSTRIES = (
    ("五金", "wujin"),
    ("电子科技", "dianzi"),
    ("机械设备", "jixie"),
    ("包装材料", "baozhuang"),
    ("塑胶制品", "sujiao"),
    ("纺织品", "fangzhi"),
    ("建材", "jiancai"),
    ("化工", "huagong"),
    ("食品", "shipin"),
    ("物流", "wuliu"),
    ("精密模具", "muju"),
    ("照明电器", "zhaoming"),
    ("汽车配件", "qipei"),
    ("家具", "jiaju"),
    ("医疗器械", "yiliao"),
    ("贸易", "maoyi"),
    ("印刷", "yinshua"),
    ("环保科技", "huanbao"),
    ("新材料", "xincai"),
    ("供应链管理", "gyl"),
)
EN_PREFIXES = (
    "Harbor Lane",
    "Maple Ridge",
    "Bluewater",
    "Ironwood",
    "Silver Creek",
    "Northgate",
    "Redstone",
    "Cedar Point",
    "Brightline",
    "Oakfield",
    "Kingsbridge",
    "Westbrook",
    "Fairhaven",
    "Granite Peak",
    "Stonebridge",
    "Pinecrest",
    "Foxhollow",
    "Copperfield",
    "Willow Bay",
    "Eastmoor",
    "Lark Hill",
    "Ashcombe",
    "Thornbury",
    "Juniper Row",
    "Marlow Quay",
    "Beacon Hill",
    "Sandpiper",
    "Elmstead",
    "Highgrove",
    "Tidewater",
)
EN_INDUSTRIES = (
    "Plastics",
    "Packaging",
    "Fasteners",
    "Electronics",
    "Logistics",
    "Tooling",
    "Supply",
    "Foods",
    "Textiles",
    "Hardware",
    "Components",
    "Lighting",
    "Furniture",
    "Coatings",
    "Machinery",
    "Print",
    "Metalworks",
    "Interiors",
    "Instruments",
    "Distribution",
)
CN_SURNAMES = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("胡", "hu"),
    ("朱", "zhu"),
    ("高", "gao"),
    ("林", "lin"),
    ("何", "he"),
    ("郭", "guo"),
    ("马", "ma"),
    ("罗", "luo"),
    ("梁", "liang"),
    ("宋", "song"),
)
CN_GIVEN = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("霞", "xia"),
    ("平", "ping"),
    ("建华", "jianhua"),
    ("晓东", "xiaodong"),
    ("海燕", "haiyan"),
    ("子涵", "zihan"),
    ("浩然", "haoran"),
    ("思远", "siyuan"),
    ("雨桐", "yutong"),
    ("志刚", "zhigang"),
    ("丽华", "lihua"),
    ("文博", "wenbo"),
)
EN_FIRST = (
    "James",
    "Mary",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "Daniel",
    "Susan",
    "Mark",
    "Karen",
    "Paul",
    "Nancy",
    "Steven",
    "Lisa",
    "Andrew",
    "Emma",
    "Kevin",
    "Rachel",
    "Brian",
    "Olivia",
    "Gareth",
    "Priya",
    "Wei Ling",
    "Aaron",
    "Chloe",
    "Nathan",
    "Sophie",
    "Marcus",
)
EN_LAST = (
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Anderson",
    "Thomas",
    "Moore",
    "Martin",
    "Walker",
    "Wright",
    "Hughes",
    "Edwards",
    "Clarke",
    "Patel",
    "Tan",
    "Lim",
    "Nguyen",
    "O'Brien",
    "Fraser",
    "Campbell",
    "Reid",
    "Foster",
    "Bennett",
    "Murphy",
    "Kelly",
    "Sullivan",
    "Harper",
    "Doyle",
    "Wallace",
    "Ng",
)
CN_ROLES = ("财务经理", "会计", "出纳", "财务总监", "总经理", "采购经理", "行政前台")
EN_ROLES = (
    "Accounts Payable Manager",
    "Finance Director",
    "Controller",
    "Bookkeeper",
    "Office Manager",
    "Purchasing Manager",
    "AP Clerk",
)
DECISION_ROLES = frozenset(
    {"财务经理", "财务总监", "总经理", "Finance Director", "Controller", "Accounts Payable Manager"}
)

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

# --------------------------------------------------------------------------- scenario tables

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with integer weights; `pick` is a bisect on cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[T, int]]) -> None:
        self.items = tuple(item for item, _ in pairs)
        self.cum = tuple(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rand: Callable[[], float]) -> T:
        return self.items[bisect_right(self.cum, rand() * self.total)]


NOT_DUE = "not_due"
BUCKETS = (NOT_DUE, "1-30", "31-60", "61-90", "91-180", "180+")
BUCKET_DAYS = {  # days past due, inclusive
    "1-30": (1, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "91-180": (91, 180),
    "180+": (181, 420),
}


def _weights(*weights: int) -> Weighted[str]:
    return Weighted(list(zip(BUCKETS, weights, strict=True)))


BUCKET_WEIGHTS = {
    DebtorType.FORGETFUL: _weights(30, 40, 15, 8, 5, 2),
    DebtorType.HARDSHIP: _weights(15, 20, 20, 18, 17, 10),
    DebtorType.DISPUTE: _weights(15, 20, 20, 15, 18, 12),
    DebtorType.STALLING: _weights(10, 15, 18, 17, 22, 18),
    DebtorType.UNKNOWN: _weights(30, 25, 15, 12, 10, 8),
}
# Chance (percent) that an invoice of a bucket was paid in full / in part.
PAID_PCT = {
    NOT_DUE: (8, 5),
    "1-30": (15, 15),
    "31-60": (12, 15),
    "61-90": (10, 12),
    "91-180": (8, 10),
    "180+": (5, 8),
}
TYPES = Weighted(
    [
        (DebtorType.FORGETFUL, 30),
        (DebtorType.HARDSHIP, 20),
        (DebtorType.DISPUTE, 15),
        (DebtorType.STALLING, 15),
        (DebtorType.UNKNOWN, 20),
    ]
)
SCENARIOS = {
    DebtorType.FORGETFUL: Weighted(
        [("kept", 40), ("says_paid", 10), ("pending", 25), ("quiet", 25)]
    ),
    DebtorType.HARDSHIP: Weighted(
        [("plan_running", 35), ("plan_new", 15), ("partly", 25), ("broken", 10), ("quiet", 15)]
    ),
    DebtorType.DISPUTE: Weighted([("dispute", 100)]),
    DebtorType.STALLING: Weighted(
        [("broken", 35), ("broken_then_pending", 25), ("refused", 25), ("quiet", 15)]
    ),
    DebtorType.UNKNOWN: Weighted([("quiet", 80), ("pending", 10), ("kept", 10)]),
}
MARKET_PICK = Weighted([(m, m.weight) for m in MARKETS.values()])
AMOUNT_TIERS = {
    code: Weighted([((low, high), weight) for low, high, weight in m.tiers])
    for code, m in MARKETS.items()
}
INVOICE_COUNTS = Weighted(
    list(zip(range(1, 11), (10, 14, 15, 14, 12, 10, 8, 7, 5, 5), strict=True))
)
CONTACT_COUNTS = Weighted([(1, 45), (2, 35), (3, 20)])
PAYMENT_METHODS = Weighted(list(zip(Payment.Method.values, (70, 12, 8, 3, 7), strict=True)))
DISPUTE_STATUSES = Weighted(list(zip(Dispute.Status.values, (55, 25, 15, 5), strict=True)))
DISPUTE_CATEGORIES = tuple(Dispute.Category.values)
NOISE_CALLS = Weighted(
    [
        (Interaction.Outcome.NO_ANSWER, 6),
        (Interaction.Outcome.BUSY, 2),
        (Interaction.Outcome.MESSAGE_LEFT, 3),
    ]
)
TERMS = (30, 45, 60, 90)
MONEY_DAYS = ((10,), (15,), (25,), (5, 20), (1, 15), (28,))
WEEKDAY_PREFERENCE = (1, 3, 1, 4, 5, 1, 1)  # Mon..Sun: Fri > Thu > Tue; Mon and Wed worst
ZERO = money(0)

_UUID_MASK = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID_V4 = (0x8000 << 48) | (0x4000 << 64)  # RFC 4122 variant, version 4


@dataclass(frozen=True)
class Showcase:
    """A fixed debtor at the front of the book, so even a tiny seed shows every
    type, team, promise outcome and dispute."""

    country: str
    debtor_type: str
    collector: str | None  # key in Staff.collectors, None: unassigned (team only)
    scenario: str


SHOWCASE = (
    Showcase("CN", DebtorType.FORGETFUL, "collector", "kept"),
    Showcase("CN", DebtorType.HARDSHIP, "collector2", "plan_running"),
    Showcase("US", DebtorType.DISPUTE, "collector3", "dispute"),
    Showcase("CN", DebtorType.STALLING, "collector", "refused"),
    Showcase("GB", DebtorType.UNKNOWN, "collector", "quiet"),
    Showcase("SG", DebtorType.HARDSHIP, "collector2", "partly"),
    Showcase("US", DebtorType.STALLING, "collector3", "broken_then_pending"),
    Showcase("CN", DebtorType.DISPUTE, "collector2", "dispute"),
    Showcase("AU", DebtorType.FORGETFUL, "collector", "pending"),
    Showcase("CA", DebtorType.UNKNOWN, None, "quiet"),
    Showcase("CN", DebtorType.STALLING, "collector2", "broken"),
    Showcase("CN", DebtorType.FORGETFUL, None, "says_paid"),
)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Staff:
    """Primary keys of the demo users and teams the rows refer to."""

    team_east: int
    team_na: int
    collector: int
    collector2: int
    collector3: int
    manager: int
    manager2: int
    finance: int

    @property
    def collectors(self) -> dict[str, int]:
        return {
            "collector": self.collector,
            "collector2": self.collector2,
            "collector3": self.collector3,
        }


@dataclass(frozen=True)
class DemoParams:
    today: dt.date
    debtors: int = 300
    seed: int = 42
    invoices_per_debtor: int | None = None
    # Share of debtors (percent) given calls, promises and follow-ups. None: all
    # of them for up to 20,000 debtors, then 30%, so a huge book stays quick.
    history_percent: int | None = None

    @property
    def history_share(self) -> int:
        if self.history_percent is not None:
            return self.history_percent
        return 100 if self.debtors <= 20_000 else 30


# --------------------------------------------------------------------------- state


class _Inv:
    __slots__ = ("id", "number", "issue", "due", "amount", "open", "disputed", "closed_on")

    def __init__(self, id_: int, number: str, issue: dt.date, due: dt.date, amount: int) -> None:
        self.id = id_
        self.number = number
        self.issue = issue
        self.due = due
        self.amount = amount
        self.open = amount
        self.disputed = 0
        self.closed_on: dt.date | None = None

    @property
    def payable(self) -> int:
        """Open money that a payment may settle: the undisputed part."""
        if self.open <= 0:
            return 0
        return self.open - min(self.disputed, self.open)


@dataclass(eq=False)
class _Debtor:
    id: int
    index: int
    market: Market
    city: City
    zone: ZoneInfo
    debtor_type: str
    scenario: str
    collector: int | None
    team: int
    manager: int
    language: str
    money_days: list[int]
    working_days: list[int]
    preferred_channel: str
    contactable: bool
    contacts: list[tuple[int, str]] = field(default_factory=list)  # (id, name)
    invoices: list[_Inv] = field(default_factory=list)
    open_disputes: list[int] = field(default_factory=list)  # dispute ids
    dispute_moments: list[dt.datetime] = field(default_factory=list)
    pending: list[tuple[int, int, dt.date, str]] = field(default_factory=list)
    broken: bool = False
    callback_at: dt.datetime | None = None
    escalated: bool = False
    followup_keys: set[tuple[str, dt.datetime]] = field(default_factory=set)
    next_action_at: dt.datetime | None = None

    @property
    def worker(self) -> int:
        """Who makes the calls: the assigned collector, else the team's manager."""
        return self.collector or self.manager

    @property
    def lang_index(self) -> int:
        return 0 if self.language == Language.ZH_HANS else 1

    def payable(self) -> int:
        return sum(inv.payable for inv in self.invoices)

    def overdue_payable(self, today: dt.date) -> int:
        return sum(inv.payable for inv in self.invoices if inv.due < today)


# --------------------------------------------------------------------------- generator


class DemoGenerator:
    """Turn `DemoParams` into row batches. Primary keys start at `first_ids`.

    One `random.Random(seed)` drives everything, in a fixed order, so the same
    parameters always give the same rows."""

    def __init__(self, *, params: DemoParams, staff: Staff, first_ids: dict[str, int]) -> None:
        if params.debtors < 0:
            raise ValueError("debtors must not be negative")
        if params.invoices_per_debtor is not None and not 1 <= params.invoices_per_debtor <= 100:
            raise ValueError("invoices_per_debtor must be between 1 and 100")
        self.params = params
        self.staff = staff
        self.rng = random.Random(params.seed)
        self.rand = self.rng.random
        self.today = params.today
        self.seeded_at = dt.datetime.combine(params.today, dt.time.min, tzinfo=UTC)
        self.next_id = {table: first_ids.get(table, 1) for table in TABLES}
        self.invoice_seq = 0
        self.payment_seq = 0
        self.rows: Rows = {table: [] for table in TABLES}
        self._today_ordinal = params.today.toordinal()
        self._days: dict[int, dt.date] = {}
        self._stamps: dict[tuple[dt.date, int], dt.datetime] = {}

    # -- plumbing

    def batches(self, *, chunk_rows: int = 50_000) -> Iterator[Rows]:
        """Yield rows per table, about `chunk_rows` at a time, never the whole book."""
        for index in range(self.params.debtors):
            self._debtor(index)
            if len(self.rows["invoice"]) + len(self.rows["interaction"]) >= chunk_rows:
                yield self.rows
                self.rows = {table: [] for table in TABLES}
        if any(self.rows.values()):
            yield self.rows
            self.rows = {table: [] for table in TABLES}

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _uuid(self) -> str:
        return f"{(self.rng.getrandbits(128) & _UUID_MASK) | _UUID_V4:032x}"

    def _int(self, low: int, high: int) -> int:
        """Uniform integer in [low, high]."""
        return low + int(self.rand() * (high - low + 1))

    def _one(self, seq: Sequence[T]) -> T:
        return seq[int(self.rand() * len(seq))]

    def _day(self, offset: int) -> dt.date:
        """today + offset days (cached: the book reuses a few hundred dates)."""
        try:
            return self._days[offset]
        except KeyError:
            day = self._days[offset] = dt.date.fromordinal(self._today_ordinal + offset)
            return day

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        """Midnight UTC of `day` plus `hour` (cached like the dates)."""
        try:
            return self._stamps[day, hour]
        except KeyError:
            stamp = self._stamps[day, hour] = dt.datetime(
                day.year, day.month, day.day, hour, tzinfo=UTC
            )
            return stamp

    # -- one debtor

    def _debtor(self, index: int) -> None:
        rand = self.rand
        staff = self.staff
        show = SHOWCASE[index] if index < len(SHOWCASE) else None
        if show:
            market = MARKETS[show.country]
            debtor_type = show.debtor_type
        else:
            market = MARKET_PICK.pick(rand)
            debtor_type = TYPES.pick(rand)
        city = self._one(market.cities)
        language = market.language

        if market.team == "na":
            team, manager = staff.team_na, staff.manager2
            collector: int | None = staff.collector3 if rand() < 0.85 else None
        else:
            team, manager = staff.team_east, staff.manager
            roll = rand()
            collector = (
                staff.collector if roll < 0.47 else staff.collector2 if roll < 0.94 else None
            )
        if show:
            collector = staff.collectors[show.collector] if show.collector else None
            scenario = show.scenario
        else:
            scenario = SCENARIOS[debtor_type].pick(rand)

        six_days = market.country == "CN" and rand() < 0.1
        working_days = [0, 1, 2, 3, 4, 5] if six_days else [0, 1, 2, 3, 4]
        money_days = list(self._one(MONEY_DAYS)) if rand() < 0.35 else []
        if debtor_type == DebtorType.FORGETFUL and rand() < 0.4:
            preferred = Channel.SMS if market.country == "CN" else Channel.EMAIL
        elif language == Language.EN and rand() < 0.2:
            preferred = Channel.EMAIL
        else:
            preferred = Channel.CALL
        do_not_contact = rand() < 0.01
        cease = market.country == "US" and rand() < 0.01

        st = _Debtor(
            id=self._id("debtor"),
            index=index,
            market=market,
            city=city,
            zone=ZoneInfo(city.timezone),
            debtor_type=debtor_type,
            scenario=scenario,
            collector=collector,
            team=team,
            manager=manager,
            language=language,
            money_days=money_days,
            working_days=working_days,
            preferred_channel=preferred,
            contactable=not (do_not_contact or cease),
        )
        name, domain = self._company(market, city)
        created_at = self.seeded_at - dt.timedelta(days=self._int(420, 1500))
        self._contacts(st, domain, created_at)
        self._invoices(st)
        if debtor_type == DebtorType.DISPUTE:
            self._disputes(st)
        if show is not None or rand() * 100 < self.params.history_share:
            self._history(st)
            if st.contactable:
                self._followups(st)

        if st.open_disputes:
            status = Debtor.Status.DISPUTED
        elif st.pending:
            status = Debtor.Status.PROMISED
        elif st.escalated:
            status = Debtor.Status.LEGAL if rand() < 0.25 else Debtor.Status.ESCALATED
        elif not any(inv.open > 0 for inv in st.invoices):
            status = Debtor.Status.SETTLED
        else:
            status = Debtor.Status.ACTIVE

        if debtor_type == DebtorType.UNKNOWN:
            reason, set_by, set_at = "", None, None
        else:
            reason = self._one(TYPE_REASONS[debtor_type][language])
            set_by = collector or manager
            set_at = self.seeded_at - dt.timedelta(
                days=self._int(2, 90), minutes=self._int(-600, -60)
            )
        opens, closes, lunch_from, lunch_until = market.hours
        self.rows["debtor"].append(
            (
                st.id,
                self._uuid(),
                f"C{index + 1:06d}",
                name,
                debtor_type,
                set_by,
                reason,
                set_at,
                collector,
                team,
                market.country,
                city.timezone,
                language,
                opens,
                closes,
                lunch_from,
                lunch_until,
                working_days,
                money_days,
                preferred,
                do_not_contact,
                cease,
                status,
                market.currency,
                self._one(DEBTOR_NOTES[language]),
                ZERO,
                ZERO,
                ZERO,
                0,
                None,
                0,
                st.next_action_at,
                0,
                None,
                created_at,
                self.seeded_at,
            )
        )
        self._emit_invoices(st)

    def _company(self, market: Market, city: City) -> tuple[str, str]:
        if market.language == Language.ZH_HANS:
            brand, brand_py = self._one(CN_BRANDS)
            industry, industry_py = self._one(CN_INDUSTRIES)
            name = f"{city.name}{brand}{industry}{self._one(market.suffixes)}"
            return name, f"{brand_py}{industry_py}-{city.slug}.example.com"
        prefix = self._one(EN_PREFIXES)
        industry = self._one(EN_INDUSTRIES)
        name = f"{prefix} {industry} {self._one(market.suffixes)}"
        return name, f"{prefix}{industry}".lower().replace(" ", "") + ".example.com"

    def _contacts(self, st: _Debtor, domain: str, created_at: dt.datetime) -> None:
        rng, rand = self.rng, self.rand
        count = CONTACT_COUNTS.pick(rand)
        zh = st.language == Language.ZH_HANS
        roles = rng.sample(CN_ROLES if zh else EN_ROLES, count)
        roles.sort(key=lambda role: role not in DECISION_ROLES)  # the primary decides
        for n, role in enumerate(roles):
            if zh:
                surname, surname_py = self._one(CN_SURNAMES)
                given, given_py = self._one(CN_GIVEN)
                name = f"{surname}{given}"
                local = f"{given_py}.{surname_py}" if rand() < 0.5 else f"{surname_py}{given_py}"
            else:
                first, last = self._one(EN_FIRST), self._one(EN_LAST)
                name = f"{first} {last}"
                local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            phone = st.city.landline(rng)
            mobile = st.city.mobile(rng) if rand() < 0.8 else ""
            if role in ("行政前台", "AP Clerk") and rand() < 0.5:
                email = f"{'caiwu' if zh else 'ap'}@{domain}"
            else:
                email = f"{local}@{domain}" if rand() < 0.9 else ""
            contact_id = self._id("contact")
            st.contacts.append((contact_id, name))
            self.rows["contact"].append(
                (
                    contact_id,
                    self._uuid(),
                    st.id,
                    name,
                    role,
                    phone,
                    mobile,
                    email,
                    n == 0,
                    role in DECISION_ROLES,
                    self._one(CONTACT_NOTES[st.language]),
                    [],
                    created_at,
                )
            )

    def _invoices(self, st: _Debtor) -> None:
        """The debtor's invoices across the aging buckets; some paid in full or in
        part (with the payments), now and then a credit note. The hot loop of a
        big seed, so helpers are inlined."""
        rand = self.rand
        day = self._day
        count = self.params.invoices_per_debtor or INVOICE_COUNTS.pick(rand)
        buckets = BUCKET_WEIGHTS[st.debtor_type]
        bucket_cum, bucket_total = buckets.cum, buckets.total
        tiers = AMOUNT_TIERS[st.market.country]
        tier_items, tier_cum, tier_total = tiers.items, tiers.cum, tiers.total
        credit_note = rand() < 0.04
        invoices = st.invoices
        next_id = self.next_id["invoice"]
        seq = self.invoice_seq
        for n in range(count):
            invoice_id = next_id
            next_id += 1
            seq += 1
            if credit_note and n == count - 1 and n > 0:
                issue = day(-5 - int(rand() * 116))
                amount = -(100 + int(rand() * 2_901)) * 100
                inv = _Inv(invoice_id, f"CRN-{issue.year}-{seq:06d}", issue, issue, amount)
                if rand() < 0.4:  # partly applied already
                    inv.open = amount // 2
                invoices.append(inv)
                continue
            forced = st.index < 12 and n == 0  # the showcase covers every bucket
            if forced:
                bucket = BUCKETS[st.index % 6]
            else:
                bucket = BUCKETS[bisect_right(bucket_cum, rand() * bucket_total)]
            terms = TERMS[int(rand() * 4)]
            if bucket == NOT_DUE:
                due_offset = int(rand() * 60)
                if terms <= due_offset:
                    terms += 60  # issued before today
            else:
                low, high = BUCKET_DAYS[bucket]
                due_offset = -low - int(rand() * (high - low + 1))
            issue = day(due_offset - terms)
            low, high = tier_items[bisect_right(tier_cum, rand() * tier_total)]
            amount = (low + int(rand() * (high - low + 1))) * 100
            if rand() < 0.5:
                amount += int(rand() * 100)
            inv = _Inv(invoice_id, f"INV-{issue.year}-{seq:06d}", issue, day(due_offset), amount)
            invoices.append(inv)
            if forced:
                continue
            full, part = PAID_PCT[bucket]
            roll = rand() * 100
            if roll < full + part:
                share = amount if roll < full else amount * (20 + int(rand() * 61)) // 100
                # When it was paid: after issue, around the due date, before today.
                if bucket == NOT_DUE:
                    low, high = due_offset - terms + 1, -1
                else:
                    low, high = due_offset - 10, min(due_offset + 40, -1)
                low = min(low, -1)
                self._pay(st, share, day(low + int(rand() * (max(high, low) - low + 1))), only=inv)
        self.next_id["invoice"], self.invoice_seq = next_id, seq
        invoices.sort(key=lambda inv: (inv.due, inv.issue, inv.number))

    def _pay(self, st: _Debtor, cents: int, on: dt.date, *, only: _Inv | None = None) -> int:
        """Record a payment, allocated oldest due first to the undisputed open
        money (or to one invoice). Returns the amount allocated."""
        rand = self.rand
        allocations: list[tuple[_Inv, int]] = []
        remaining = cents
        for inv in (only,) if only else st.invoices:
            if remaining <= 0:
                break
            share = min(inv.payable, remaining)
            if share <= 0:
                continue
            inv.open -= share
            if inv.open == 0:
                inv.closed_on = on
            allocations.append((inv, share))
            remaining -= share
        allocated = cents - remaining
        if allocated <= 0:
            return 0
        extra = 0
        if rand() < 0.03 and allocated % 10_000:
            extra = 10_000 - allocated % 10_000  # a rounded-up transfer: money on account
        payment_id = self._id("payment")
        self.payment_seq += 1
        method = PAYMENT_METHODS.pick(rand)
        if method == Payment.Method.CHEQUE:
            reference = f"CHQ {self._int(100_000, 999_999)}"
        else:
            reference = (
                f"{st.market.country}{on.year}{on.month:02d}{on.day:02d}-{self.payment_seq:07d}"
            )
        created = self._at(on, 3)
        self.rows["payment"].append(
            (
                payment_id,
                self._uuid(),
                st.id,
                money(allocated + extra),
                money(extra) if extra else ZERO,
                st.market.currency,
                on,
                method,
                reference,
                None,
                self.staff.finance if rand() < 0.7 else None,
                created,
            )
        )
        out = self.rows["allocation"]
        for inv, share in allocations:
            out.append((self._id("allocation"), payment_id, inv.id, money(share), created))
        return allocated

    def _disputes(self, st: _Debtor) -> None:
        rand = self.rand
        pool = [inv for inv in st.invoices if inv.payable > 0]
        if not pool:
            return
        pool = [inv for inv in pool if inv.due < self.today] or pool
        count = 1 if len(pool) < 3 or rand() < 0.8 else 2
        self.rng.shuffle(pool)
        for n in range(count):
            if not pool:
                break
            take = min(len(pool), self._int(1, 2))
            linked, pool = pool[:take], pool[take:]
            status = DISPUTE_STATUSES.pick(rand)
            if st.index < 12 and n == 0:
                status = Dispute.Status.OPEN
            is_open = status in (Dispute.Status.OPEN, Dispute.Status.ESCALATED)
            total = 0
            held = {}
            for inv in linked:
                part = inv.payable
                if rand() < 0.5:
                    part = min(max(part * self._int(10, 90) // 100, 100), part)
                total += part
                if is_open:
                    inv.disputed += part
                    held[str(inv.id)] = str(money(part))
            category = self._one(DISPUTE_CATEGORIES)
            day = self._working_day(st, self._day(-self._int(8, 55)), back=True)
            opened = self._moment(st, day)
            escalated_at = resolved_at = None
            if status != Dispute.Status.OPEN:
                escalated_at = min(opened + dt.timedelta(days=self._int(2, 6)), self.seeded_at)
            if escalated_at and status in (Dispute.Status.RESOLVED, Dispute.Status.REJECTED):
                resolved_at = min(escalated_at + dt.timedelta(days=self._int(1, 5)), self.seeded_at)
                if rand() < 0.6:
                    escalated_at = None  # settled by the collector, never escalated
            owner = st.manager if status == Dispute.Status.ESCALATED else st.worker
            dispute_id = self._id("dispute")
            resolution = RESOLUTIONS[status][st.lang_index] if status in RESOLUTIONS else ""
            self.rows["dispute"].append(
                (
                    dispute_id,
                    self._uuid(),
                    st.id,
                    category,
                    money(total),
                    DISPUTE_TEXT[category][st.lang_index],
                    status,
                    owner,
                    st.worker,
                    resolution,
                    held,
                    opened,
                    escalated_at,
                    resolved_at,
                )
            )
            for inv in linked:
                self.rows["dispute_invoice"].append(
                    (self._id("dispute_invoice"), dispute_id, inv.id)
                )
            if is_open:
                st.open_disputes.append(dispute_id)
            st.dispute_moments.append(opened)

    def _emit_invoices(self, st: _Debtor) -> None:
        currency = st.market.currency
        seeded_at = self.seeded_at
        getrandbits = self.rng.getrandbits
        at = self._at
        out = self.rows["invoice"]
        debtor_id = st.id
        for inv in st.invoices:
            if inv.disputed:
                status = Invoice.Status.DISPUTED
            elif inv.open == 0:
                status = Invoice.Status.PAID
            elif inv.open != inv.amount:
                status = Invoice.Status.PARTIALLY_PAID
            else:
                status = Invoice.Status.OPEN
            amount = money(inv.amount)
            open_ = amount if inv.open == inv.amount else money(inv.open)
            disputed = money(inv.disputed) if inv.disputed else ZERO
            if inv.closed_on:
                closed_at, closed_reason = at(inv.closed_on, 10), "payment"
            else:
                closed_at, closed_reason = None, ""
            out.append(
                (
                    inv.id,
                    f"{(getrandbits(128) & _UUID_MASK) | _UUID_V4:032x}",
                    debtor_id,
                    inv.number,
                    inv.issue,
                    inv.due,
                    amount,
                    open_,
                    disputed,
                    currency,
                    status,
                    closed_at,
                    closed_reason,
                    at(inv.issue, 2),
                    seeded_at,
                )
            )

    # -- calendar helpers

    def _working_day(self, st: _Debtor, day: dt.date, *, back: bool) -> dt.date:
        while day.weekday() not in st.working_days:
            day = day - DAY if back else day + DAY
        return day

    def _past_day(self, days_ago: int, st: _Debtor) -> dt.date:
        return self._working_day(st, self._day(-max(days_ago, 1)), back=True)

    def _moment(self, st: _Debtor, day: dt.date, *, afternoon: bool = False) -> dt.datetime:
        """A local business-hours moment on `day` (never in the lunch break), in UTC."""
        opens, closes, lunch_from, lunch_until = st.market.hours
        lunch_start = lunch_from.hour * 60 + lunch_from.minute
        lunch_end = lunch_until.hour * 60 + lunch_until.minute
        start = lunch_end if afternoon else opens.hour * 60 + opens.minute
        end = closes.hour * 60 + closes.minute - 20
        minute = self._int(start, end - (0 if afternoon else lunch_end - lunch_start))
        if not afternoon and minute >= lunch_start:
            minute += lunch_end - lunch_start
        local = dt.datetime(
            day.year,
            day.month,
            day.day,
            minute // 60,
            minute % 60,
            int(self.rand() * 60),
            tzinfo=st.zone,
        )
        return local.astimezone(UTC)

    # -- history

    def _contact_for(self, st: _Debtor) -> tuple[int, str]:
        return st.contacts[0] if self.rand() < 0.75 else self._one(st.contacts)

    def _note(self, st: _Debtor, key: str, **values: object) -> str:
        return self._one(NOTES[st.language][key]).format(**values)

    def _touch(
        self,
        st: _Debtor,
        when: dt.datetime,
        channel: str,
        outcome: str,
        note: str,
        *,
        contact: tuple[int, str] | None = None,
        inbound: bool = False,
    ) -> int:
        contact = contact or self._contact_for(st)
        if channel == Channel.CALL:
            short = outcome in (Interaction.Outcome.NO_ANSWER, Interaction.Outcome.BUSY)
            seconds = self._int(20, 45) if short else self._int(60, 720)
            ended: dt.datetime | None = when + dt.timedelta(seconds=seconds)
        elif channel == Channel.VISIT:
            ended = when + dt.timedelta(minutes=self._int(30, 90))
        else:
            ended = None
        interaction_id = self._id("interaction")
        self.rows["interaction"].append(
            (
                interaction_id,
                self._uuid(),
                st.id,
                contact[0],
                st.worker,
                channel,
                Interaction.Direction.INBOUND if inbound else Interaction.Direction.OUTBOUND,
                when,
                ended,
                outcome,
                outcome in Interaction.CONVERSATION_OUTCOMES,
                note,
                [],
                None,
                "",
                ended or when,
            )
        )
        return interaction_id

    def _noise(self, st: _Debtor, days_ago: int) -> None:
        """An unanswered attempt, a reminder message, or now and then a wrong number."""
        rand = self.rand
        when = self._moment(st, self._past_day(days_ago, st))
        roll = rand()
        if roll < 0.45:
            outcome = NOISE_CALLS.pick(rand)
            contact = self._contact_for(st)
            self._touch(
                st,
                when,
                Channel.CALL,
                outcome,
                self._note(st, outcome, name=contact[1]),
                contact=contact,
            )
        elif roll < 0.75:
            self._touch(
                st,
                when,
                Channel.SMS,
                Interaction.Outcome.SENT,
                self._note(st, "sms", amount=self._overdue_text(st)),
            )
        elif roll < 0.97 or len(st.contacts) < 2:
            self._touch(st, when, Channel.EMAIL, Interaction.Outcome.SENT, self._note(st, "email"))
        else:
            self._touch(
                st,
                when,
                Channel.CALL,
                Interaction.Outcome.WRONG_NUMBER,
                self._note(st, "wrong_number"),
                contact=st.contacts[-1],
            )

    def _overdue_text(self, st: _Debtor) -> str:
        return format_money(st.overdue_payable(self.today) or st.payable(), st.market.symbol)

    def _history(self, st: _Debtor) -> None:
        """Calls, messages, visits and promises over the last 60 days, after a
        story that suits the debtor's type (`SCENARIOS`)."""
        scenario = st.scenario
        if st.payable() <= 0 and scenario != "dispute":
            scenario = "quiet"
        for _ in range(self._int(0, 2) if scenario != "quiet" else self._int(1, 3)):
            self._noise(st, self._int(30, 60))
        for opened in st.dispute_moments:
            contact = st.contacts[0]
            self._touch(
                st,
                opened,
                Channel.CALL,
                Interaction.Outcome.DISPUTE,
                self._note(st, "dispute", name=contact[1]),
                contact=contact,
            )
            day = self._working_day(st, opened.date() + self._int(1, 3) * DAY, back=False)
            if day < self.today:
                self._touch(
                    st,
                    self._moment(st, day),
                    Channel.EMAIL,
                    Interaction.Outcome.SENT,
                    self._note(st, "email_docs"),
                    contact=contact,
                )

        if scenario == "kept":
            self._promise(st, outcome="kept", instalments=1, made_ago=self._int(12, 30))
            if self.rand() < 0.4:
                self._touch(
                    st,
                    self._moment(st, self._past_day(self._int(1, 3), st)),
                    Channel.EMAIL,
                    Interaction.Outcome.SENT,
                    self._note(st, "thanks"),
                )
        elif scenario == "says_paid":
            day = self._past_day(self._int(3, 20), st)
            contact = st.contacts[0]
            self._touch(
                st,
                self._moment(st, day),
                Channel.CALL,
                Interaction.Outcome.PAID,
                self._note(st, "paid", name=contact[1]),
                contact=contact,
            )
            self._pay(st, st.overdue_payable(self.today) or st.payable(), day - DAY)
        elif scenario == "pending":
            self._promise(st, outcome="pending", instalments=1, made_ago=self._int(1, 6))
        elif scenario == "plan_running":
            self._promise(
                st, outcome="running", instalments=self._int(3, 4), made_ago=self._int(15, 40)
            )
        elif scenario == "plan_new":
            self._promise(
                st, outcome="pending", instalments=self._int(2, 4), made_ago=self._int(1, 7)
            )
        elif scenario == "partly":
            self._promise(
                st, outcome="partly", instalments=self._int(1, 2), made_ago=self._int(25, 50)
            )
        elif scenario in ("broken", "broken_then_pending"):
            self._promise(st, outcome="broken", instalments=1, made_ago=self._int(20, 45))
            for _ in range(self._int(1, 3)):
                self._noise(st, self._int(6, 15))
            if scenario == "broken_then_pending":
                self._promise(st, outcome="pending", instalments=1, made_ago=self._int(1, 5))
            else:
                self._callback_or_talk(st)
                st.escalated = st.debtor_type == DebtorType.STALLING and self.rand() < 0.4
        elif scenario == "refused":
            self._refusal(st)
        elif scenario == "dispute" and st.payable() > 0 and self.rand() < 0.35:
            # Pay the undisputed part first.
            self._promise(st, outcome="pending", instalments=1, made_ago=self._int(1, 6))
        elif scenario == "quiet" and self.rand() < 0.3:
            self._callback_or_talk(st)

    def _refusal(self, st: _Debtor) -> None:
        for _ in range(self._int(2, 3)):
            self._noise(st, self._int(15, 40))
        contact = st.contacts[0]
        day = self._past_day(self._int(8, 14), st)
        self._touch(
            st,
            self._moment(st, day, afternoon=True),
            Channel.CALL,
            Interaction.Outcome.REFUSED,
            self._note(st, "refused", name=contact[1]),
            contact=contact,
        )
        day = self._past_day(self._int(2, 6), st)
        if st.market.country == "CN":  # the team can call in person
            self._touch(
                st,
                self._moment(st, day),
                Channel.VISIT,
                Interaction.Outcome.RIGHT_PARTY,
                self._note(st, "visit", name=contact[1]),
                contact=contact,
            )
        else:
            self._touch(
                st,
                self._moment(st, day),
                Channel.LETTER,
                Interaction.Outcome.SENT,
                self._note(st, "letter"),
                contact=contact,
            )
        st.escalated = True

    def _callback_or_talk(self, st: _Debtor) -> None:
        contact = st.contacts[0]
        when = self._moment(st, self._past_day(self._int(1, 4), st))
        if self.rand() < 0.6:
            self._touch(
                st,
                when,
                Channel.CALL,
                Interaction.Outcome.CALLBACK,
                self._note(st, "callback", name=contact[1]),
                contact=contact,
            )
            st.callback_at = when
        elif self.rand() < 0.5:
            self._touch(
                st,
                when,
                Channel.CALL,
                Interaction.Outcome.RIGHT_PARTY,
                self._note(st, "inbound", name=contact[1]),
                contact=contact,
                inbound=True,
            )
        else:
            self._touch(
                st,
                when,
                Channel.CALL,
                Interaction.Outcome.RIGHT_PARTY,
                self._note(st, "right_party", name=contact[1], amount=self._overdue_text(st)),
                contact=contact,
            )

    def _promise(self, st: _Debtor, *, outcome: str, instalments: int, made_ago: int) -> None:
        """A promise to pay with its instalments, made `made_ago` days back.

        outcome: kept (all paid), partly (all due, some paid), broken (all
        due, nothing paid), running (the first ones paid, the rest to come) or
        pending (all to come). Kept money arrives as real payments."""
        rand = self.rand
        today = self.today
        payable = st.payable()
        if payable < 200:
            return
        if outcome == "kept" and rand() < 0.6:
            total = payable  # the whole balance, to the cent
        else:
            share = payable * self._int(40, 100) // 100
            total = min(max(share - share % 100, 100), payable)  # whole currency units
        interval = self._one((7, 14)) if instalments > 1 else 0
        made_day = self._past_day(made_ago, st)
        if outcome in ("kept", "partly", "broken"):
            # Every instalment falls due before today.
            latest_first = today - (1 + interval * (instalments - 1)) * DAY
            first = min(made_day + self._int(2, 7) * DAY, latest_first)
            if first <= made_day:
                made_day = self._past_day((today - first).days + 2, st)
        elif outcome == "running":
            interval = interval or 14
            first = min(made_day + self._int(3, 8) * DAY, today - DAY)
            if first + interval * (instalments - 1) * DAY < today:
                interval = (today - first).days // (instalments - 1) + 3  # the last is ahead
        else:
            first = max(made_day + self._int(3, 10) * DAY, self._day(self._int(1, 12)))
        dues = [first + n * interval * DAY for n in range(instalments)]
        amounts = [total // instalments // 100 * 100] * instalments
        amounts[-1] = total - sum(amounts[:-1])
        if min(amounts) <= 0:
            return

        contact = st.contacts[0]
        symbol = st.market.symbol
        moment = self._moment(st, made_day, afternoon=rand() < 0.6)
        values = {
            "name": contact[1],
            "date": f"{dues[0]:%Y-%m-%d}",
            "count": instalments,
            "amount": format_money(amounts[0] if instalments > 1 else total, symbol),
        }
        channel = Channel.CALL
        if instalments > 1:
            note = self._note(st, "plan", **values)
        elif st.market.country == "CN" and st.debtor_type == DebtorType.STALLING and rand() < 0.3:
            channel = Channel.VISIT
            note = self._note(st, "visit_promise", **values)
        else:
            note = self._note(st, "promise", **values)
        interaction_id = self._touch(
            st, moment, channel, Interaction.Outcome.PROMISE, note, contact=contact
        )
        promise_id = self._id("promise")
        reminder = Channel.SMS if st.market.country == "CN" or rand() < 0.5 else Channel.EMAIL
        kept_total = 0
        statuses: list[str] = []
        for n, (due, amount) in enumerate(zip(dues, amounts, strict=True)):
            instalment_id = self._id("instalment")
            paid = 0
            if due < today:
                last = n == instalments - 1
                if outcome in ("kept", "running") or (outcome == "partly" and not last):
                    paid = self._pay(st, amount, due - self._int(0, 1) * DAY)
                elif outcome == "partly":
                    paid = self._pay(st, amount * self._int(30, 70) // 100, due)
                if paid >= amount:
                    status = Instalment.Status.KEPT
                elif paid > 0:
                    status = Instalment.Status.PARTLY_KEPT
                else:
                    status = Instalment.Status.BROKEN
                self._instalment_reminder(
                    st, promise_id, instalment_id, due, amount, reminder, made_day, contact
                )
            else:
                status = Instalment.Status.PENDING
                st.pending.append((promise_id, instalment_id, due, reminder))
            kept_total += paid
            statuses.append(status)
            self.rows["instalment"].append(
                (instalment_id, promise_id, n + 1, due, money(amount), money(paid), status)
            )

        if Instalment.Status.PENDING in statuses:
            status = PromiseToPay.Status.PENDING
        elif all(s == Instalment.Status.KEPT for s in statuses):
            status = PromiseToPay.Status.KEPT
        elif kept_total > 0:
            status = PromiseToPay.Status.PARTLY_KEPT
        else:
            status = PromiseToPay.Status.BROKEN
            st.broken = True
        evaluated = None
        if status != PromiseToPay.Status.PENDING:
            evaluated = min(self._at(dues[-1] + DAY, 0), self.seeded_at)
        self.rows["promise"].append(
            (
                promise_id,
                self._uuid(),
                st.id,
                interaction_id,
                contact[0],
                st.worker,
                money(total),
                money(kept_total),
                st.market.currency,
                status,
                reminder,
                moment,
                evaluated,
            )
        )

    def _instalment_reminder(
        self,
        st: _Debtor,
        promise_id: int,
        instalment_id: int,
        due: dt.date,
        amount: int,
        channel: str,
        made_day: dt.date,
        contact: tuple[int, str],
    ) -> None:
        """The message sent the working day before a past instalment, and the
        follow-up that planned it (done)."""
        day = self._working_day(st, due - DAY, back=True)
        if day <= made_day:
            return
        when = self._moment(st, day)
        self._touch(
            st,
            when,
            channel,
            Interaction.Outcome.SENT,
            self._note(
                st,
                f"{channel}_instalment",
                date=f"{due:%Y-%m-%d}",
                amount=format_money(amount, st.market.symbol),
            ),
            contact=contact,
        )
        self._followup(
            st,
            action=channel,
            reason=FollowUp.Reason.PROMISE_REMINDER,
            due_at=when,
            why=[],
            status=FollowUp.Status.DONE,
            promise=promise_id,
            instalment=instalment_id,
        )

    # -- follow-ups

    def _followup(
        self,
        st: _Debtor,
        *,
        action: str,
        reason: str,
        due_at: dt.datetime,
        why: list,
        status: str = FollowUp.Status.SCHEDULED,
        promise: int | None = None,
        instalment: int | None = None,
        invoice: int | None = None,
        assigned_to: int | None = None,
    ) -> None:
        key = (reason, due_at)
        if key in st.followup_keys:  # (debtor, reason, due_at) is unique
            return
        st.followup_keys.add(key)
        done = status == FollowUp.Status.DONE
        created = due_at - 2 * DAY if done else min(due_at - 2 * DAY, self.seeded_at - DAY)
        self.rows["followup"].append(
            (
                self._id("followup"),
                self._uuid(),
                st.id,
                action,
                reason,
                due_at,
                status,
                assigned_to or st.collector,
                promise,
                instalment,
                invoice,
                created,
                due_at if done else None,
                why,  # slot_explain: reason codes, worded when shown (followups.timing)
                None,
                None,
                0,
                "",
                None,
                None,
                "",
                0,  # priority: copied from the summaries after they are computed
            )
        )
        if not done and (st.next_action_at is None or due_at < st.next_action_at):
            st.next_action_at = due_at

    def _local(self, st: _Debtor, day: dt.date, hour: int, minute: int) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=st.zone)

    def _slot(self, st: _Debtor, *, earliest: int, latest: int) -> tuple[dt.datetime, list]:
        """A coming slot in the debtor's week, with the reason codes the timing
        engine would give for it (best weekdays, first minutes of the day,
        afternoons)."""
        days = [self._day(n) for n in range(earliest, latest + 1)]
        days = [d for d in days if d.weekday() in st.working_days] or [
            self._working_day(st, self._day(earliest), back=False)
        ]
        day = self.rng.choices(days, [WEEKDAY_PREFERENCE[d.weekday()] for d in days])[0]
        opens = st.market.hours[0]
        if self.rand() < 0.6:
            local = self._local(st, day, opens.hour, opens.minute + 5)
            why = [_at(local), ["first_15", {}]]
        else:
            local = self._local(st, day, 15, 0)
            why = [_at(local), ["afternoon_negotiation", {}]]
        before_money_day = [m for m in st.money_days if 1 <= m - day.day <= 3]
        if before_money_day:
            why.append(["money_before", {"days": before_money_day[0] - day.day}])
        elif day.weekday() in (3, 4):
            why.append(["weekday_best" if day.weekday() == 4 else "weekday_good", {}])
        return local.astimezone(UTC), why

    def _followups(self, st: _Debtor) -> None:
        """What is planned next: reminders before promised dates, broken promises,
        disputes to review, callbacks, visits or letters, and the next dunning step
        (some already due, so today's queue has work)."""
        Reason = FollowUp.Reason
        if st.pending:
            promise_id, instalment_id, due, channel = st.pending[0]
            day = self._working_day(st, due - DAY, back=True)
            if day <= self.today:
                day = due
            local = self._local(st, day, 10, 0)
            self._followup(
                st,
                action=channel,
                reason=Reason.PROMISE_REMINDER,
                due_at=local.astimezone(UTC),
                why=[_at(local), ["morning", {}]],
                promise=promise_id,
                instalment=instalment_id,
            )
        elif st.broken:
            due_at, why = self._slot(st, earliest=1, latest=3)
            self._followup(
                st,
                action=Channel.CALL,
                reason=Reason.BROKEN_PROMISE,
                due_at=due_at,
                why=why,
            )
        if st.open_disputes:
            due_at, why = self._slot(st, earliest=2, latest=7)
            self._followup(
                st,
                action=Channel.CALL,
                reason=Reason.DISPUTE_REVIEW,
                due_at=due_at,
                why=why,
                assigned_to=st.manager if self.rand() < 0.3 else None,
            )
        if st.callback_at is not None:
            asked = st.callback_at.astimezone(st.zone).date()
            day = self._working_day(st, max(asked + DAY, self.today), back=False)
            local = self._local(st, day, 15, 30)
            self._followup(
                st,
                action=Channel.CALL,
                reason=Reason.CALLBACK,
                due_at=local.astimezone(UTC),
                why=[_at(local), ["callback_asked", {}]],
            )
        if st.escalated:
            due_at, why = self._slot(st, earliest=2, latest=8)
            if st.market.country == "CN":
                self._followup(
                    st, action=Channel.VISIT, reason=Reason.VISIT, due_at=due_at, why=why
                )
            else:
                self._followup(
                    st,
                    action=Channel.LETTER,
                    reason=Reason.ESCALATION,
                    due_at=due_at,
                    why=why,
                    assigned_to=st.manager,
                )
        overdue = [inv for inv in st.invoices if inv.payable > 0 and inv.due < self.today]
        if overdue and not st.pending and not st.open_disputes:
            if self.rand() < 0.4:  # already due
                day = self._working_day(st, self._day(-self._int(0, 2)), back=True)
                opens = st.market.hours[0]
                local = self._local(st, day, opens.hour, opens.minute + 5)
                due_at = local.astimezone(UTC)
                why = [_at(local), ["first_15", {}]]
            else:
                due_at, why = self._slot(st, earliest=1, latest=10)
            self._followup(
                st,
                action=st.preferred_channel,
                reason=Reason.DUNNING_STEP,
                due_at=due_at,
                why=why,
                invoice=overdue[0].id,
            )
