"""What the importer reports: whole-file refusals and row-level problems."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from collections_crm.lib.money import money_text

ERROR, WARNING = "error", "warning"


class Message:
    """A translatable template and its parameters, rendered in the language that is
    active when ``str()`` is called (so one parse can be shown in English and
    Chinese). Django's lazy strings would render eagerly on ``%``. Decimal
    parameters are amounts and are shown as every amount is (``money_text``)."""

    __slots__ = ("template", "params")

    def __init__(self, template, params: dict | None = None):
        self.template = template
        self.params = params or {}

    def __str__(self) -> str:
        text = str(self.template)
        if not self.params:
            return text
        params = {k: money_text(v) if isinstance(v, Decimal) else v for k, v in self.params.items()}
        return text % params

    def __repr__(self) -> str:
        return f"Message({str(self)!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def msg(template, params: dict | None = None) -> Message:
    return Message(template, params)


class ImportRefused(Exception):
    """The whole file is refused (wrong type, zip bomb, A/P report, no amount column…).

    ``code`` is stable for programs; ``message`` is a lazy translatable string or a
    :class:`Message`; ``str()`` renders it in the active language.
    """

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(slots=True, frozen=True)
class Problem:
    """One row-level (or file-level when ``row`` is None) problem.

    ``row`` is the 1-based line/row number in the file as a spreadsheet shows it;
    ``column`` is the header label (or None); ``message`` is lazily translated.
    """

    row: int | None
    column: str | None
    code: str
    message: object
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR
