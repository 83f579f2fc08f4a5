"""Cell values from accounting exports: amounts, dates and aging-bucket labels.

Pure functions, no Django models. Each parser accepts what a CSV (str) or an
XLSX reader (int, float, date, datetime) hands over and raises ``ValueError``
(``AmountError`` / ``DateError``) for text it cannot read; empty cells give None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import NamedTuple


class AmountError(ValueError):
    pass


class DateError(ValueError):
    pass


# --------------------------------------------------------------------------- amounts

_CURRENCY_TOKENS = re.compile(
    r"(?i)(?:US\$|HK\$|NT\$|A\$|C\$|R\$|S\$|(?<![a-z])(?:CNY|RMB|USD|EUR|GBP|HKD|JPY|INR|AED|"
    r"BRL|AUD|CAD|SGD|CHF|MXN|CLP|Rs\.?)(?![a-z])|[$€£¥￥₹元])"
)
_FLOAT_PLACES = Decimal("0.000001")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_NUMBER = re.compile(r"^\d[\d.,]*$|^[.,]\d+$")


def _clean_amount_text(text: str) -> tuple[str, bool]:
    """Strip markers, currency and signs. Returns (digits-and-separators, negative)."""
    s = text.strip().replace("\u2212", "-").replace("*", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    s = _CURRENCY_TOKENS.sub("", s).strip()
    low = s.lower()
    # Tally and Indian ledgers mark the side: "1,200.00 Dr" / "500.00 Cr".
    if low.endswith(" cr") or low.endswith("cr."):
        negative = not negative
        s = s[: -3 if low.endswith(" cr") else -3].strip()
    elif low.endswith(" dr"):
        s = s[:-3].strip()
    if s.startswith("(") and s.endswith(")"):
        negative, s = (not negative), s[1:-1]
    if s.endswith("-"):
        negative, s = (not negative), s[:-1]
    elif s.startswith("-"):
        negative, s = (not negative), s[1:]
    elif s.startswith("+"):
        s = s[1:]
    s = _SPACES.sub("", s)
    if s.startswith("-"):  # "$ -1.00" after currency removal
        negative, s = (not negative), s[1:]
    return s, negative


def _decimal_separator_of(s: str) -> str | None:
    """The decimal separator this one value proves, or None when it is ambiguous."""
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        return "." if s.rfind(".") > s.rfind(",") else ","
    for sep, other in ((".", ","), (",", ".")):
        if sep in s:
            if s.count(sep) > 1:
                return other  # repeated: it groups thousands
            tail = s.rsplit(sep, 1)[1]
            if len(tail) != 3 or s.startswith(sep) or s.startswith("0" + sep):
                return sep
    return None


def parse_amount(value, *, decimal: str | None = None, hint: str | None = None) -> Decimal | None:
    """Read a money cell.

    Accepts thousand separators (``5,281.52``, ``1.234,56``, ``1 234,56``,
    ``1'234.56``), signs (leading or trailing minus as in SAP ``1.234,56-``,
    parentheses, ``Cr``), currency symbols and codes, and ``*`` markers.
    ``decimal`` is the column's decimal separator (see
    :func:`infer_decimal_separator`); without it an ambiguous ``1,234`` is read
    the English way (``hint`` is an alias of ``decimal``). Empty cells and ``-``
    give None; callers decide whether that means 0 (bucket columns) or "missing".
    """
    decimal = decimal or hint
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError(value)
        # repr() is the shortest text that round-trips: 1234.56, not 1234.5599999.
        result = Decimal(repr(value))
        return result.quantize(_FLOAT_PLACES) if result.as_tuple().exponent < -6 else result
    text = str(value)
    if not text.strip() or text.strip() in {"-", "–", "—"}:
        return None
    s, negative = _clean_amount_text(text)
    if not s or not _NUMBER.match(s):
        raise AmountError(text)
    sep = decimal or _decimal_separator_of(s) or "."
    s = s.replace(".", "").replace(",", ".") if sep == "," else s.replace(",", "")
    if s.count(".") > 1:
        raise AmountError(text)
    try:
        result = Decimal(s)
    except InvalidOperation as exc:
        raise AmountError(text) from exc
    return -result if negative else result


def infer_decimal_separator(values: Iterable, *, default: str = ".") -> str:
    """Decide a column's decimal separator from many of its values (text cells only)."""
    votes = {".": 0, ",": 0}
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            s, _negative = _clean_amount_text(value)
        except Exception:  # noqa: BLE001 - a vote, not a verdict
            continue
        if _NUMBER.match(s):
            sep = _decimal_separator_of(s)
            if sep:
                votes[sep] += 1
    if votes[","] > votes["."]:
        return ","
    if votes["."] > votes[","]:
        return "."
    return default


