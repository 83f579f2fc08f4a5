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

The parts live beside this module; this one keeps the names callers import:

- `demo.tables`: `COLUMNS`, `TABLES`, `Rows`, money in rows
- `demo.phones`, `demo.markets`: phone numbers, countries and cities
- `demo.names`, `demo.texts`: the word lists and the prose
- `demo.aging`, `demo.scenarios`: aging buckets, invoice status, the odds
- `demo.state`: `DemoParams`, `Staff` and the per-debtor state
- `demo.generator`: `DemoGenerator`, put together from `demo.generator_base`,
  `demo.debtors`, `demo.people`, `demo.invoices` (open invoices, payments),
  `demo.settlement` (invoices of the last thirteen months, paid by each type's
  habits), `demo.disputes`, `demo.history` (interactions, the recent story),
  `demo.walk` (thirteen months of collection work), `demo.calls` (when calls
  happen and who answers), `demo.promises` and `demo.followups`
- `demo.judge`: promises judged the nightly run's way; `demo.tracks`: the
  talk tracks the interactions used, read from the library before seeding
"""

from __future__ import annotations

from .aging import BUCKET_DAYS, BUCKETS, NOT_DUE, due_offset_in_bucket, invoice_status
from .generator import DemoGenerator
from .generator_base import DAY, UTC
from .markets import CN_TIERS, MARKETS, WEST_TIERS, City, Market, PhoneMaker
from .names import (
    CN_BRANDS,
    CN_GIVEN,
    CN_INDUSTRIES,
    CN_ROLES,
    CN_SURNAMES,
    DECISION_ROLES,
    EN_FIRST,
    EN_INDUSTRIES,
    EN_LAST,
    EN_PREFIXES,
    EN_ROLES,
)
from .phones import (
    CN_MOBILE_PREFIXES,
    GB_MOBILE_PREFIXES,
    SG_MOBILE_PREFIXES,
    au_landline,
    au_mobile,
    cn_landline,
    cn_mobile,
    gb_geographic,
    gb_london,
    gb_mobile,
    nanp_number,
    sg_landline,
    sg_mobile,
)
from .scenarios import (
    AMOUNT_TIERS,
    BUCKET_WEIGHTS,
    CONTACT_COUNTS,
    DISPUTE_CATEGORIES,
    DISPUTE_STATUSES,
    INVOICE_COUNTS,
    MARKET_PICK,
    MONEY_DAYS,
    NOISE_CALLS,
    PAID_PCT,
    PAYMENT_METHODS,
    SCENARIOS,
    SHOWCASE,
    TERMS,
    TYPES,
    WEEKDAY_PREFERENCE,
    Showcase,
    Weighted,
)
from .state import DemoParams, Staff
from .tables import COLUMNS, TABLES, ZERO, Rows, format_money, money
from .texts import (
    CONTACT_NOTES,
    DEBTOR_NOTES,
    DISPUTE_TEXT,
    NOTES,
    RESOLUTIONS,
    TYPE_REASONS,
)

__all__ = [
    "AMOUNT_TIERS",
    "BUCKETS",
    "BUCKET_DAYS",
    "BUCKET_WEIGHTS",
    "CN_BRANDS",
    "CN_GIVEN",
    "CN_INDUSTRIES",
    "CN_MOBILE_PREFIXES",
    "CN_ROLES",
    "CN_SURNAMES",
    "CN_TIERS",
    "COLUMNS",
    "CONTACT_COUNTS",
    "CONTACT_NOTES",
    "DAY",
    "DEBTOR_NOTES",
    "DECISION_ROLES",
    "DISPUTE_CATEGORIES",
    "DISPUTE_STATUSES",
    "DISPUTE_TEXT",
    "EN_FIRST",
    "EN_INDUSTRIES",
    "EN_LAST",
    "EN_PREFIXES",
    "EN_ROLES",
    "GB_MOBILE_PREFIXES",
    "INVOICE_COUNTS",
    "MARKETS",
    "MARKET_PICK",
    "MONEY_DAYS",
    "NOISE_CALLS",
    "NOTES",
    "NOT_DUE",
    "PAID_PCT",
    "PAYMENT_METHODS",
    "RESOLUTIONS",
    "SCENARIOS",
    "SG_MOBILE_PREFIXES",
    "SHOWCASE",
    "TABLES",
    "TERMS",
    "TYPES",
    "TYPE_REASONS",
    "UTC",
    "WEEKDAY_PREFERENCE",
    "WEST_TIERS",
    "ZERO",
    "City",
    "DemoGenerator",
    "DemoParams",
    "Market",
    "PhoneMaker",
    "Rows",
    "Showcase",
    "Staff",
    "Weighted",
    "au_landline",
    "au_mobile",
    "cn_landline",
    "cn_mobile",
    "due_offset_in_bucket",
    "format_money",
    "gb_geographic",
    "gb_london",
    "gb_mobile",
    "invoice_status",
    "money",
    "nanp_number",
    "sg_landline",
    "sg_mobile",
]
