"""Writes to the exchange-rate table, and who may make them.

Finance and admins enter rates (``rate_create``/``rate_update``/
``rate_delete``) or import a CSV file of them (``rates_import_csv``); managers
may read the table; collectors do not see it. Every service checks its input
the same way (one rule per value: ``currency_clean``, ``valid_from_clean``,
``rate_clean``), writes inside one transaction and records who changed which
rate from what to what. Bad input raises ``ValidationError`` with messages in
the active language and changes nothing.

A CSV import has the columns ``currency``, ``valid_from`` (YYYY-MM-DD) and
``rate`` (base-currency units per unit), in any order, separated by commas or
semicolons (then a decimal comma is accepted in the rate), in UTF-8 with or
without a byte-order mark. It is all or nothing: one bad line and nothing is
saved; the ``ValidationError`` then lists every problem, line by line. A line
for a (currency, valid_from) already in the table updates that rate.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AuditEvent, User
from accounts.services import model_snapshot

from .fx import base_currency, rate_text
from .models import ExchangeRate

COLUMNS = ("currency", "valid_from", "rate")
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_RATES = 10_000
MAX_LISTED_PROBLEMS = 100
RATE_STEP = Decimal("1E-8")  # the model keeps 8 decimal places
RATE_LIMIT = Decimal(10) ** 10  # and 10 digits before the point
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
AUDITED = ("currency", "valid_from", "rate")


# ---------------------------------------------------------------- who may


def user_can_view_rates(user) -> bool:
    """Managers, finance and admins read the rates; nobody else sees them."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_admin_role or user.role in (User.Role.MANAGER, User.Role.FINANCE))
    )


def user_can_edit_rates(user) -> bool:
    """Finance and admins enter, change, delete and import rates."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_admin_role or user.role == User.Role.FINANCE)
    )


def _require_editor(actor) -> None:
    if actor is None or not user_can_edit_rates(actor):
        raise PermissionDenied


# ---------------------------------------------------------------- one value


def currency_clean(value) -> str:
    """An ISO 4217 code: three capital letters ("usd " is read as USD), and
    not the base currency, whose rate is always 1."""
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("The currency is missing."))
    code = text.upper()
    if not CURRENCY_CODE.fullmatch(code):
        raise ValidationError(
            _("“%(value)s” is not a currency code: three letters, such as USD.") % {"value": text}
        )
    if code == base_currency():
        raise ValidationError(
            _("%(code)s is the base currency: its rate is always 1 and is not entered.")
            % {"code": code}
        )
    return code


def valid_from_clean(value) -> dt.date:
    """A day, given as a date or as text written YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        raise ValidationError(_("The valid-from date must be a day, without a time."))
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("The valid-from date is missing."))
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date written YYYY-MM-DD, such as 2026-11-30.") % {"value": text}
        ) from None


def rate_clean(value, *, decimal_comma: bool = False) -> Decimal:
    """A number greater than zero, kept to 8 decimal places (rounded half
    up). With ``decimal_comma`` "7,1" reads as 7.1."""
    if isinstance(value, float):
        raise TypeError("a rate must not be built from a float")
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationError(_("The rate is missing."))
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or "_" in text:
        raise ValidationError(_("The rate “%(value)s” is not a number.") % {"value": text})
    if rate <= 0:
        raise ValidationError(_("The rate must be greater than zero."))
    rounded = rate.quantize(RATE_STEP, rounding=ROUND_HALF_UP) if rate < RATE_LIMIT else rate
    if rounded >= RATE_LIMIT:
        raise ValidationError(_("The rate is too large: at most 10 digits before the point."))
    if rounded <= 0:
        raise ValidationError(_("The rate is too small: rates keep 8 decimal places."))
    return rounded


def _clean(currency, valid_from, rate) -> tuple[str, dt.date, Decimal]:
    """All three values, or one ``ValidationError`` naming each bad field."""
    values, errors = {}, {}
    for name, clean, raw in (
        ("currency", currency_clean, currency),
        ("valid_from", valid_from_clean, valid_from),
        ("rate", rate_clean, rate),
    ):
        try:
            values[name] = clean(raw)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return values["currency"], values["valid_from"], values["rate"]


# ---------------------------------------------------------------- audit


