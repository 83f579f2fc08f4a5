"""Which debtor a report row belongs to: its code and name cells, or the
customer group header the row stands under; a derived code for files with
names only; one name per code."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import layout as L
from .errors import msg
from .parse_cells import RowReader, _text
from .presets import SUMMARY


def name_code(name: str) -> str:
    """A stable customer code for files that have only names (max 64 chars)."""
    code = " ".join(name.upper().split())
    if len(code) > 64:
        code = code[:55] + "~" + hashlib.sha1(code.encode()).hexdigest()[:8]  # noqa: S324
    return code


def _same_name(name: str) -> str:
    return " ".join(name.casefold().split())


class DebtorRows(RowReader):
    def _group_header(self, text: str) -> None:
        self.group_sum, self.group_errors = Decimal(0), self.result.counts.get("errors", 0)
        if self.preset.kind != SUMMARY and L.parse_bucket(text) is not None:
            self.group, self.group_kind, self.group_debtor = text, "bucket", None
            return
        code, name = L.split_code_and_name(text)
        self.group, self.group_kind = text, "customer"
        self.group_debtor = (code, L.parent_of(name))

    def _debtor(self, row, n) -> tuple[str, str, bool] | None:
        return self._debtor_from(self.cell(row, L.DEBTOR_CODE), self.cell(row, L.DEBTOR_NAME), n)

    def _debtor_from(self, raw_code, raw, n) -> tuple[str, str, bool] | None:
        code = _text(raw_code)
        name = _text(raw)
        if self.group_kind == "customer" and self.group_debtor:
            group_code, group_name = self.group_debtor
            indented = isinstance(raw, str) and raw[:1].isspace()
            if not name or indented or L.parent_of(name) == group_name:
                name = group_name
                code = code or (group_code or "")
            else:  # a customer of its own: the group had no "Total for" row
                self.group = self.group_debtor = self.group_kind = None
        name = L.parent_of(name) if name else ""
        if not code and not name:
            self.problem(
                n, L.DEBTOR_NAME, "debtor_missing", _("The row has no customer name or code.")
            )
            return None
        derived = not code
        code = code if code else name_code(name)
        if len(code) > 64:
            self.problem(
                n,
                L.DEBTOR_CODE,
                "code_too_long",
                msg(_("The customer code %(code)s is longer than 64 characters."), {"code": code}),
            )
            return None
        name = (name or code)[:255]
        seen = self.names.get(code)
        if seen is None:
            self.names[code] = (name, n)
        elif seen[0] != name and _same_name(seen[0]) != _same_name(name):
            self.problem(
                n,
                L.DEBTOR_CODE,
                "code_two_names",
                msg(
                    _("Customer code %(code)s is “%(first)s” on row %(row)d but “%(name)s” here."),
                    {"code": code, "first": seen[0], "row": seen[1], "name": name},
                ),
            )
        return code, name, derived