# --------------------------------------------------------------------------- dates

_EXCEL_1900 = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01, after the 1900-02-29 bug
_EXCEL_1904 = dt.date(1904, 1, 1)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janeiro", "jan."),
            ("feb", "february", "fev", "fevereiro", "feb."),
            ("mar", "march", "março", "marco", "mar."),
            ("apr", "april", "abr", "abril", "apr."),
            ("may", "maio", "mai"),
            ("jun", "june", "junho", "jun."),
            ("jul", "july", "julho", "jul."),
            ("aug", "august", "ago", "agosto", "aug."),
            ("sep", "sept", "september", "set", "setembro", "sep.", "sept."),
            ("oct", "october", "out", "outubro", "oct."),
            ("nov", "november", "novembro", "nov."),
            ("dec", "december", "dez", "dezembro", "dec."),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_WORDS = re.compile(r"[A-Za-zçÇ]+\.?|\d+")
_TIME_TAIL = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?.*)$")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
ORDER_DMY, ORDER_MDY = "dmy", "mdy"


def excel_serial_to_date(serial: float, *, date1904: bool = False) -> dt.date:
    days = int(serial)
    if date1904:
        return _EXCEL_1904 + dt.timedelta(days=days)
    if days < 61:  # before Excel's phantom 1900-02-29
        return dt.date(1899, 12, 31) + dt.timedelta(days=days)
    return _EXCEL_1900 + dt.timedelta(days=days)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int, original) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(original) from exc


def parse_date(value, *, order: str | None = None, date1904: bool = False) -> dt.date | None:
    """Read a date cell.

    ISO ``2021-01-28``, ``20210128``, ``2021年1月28日``, numeric ``28.01.2021`` /
    ``01/28/2021`` (``order`` is ``"dmy"`` or ``"mdy"``; without it a first part
    above 12 means day-first, dots mean day-first, slashes month-first), month
    names (``Jan 28 2021``, ``28 Jan 2021``, ``28-Jan-21``, ``September 23, 2026``),
    Excel serial numbers in either date system, and date/datetime objects.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateError(value)
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:
            raise DateError(value)
        return excel_serial_to_date(value, date1904=date1904)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    s = _WEEKDAY.sub("", text)
    s = _TIME_TAIL.sub("", s).strip().rstrip(",")
    if re.fullmatch(r"\d{5}(?:\.\d+)?", s):
        return excel_serial_to_date(float(s), date1904=date1904)
    if m := _ISO.match(s) or _COMPACT.match(s) or _CHINESE.match(s):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _NUMERIC.match(s):
        first, second, year = int(m[1]), int(m[2]), _year(m[3])
        use = order
        if use is None:
            if first > 12:
                use = ORDER_DMY
            elif second > 12:
                use = ORDER_MDY
            else:
                use = ORDER_DMY if "." in s else ORDER_MDY
        if use == ORDER_DMY:
            return _make(year, second, first, text)
        return _make(year, first, second, text)
    words = [w.lower() for w in _WORDS.findall(s)]
    if len(words) == 3:
        month_first = words[0] in _MONTHS
        month_second = words[1] in _MONTHS
        try:
            if month_first and words[1].isdigit() and words[2].isdigit():
                return _make(_year(words[2]), _MONTHS[words[0]], int(words[1]), text)
            if month_second and words[0].isdigit() and words[2].isdigit():
                return _make(_year(words[2]), _MONTHS[words[1]], int(words[0]), text)
        except ValueError as exc:
            raise DateError(text) from exc
    # Portuguese "31 de julho de 2026"
    if len(words) == 5 and words[1] == "de" and words[3] == "de" and words[2] in _MONTHS:
        return _make(_year(words[4]), _MONTHS[words[2]], int(words[0]), text)
    raise DateError(text)


def infer_date_order(values: Iterable) -> str | None:
    """``"dmy"`` when some numeric date's first part exceeds 12, ``"mdy"`` when the
    second part does, None when every value is ambiguous (or they contradict)."""
    dmy = mdy = False
    for value in values:
        if not isinstance(value, str):
            continue
        s = _TIME_TAIL.sub("", value.strip())
        if m := _NUMERIC.match(s):
            if int(m[1]) > 12:
                dmy = True
            elif int(m[2]) > 12:
                mdy = True
    if dmy and not mdy:
        return ORDER_DMY
    if mdy and not dmy:
        return ORDER_MDY
    return None


# --------------------------------------------------------------------------- buckets


class Bucket(NamedTuple):
    """Days past due covered by an aging column; ``max_days`` None means open-ended.
    Not-yet-due columns (Current, Future, 未到期) are ``(0, 0)``."""

    min_days: int
    max_days: int | None


_NOT_DUE = {
    "current",
    "not due",
    "not yet due",
    "not overdue",
    "future",
    "未到期",
    "未逾期",
    "未过期",
    "当前",
    "a vencer",
    "no vencido",
}
_UNIT = r"(?:天|日|d\.?|days?|dias?|个月|月|months?|m|年|years?|yrs?)?"
_UNITS = {"天": 1, "日": 1, "d": 1, "day": 1, "dia": 1, "个月": 30, "月": 30, "month": 30}
_UNITS |= {"m": 30, "年": 365, "year": 365, "yr": 365}
_RANGE = re.compile(rf"^(\d+)\s*{_UNIT}\s*(?:-|–|—|~|～|to|至|a)\s*(\d+)\s*({_UNIT})$")
_OPEN_UP = re.compile(
    rf"^(\d+)\s*({_UNIT})\s*(?:\+|and over|and above|or more|or older|or over|-above|"
    r"above|plus|以上|及以上|天以上)$"
)
_OVER = re.compile(
    rf"^(?:>|>=|≥|over|greater than|more than|older than|超过|大于)\s*(\d+)\s*({_UNIT})$"
)
_UNDER = re.compile(rf"^(?:<|less than|under|小于|不足)\s*(\d+)\s*({_UNIT})$")
_UP_TO = re.compile(rf"^(?:age\s*)?(?:≤|<=|up to|até)\s*(\d+)\s*({_UNIT})$")
_MONTHS_LABEL = re.compile(r"^(\d+)\s*months?$")
_PERIOD = re.compile(r"^(?:period|periodo|período|overdue)\s*(\d+)$")
_TAIL_WORDS = re.compile(
    r"\s*(?:days?\s+)?(?:past\s+due|overdue|old|in\s+arrears|逾期|账龄)\s*$|^(?:逾期|账龄)\s*"
)


def _unit(text: str) -> int:
    key = text.lower().rstrip(".").rstrip("s") if text else "d"
    return _UNITS.get(key, _UNITS.get(text, 1))


def parse_bucket(label, *, previous: Bucket | None = None) -> Bucket | None:
    """Bounds of an aging column from its label, or None when it is not one.

    ``previous`` is the bucket of the column to the left; it anchors labels that
    only make sense in sequence (``Older``, ``Age ≤ 60 d.``).
    """
    if not isinstance(label, str):
        return None
    s = " ".join(label.strip().lower().split())
    s = re.sub(r"^\d{2}\s+(?=\S)", "", s) if re.match(r"^\d{2}\s+[<>\d]", s) else s
    s = _TAIL_WORDS.sub("", s).strip()
    if not s:
        return None
    if s in _NOT_DUE:
        return Bucket(0, 0)
    after = previous.max_days + 1 if previous and previous.max_days is not None else None
    if s in {"older", "and over", "more", "greater", "更早", "以上"}:
        return Bucket(after if after is not None else 91, None)
    if s == "< 1 month" or s == "<1 month":
        return Bucket(1, 30)
    if m := _MONTHS_LABEL.match(s):
        n = int(m[1])
        return Bucket(30 * n + 1, 30 * (n + 1))
    if m := _PERIOD.match(s):
        n = int(m[1])
        return Bucket(30 * (n - 1) + 1, 30 * n)
    if m := _RANGE.match(s):
        unit = _unit(m[3])
        low, high = int(m[1]), int(m[2])
        if high < low:
            return None
        return Bucket(low * unit + (1 if unit > 1 and low else 0), high * unit)
    if m := _OPEN_UP.match(s):
        unit = _unit(m[2])
        low = int(m[1]) * unit + (1 if unit > 1 else 0)
        # "91 and over" includes 91; after "181-360天", "360天以上" starts at 361
        return Bucket(max(low, after or 0), None)
    if m := _OVER.match(s):
        return Bucket(int(m[1]) * _unit(m[2]) + 1, None)
    if m := _UNDER.match(s):
        high = int(m[1]) * _unit(m[2]) - 1
        return Bucket(0 if high <= 0 else 1, max(high, 0))
    if m := _UP_TO.match(s):
        high = int(m[1]) * _unit(m[2])
        low = after if after is not None else max(high - 29, 1)
        return Bucket(low, high)
    if s in {"greater than 1 year", "over 1 year", "1 year and over", "一年以上", "1年以上"}:
        return Bucket(366, None)
    return None


def bucket_key(bucket: Bucket) -> str:
    """Stable text for a bucket, used in synthetic invoice numbers: ``0``, ``1-30``, ``91+``."""
    if bucket.max_days is None:
        return f"{bucket.min_days}+"
    if bucket.min_days == bucket.max_days:
        return str(bucket.min_days)
    return f"{bucket.min_days}-{bucket.max_days}"