def _audit_target(currency: str, valid_from: dt.date) -> uuid.UUID:
    """Rates have no public id: the audit names one by its currency and day."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"reports.exchangerate:{currency}:{valid_from}")


def _snapshot(row: ExchangeRate) -> dict:
    """What the audit keeps of a rate; the rate as people write it (7.1)."""
    return {**model_snapshot(row, AUDITED), "rate": rate_text(row.rate)}


def _audit_event(actor, action: str, key: tuple, before: dict, after: dict) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor and actor.pk else None,
        action=action,
        target_type=ExchangeRate._meta.label_lower,
        target_id=_audit_target(*key),
        before=before,
        after=after,
    )


# ---------------------------------------------------------------- one rate


def _clash(currency: str, valid_from: dt.date) -> ValidationError:
    return ValidationError(
        {
            "valid_from": _(
                "There is already a rate for %(currency)s from %(day)s: change that one instead."
            )
            % {"currency": currency, "day": valid_from.isoformat()}
        }
    )


def _save(row: ExchangeRate) -> None:
    """Save, turning a lost race on (currency, valid_from) into a message."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise _clash(row.currency, row.valid_from) from None


@transaction.atomic
def rate_create(actor, *, currency, valid_from, rate) -> ExchangeRate:
    """A new rate: ``rate`` base-currency units per unit of ``currency`` from
    ``valid_from`` on. Refused when that currency already has a rate from
    that day."""
    _require_editor(actor)
    currency, valid_from, rate = _clean(currency, valid_from, rate)
    if ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).exists():
        raise _clash(currency, valid_from)
    row = ExchangeRate(currency=currency, valid_from=valid_from, rate=rate, entered_by=actor)
    _save(row)
    after = _snapshot(row)
    _audit_event(actor, "exchange_rate.create", (currency, valid_from), {}, after).save()
    return row


@transaction.atomic
def rate_update(actor, exchange_rate: ExchangeRate, *, currency, valid_from, rate) -> ExchangeRate:
    """Change a rate's currency, day or value; the editor becomes its
    ``entered_by``. Nothing is written when nothing changes."""
    _require_editor(actor)
    currency, valid_from, rate = _clean(currency, valid_from, rate)
    row = ExchangeRate.objects.select_for_update().get(pk=exchange_rate.pk)
    before = _snapshot(row)
    if (row.currency, row.valid_from, row.rate) == (currency, valid_from, rate):
        return row
    others = ExchangeRate.objects.exclude(pk=row.pk)
    if others.filter(currency=currency, valid_from=valid_from).exists():
        raise _clash(currency, valid_from)
    key = (row.currency, row.valid_from)
    row.currency, row.valid_from, row.rate, row.entered_by = currency, valid_from, rate, actor
    _save(row)
    after = _snapshot(row)
    _audit_event(actor, "exchange_rate.update", key, before, after).save()
    return row


@transaction.atomic
def rate_delete(actor, exchange_rate: ExchangeRate) -> None:
    """Remove a rate; the one before it (if any) applies again from its day."""
    _require_editor(actor)
    before = _snapshot(exchange_rate)
    key = (exchange_rate.currency, exchange_rate.valid_from)
    ExchangeRate.objects.filter(pk=exchange_rate.pk).delete()
    _audit_event(actor, "exchange_rate.delete", key, before, {}).save()


# ---------------------------------------------------------------- CSV import


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class _Line:
    number: int
    currency: str
    valid_from: dt.date
    rate: Decimal


def _line(number: int, problem: str) -> str:
    return _("Line %(line)s: %(problem)s") % {"line": number, "problem": problem}


def _read_text(file) -> str:
    """The upload as text: UTF-8, a byte-order mark dropped, at most 1 MB."""
    data = file if isinstance(file, bytes) else file.read(MAX_IMPORT_BYTES + 1)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s KB.") % {"limit": MAX_IMPORT_BYTES // 1024}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from None
    if not text.strip():
        raise ValidationError(_("The file is empty."))
    return text


def _delimiter(text: str) -> str:
    first = next(line for line in text.splitlines() if line.strip())
    return ";" if first.count(";") > first.count(",") else ","


def _header_problems(names: list[str]) -> list[str]:
    problems = []
    unknown = [n for n in dict.fromkeys(names) if n not in COLUMNS]
    missing = [c for c in COLUMNS if c not in names]
    twice = [n for n in dict.fromkeys(names) if n and names.count(n) > 1]
    columns = ", ".join(COLUMNS)
    if unknown:
        problems.append(
            _("unknown columns %(names)s; the columns are %(columns)s.")
            % {"names": ", ".join(f"“{n}”" for n in unknown), "columns": columns}
        )
    if missing:
        problems.append(
            _("missing columns %(names)s; the columns are %(columns)s.")
            % {"names": ", ".join(missing), "columns": columns}
        )
    for name in twice:
        problems.append(_("the column “%(name)s” appears twice.") % {"name": name})
    return problems


def _row_line(number: int, cells: list[str], names: list[str], decimal_comma: bool):
    """(a clean line, []) or (None, the line's problems)."""
    if len(cells) != len(names):
        return None, [
            _line(
                number,
                _("%(found)s values where the header has %(expected)s.")
                % {"found": len(cells), "expected": len(names)},
            )
        ]
    raw = dict(zip(names, cells, strict=True))
    values, problems = {}, []
    for name, clean in (
        ("currency", currency_clean),
        ("valid_from", valid_from_clean),
        ("rate", lambda v: rate_clean(v, decimal_comma=decimal_comma)),
    ):
        try:
            values[name] = clean(raw[name])
        except ValidationError as exc:
            problems += [_line(number, m) for m in exc.messages]
    if problems:
        return None, problems
    return _Line(number, values["currency"], values["valid_from"], values["rate"]), []


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row, the header first."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
    except csv.Error:
        raise ValidationError(
            [_line(max(reader.line_num, 1), _("this line cannot be read as CSV."))]
        ) from None
    if not rows:
        raise ValidationError(_("The file is empty."))
    return rows


def _trimmed(cells: list[str], width: int) -> list[str]:
    """Spreadsheets add empty cells after the last column: drop them."""
    while len(cells) > width and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _parse_csv(file) -> list[_Line]:
    """The file's rates, or a ``ValidationError`` listing every problem."""
    text = _read_text(file)
    decimal_comma = _delimiter(text) == ";"
    rows = _rows(text)
    header_number, header = rows[0]
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    names = _trimmed(names, 0)
    problems = [_line(header_number, p) for p in _header_problems(names)]
    if problems:
        raise ValidationError(problems)
    if len(rows) == 1:
        raise ValidationError(_("The file has no rates below its header line."))
    if len(rows) - 1 > MAX_IMPORT_RATES:
        raise ValidationError(
            _("The file has more than %(limit)s rates; import it in parts.")
            % {"limit": MAX_IMPORT_RATES}
        )
    lines, seen = [], {}
    for number, cells in rows[1:]:
        cells = _trimmed(cells, len(names))
        line, line_problems = _row_line(number, cells, names, decimal_comma)
        problems += line_problems
        if line is None:
            continue
        key = (line.currency, line.valid_from)
        if key in seen:
            problems.append(
                _line(
                    number,
                    _("%(currency)s from %(day)s is already on line %(first)s.")
                    % {"currency": key[0], "day": key[1].isoformat(), "first": seen[key]},
                )
            )
        seen.setdefault(key, number)
        lines.append(line)
    if problems:
        raise ValidationError(_capped(problems))
    return lines


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return problems
    more = len(problems) - MAX_LISTED_PROBLEMS
    return problems[:MAX_LISTED_PROBLEMS] + [
        ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", more)
        % {"count": more}
    ]


def rates_import_csv(actor, file) -> ImportResult:
    """Import a CSV file of rates (see the module's docstring), all or
    nothing; existing (currency, valid_from) rows take the file's rate."""
    _require_editor(actor)
    lines = _parse_csv(file)
    with transaction.atomic():
        return _upsert(actor, lines)


def _upsert(actor, lines: list[_Line]) -> ImportResult:
    keys = {(ln.currency, ln.valid_from) for ln in lines}
    existing = {
        (r.currency, r.valid_from): r
        for r in ExchangeRate.objects.select_for_update().filter(
            currency__in={c for c, _d in keys}, valid_from__in={d for _c, d in keys}
        )
    }
    writes, events, updated = [], [], 0
    for ln in lines:
        key = (ln.currency, ln.valid_from)
        old = existing.get(key)
        if old is not None and old.rate == ln.rate:
            continue
        row = ExchangeRate(currency=ln.currency, valid_from=ln.valid_from, rate=ln.rate)
        row.entered_by = actor
        writes.append(row)
        before = _snapshot(old) if old is not None else {}
        events.append(_audit_event(actor, "exchange_rate.import", key, before, _snapshot(row)))
        updated += old is not None
    ExchangeRate.objects.bulk_create(
        writes,
        update_conflicts=True,
        unique_fields=["currency", "valid_from"],
        update_fields=["rate", "entered_by"],
    )
    AuditEvent.objects.bulk_create(events)
    return ImportResult(
        created=len(writes) - updated, updated=updated, unchanged=len(lines) - len(writes)
    )


def rates_csv_rows(rates) -> list[list[str]]:
    """The table as CSV rows, header first, in the import's own format (so a
    download can be edited and imported again)."""
    rows = [list(COLUMNS)]
    rows += [[r.currency, r.valid_from.isoformat(), rate_text(r.rate)] for r in rates]
    return rows
