"""Open an uploaded report and stream its rows.

``open_table(source, filename=...)`` checks the bytes (magic numbers, archive
sizes, macros) before any parser sees them, then returns a :class:`Table`
whose ``rows()`` yields plain lists of cells: ``str`` for CSV/TSV/SAP text;
``str``/``float``/``int``/``date``/``datetime`` for XLSX (python-calamine).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from django.utils.translation import gettext_lazy as _

from .errors import ImportRefused, msg

KIND_CSV, KIND_TSV, KIND_XLSX, KIND_SAP = "csv", "tsv", "xlsx", "sap_text"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
TEXT_EXTENSIONS = {".csv", ".tsv", ".txt", ".tab", ""}
XLSX_EXTENSIONS = {".xlsx"}
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlsb", ".xlam"}
SAMPLE_BYTES = 256 * 1024
REPORT_SHEET = re.compile(
    r"(?i)aged|aging|ageing|receivable|debtor|outstanding|bills|open items|账龄|应收|往来"
)


@dataclass(frozen=True)
class ReadLimits:
    """Caps checked before parsing. Uncompressed sizes come from the zip directory."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_compression_ratio: int = 200
    ratio_applies_above_bytes: int = 5 * 1024 * 1024
    max_members: int = 10_000


@dataclass
class Table:
    kind: str
    rows: Callable[[], Iterator[list]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    date1904: bool = False
    notes: list[str] = field(default_factory=list)


Source = str | os.PathLike | bytes | io.IOBase


def _opener(source) -> Callable[[], io.BufferedIOBase]:
    """A function returning a fresh binary stream positioned at the start."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return lambda: io.BytesIO(data)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return lambda: path.open("rb")
    if hasattr(source, "read") and hasattr(source, "seek"):

        def reopen():
            source.seek(0)
            return _NoClose(source)

        return reopen
    raise TypeError("source must be a path, bytes or a seekable binary file")


class _NoClose(io.BufferedIOBase):
    """Wrap a caller's file so our ``with`` blocks don't close it."""

    def __init__(self, raw):
        self._raw = raw

    def read(self, size=-1):
        return self._raw.read(size)

    def read1(self, size=-1):
        return self._raw.read(size)

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        return self._raw.seek(offset, whence)

    def tell(self):
        return self._raw.tell()

    def close(self):  # leave the caller's file open
        pass


def _size(open_stream) -> int:
    with open_stream() as fh:
        fh.seek(0, io.SEEK_END)
        return fh.tell()


def _extension(filename: str | None) -> str:
    return Path(filename).suffix.lower() if filename else ""


def open_table(source: Source, *, filename: str | None = None, limits: ReadLimits | None = None):
    """Check the upload and return a :class:`Table`; raises :class:`ImportRefused`."""
    limits = limits or ReadLimits()
    if filename is None and isinstance(source, str | os.PathLike):
        filename = os.fspath(source)
    filename = filename or getattr(source, "name", None)
    ext = _extension(filename)
    open_stream = _opener(source)
    size = _size(open_stream)
    if size == 0:
        raise ImportRefused("empty_file", _("The file is empty."))
    if size > limits.max_file_bytes:
        raise ImportRefused(
            "file_too_large",
            msg(
                _("The file is larger than the limit of %(limit)d MB."),
                {"limit": limits.max_file_bytes // (1024 * 1024)},
            ),
        )
    with open_stream() as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        raise ImportRefused(
            "legacy_xls",
            _(
                "This is an old Excel (.xls) workbook, which we do not read. "
                "Open it in Excel and save it as .xlsx or .csv, then upload that."
            ),
        )
    if ext in MACRO_EXTENSIONS:
        raise ImportRefused(
            "macros",
            _(
                "Workbooks with macros (.xlsm, .xlsb) are refused. "
                "Save the report as .xlsx or .csv."
            ),
        )
    if head.startswith(ZIP_MAGIC):
        if ext not in XLSX_EXTENSIONS and ext not in {".zip", ""}:
            raise ImportRefused(
                "extension_mismatch",
                msg(
                    _("The file is named %(ext)s but its content is an Excel workbook."),
                    {"ext": ext},
                ),
            )
        return _open_xlsx(open_stream, limits)
    if ext in XLSX_EXTENSIONS:
        raise ImportRefused(
            "extension_mismatch",
            _("The file is named .xlsx but its content is not an Excel workbook."),
        )
    if ext not in TEXT_EXTENSIONS:
        raise ImportRefused(
            "unsupported_type",
            msg(
                _("Files of type %(ext)s are not supported. Upload CSV, TSV or XLSX."), {"ext": ext}
            ),
        )
    return _open_text(open_stream)


# --------------------------------------------------------------------------- XLSX


def check_archive(zf: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Refuse zip bombs, macro workbooks and zips that aren't workbooks, from the
    central directory alone (nothing is decompressed)."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise ImportRefused("zip_bomb", _("The workbook has too many parts to be a report."))
    total = 0
    names = set()
    for info in infos:
        names.add(info.filename)
        total += info.file_size
        if (
            info.file_size > limits.ratio_applies_above_bytes
            and info.file_size > max(info.compress_size, 1) * limits.max_compression_ratio
        ):
            raise ImportRefused(
                "zip_bomb",
                _("The workbook expands to an implausible size and was refused for safety."),
            )
    if total > limits.max_uncompressed_bytes:
        raise ImportRefused(
            "zip_bomb",
            msg(
                _("The workbook expands to more than %(limit)d MB and was refused for safety."),
                {"limit": limits.max_uncompressed_bytes // (1024 * 1024)},
            ),
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ImportRefused(
            "macros", _("The workbook contains macros and was refused. Save it as .xlsx or .csv.")
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRefused(
            "not_a_workbook", _("The file is a zip archive but not an Excel workbook.")
        )


def read_date1904(zf: zipfile.ZipFile) -> bool:
    """The workbook's date system, from ``xl/workbook.xml`` (``<workbookPr date1904="1"/>``)."""
    root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "workbookPr":
            return element.get("date1904", "0").lower() in {"1", "true"}
    return False


def choose_sheet(names: list[str]) -> str:
    for name in names:
        if REPORT_SHEET.search(name):
            return name
    return names[0]


def _open_xlsx(open_stream, limits: ReadLimits) -> Table:
    with open_stream() as fh:
        try:
            with zipfile.ZipFile(fh) as zf:
                check_archive(zf, limits)
                date1904 = read_date1904(zf)
        except zipfile.BadZipFile as exc:
            raise ImportRefused("not_a_workbook", _("The workbook is damaged.")) from exc
    from python_calamine import CalamineWorkbook

    def load():
        with open_stream() as fh:
            data = fh.read()
        try:
            return CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises its own error types
            raise ImportRefused("not_a_workbook", _("The workbook could not be read.")) from exc

    workbook = load()
    if not workbook.sheet_names:
        raise ImportRefused("empty_file", _("The workbook has no sheets."))
    sheet_name = choose_sheet(workbook.sheet_names)
    first = [workbook]

    def rows() -> Iterator[list]:
        wb = first.pop() if first else load()
        sheet = wb.get_sheet_by_name(sheet_name)
        for row in sheet.iter_rows():
            yield list(row)

    return Table(kind=KIND_XLSX, rows=rows, sheet_name=sheet_name, date1904=date1904)


# --------------------------------------------------------------------------- text

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _decodes(sample: bytes, encoding: str) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def _looks_chinese(text: str) -> bool:
    """GB18030 also "decodes" most Latin-1 text into rare ideographs. Real Chinese
    uses mostly GB2312 level-1 characters (lead byte 0xB0-0xD7) and punctuation."""
    common = total = 0
    for char in text:
        if ord(char) < 0x80:
            continue
        total += 1
        encoded = char.encode("gb18030")
        if len(encoded) == 2 and 0xA1 <= encoded[0] <= 0xD7 and encoded[1] >= 0xA1:
            common += 1
    return total > 0 and common / total >= 0.6


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), GB18030 (a superset of GBK), else Latin-1."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if _decodes(sample, "utf-8") is not None:
        return "utf-8"
    text = _decodes(sample, "gb18030")
    if text is not None and _looks_chinese(text):
        return "gb18030"
    return "iso-8859-1"


SAP_SEPARATOR = re.compile(r"^\s*\|?[-=]{3,}[-|=+\s]*$")
DELIMITERS = ",;\t|"


def detect_delimiter(text: str) -> str:
    """The delimiter that splits most lines into the same number (>1) of fields."""
    lines = [line for line in text.splitlines()[:-1] or text.splitlines() if line.strip()][:200]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts: dict[int, int] = {}
        for row in csv.reader(lines, delimiter=delimiter):
            if len(row) > 1:
                counts[len(row)] = counts.get(len(row), 0) + 1
        if counts:
            width, rows = max(counts.items(), key=lambda item: (item[1], item[0]))
            score = rows * width
            if score > best_score:
                best, best_score = delimiter, score
    if best_score == 0:
        try:
            return csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS).delimiter
        except csv.Error:
            return ","
    return best


def is_sap_list(text: str) -> bool:
    lines = [line for line in text.splitlines()[:80] if line.strip()]
    piped = sum(1 for line in lines if line.lstrip().startswith("|"))
    separators = sum(1 for line in lines if SAP_SEPARATOR.match(line))
    return piped >= 2 and separators >= 1


def _text_lines(open_stream, encoding: str) -> Iterator[str]:
    with open_stream() as fh:
        stream = io.TextIOWrapper(fh, encoding=encoding, newline="")
        line_no = 0
        try:
            for line_no, line in enumerate(stream, start=1):  # noqa: B007
                yield line
        except UnicodeDecodeError as exc:
            raise _bad_encoding(encoding, line_no) from exc
        finally:
            stream.detach()


def _bad_encoding(encoding: str, line: int) -> ImportRefused:
    return ImportRefused(
        "bad_encoding",
        msg(
            _("The file is not valid %(encoding)s text after line %(line)d."),
            {"encoding": encoding, "line": line},
        ),
    )


def sap_rows(lines) -> Iterator[list]:
    """Rows of an SAP ALV list: ``|``-framed lines, separators dropped; other lines
    become one-cell title rows. Cells are cut at the header's pipe offsets, so a
    ``Texto`` containing ``|`` stays one cell when the line keeps the header width."""
    offsets: list[int] | None = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            yield []
            continue
        if SAP_SEPARATOR.match(line):
            continue
        stripped = line.strip()
        if not stripped.startswith("|"):
            yield [stripped]
            continue
        pipes = [i for i, ch in enumerate(line) if ch == "|"]
        if len(pipes) < 4:  # a framed title line, not a table row
            yield [stripped.strip("|").strip()]
            continue
        if offsets is None:
            offsets = pipes
        if len(line) > offsets[-1] and all(line[i] == "|" for i in offsets):
            yield [line[a + 1 : b].strip() for a, b in zip(offsets, offsets[1:], strict=False)]
        else:
            yield [cell.strip() for cell in stripped.strip("|").split("|")]


def _open_text(open_stream) -> Table:
    with open_stream() as fh:
        sample = fh.read(SAMPLE_BYTES)
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRefused(
            "unsupported_type",
            _("The file is not a text report (CSV/TSV) nor an Excel workbook."),
        )
    encoding = detect_encoding(sample)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    if not text.strip():
        raise ImportRefused("empty_file", _("The file is empty."))
    if is_sap_list(text):
        return Table(
            kind=KIND_SAP,
            encoding=encoding,
            delimiter="|",
            rows=lambda: sap_rows(_text_lines(open_stream, encoding)),
        )
    delimiter = detect_delimiter(text)

    def rows() -> Iterator[list]:
        # The reader pulls lines from the decoder itself (no Python step per line).
        with open_stream() as fh:
            stream = io.TextIOWrapper(fh, encoding=encoding, newline="")
            reader = csv.reader(stream, delimiter=delimiter)
            try:
                yield from reader
            except UnicodeDecodeError as exc:
                raise _bad_encoding(encoding, reader.line_num) from exc
            except csv.Error as exc:
                raise ImportRefused(
                    "bad_csv",
                    msg(
                        _("The file could not be read as CSV near line %(line)d: %(error)s"),
                        {"line": reader.line_num, "error": str(exc)},
                    ),
                ) from exc
            finally:
                stream.detach()

    kind = KIND_TSV if delimiter == "\t" else KIND_CSV
    return Table(kind=kind, encoding=encoding, delimiter=delimiter, rows=rows)
