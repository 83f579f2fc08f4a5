"""Builders for aging-report fixtures, written by us to reproduce the layouts and
traps described in research/aging-formats.md. Each writes a file into a
directory and returns its path; the tests state what it must parse to.

``python -m tests.debtors.imports.fixtures DIR`` writes all of them into DIR
(tests/fixtures/aging/ holds a copy for people who want to open them)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

D = dt.date


def _csv(path: Path, rows, *, encoding="utf-8", delimiter=",", newline="\r\n") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _xlsx(path: Path, rows, *, sheet="Sheet1", date1904=False, number_formats=None) -> Path:
    workbook = openpyxl.Workbook()
    if date1904:
        workbook.epoch = CALENDAR_MAC_1904
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for (row, col), fmt in (number_formats or {}).items():
        ws.cell(row=row, column=col).number_format = fmt
    workbook.save(path)
    return path


# --------------------------------------------------------------------------- good layouts


def qb_summary_jobs(directory: Path) -> Path:
    """QuickBooks A/R Aging Summary: unlabelled customer column, a parent with
    indented jobs closed by ``Total for``, a flat ``Parent:Job`` row, ``$`` TOTAL."""
    rows = [
        ["Acme Trucking Co"],
        ["A/R Aging Summary"],
        ["As of December 21, 2025"],
        [],
        ["", "Current", "1 - 30", "31 - 60", "61 - 90", "91 and over", "Total"],
        ["Amy's Bird Sanctuary", "100.00", "", "", "", "239.00", "339.00"],
        ["Shara Barnett", "", "", "", "", "", ""],
        ["   Barnett Design", "", "50.00", "", "", "", "50.00"],
        ["   Shara Barnett:Kitchen Remodel", "", "25.00", "10.00", "", "", "35.00"],
        ["Total for Shara Barnett", "", "75.00", "10.00", "", "", "85.00"],
        ["Cool Cars, Inc.", "", "", "1,200.50", "", "", "1,200.50"],
        ["Jeff's Jalopies:Truck Fleet", "-20.00", "", "", "", "", "-20.00"],
        ["TOTAL", "$80.00", "$75.00", "$1,210.50", "$0.00", "$239.00", "$1,604.50"],
        [],
        ["Monday, December 22, 2025 09:12 AM GMT-08:00"],
    ]
    return _csv(directory / "qb_aging_summary.csv", rows)


def qbo_detail(directory: Path) -> Path:
    """QuickBooks Online A/R Aging Detail: header on row 5 with empty column A,
    grouped by bucket, credit memo and payment lines, ``$`` TOTAL, footer."""
    header = [
        "",
        "Date",
        "Transaction type",
        "Num",
        "Customer full name",
        "Location full name",
        "Due date",
        "Amount",
        "Open balance",
    ]
    rows = [
        ["Western Widgets LLC"],
        ["A/R Aging Detail Report"],
        ["As of Sep 23, 2026"],
        [],
        header,
        ["CURRENT"],
        ["", "09/15/2026", "Invoice", "1045", "Acme Corp", "", "10/15/2026", "500.00", "500.00"],
        ["", "09/20/2026", "Credit Memo", "CM-7", "Acme Corp", "", "09/20/2026", "-50.00",
         "-50.00"],
        ["Total for CURRENT", "", "", "", "", "", "", "450.00", "450.00"],
        ["1 - 30 days past due"],
        ["", "08/01/2026", "Invoice", "1032", "Beta LLC:Warehouse", "", "08/31/2026", "1,250.00",
         "750.00"],
        ["Total for 1 - 30 days past due", "", "", "", "", "", "", "1,250.00", "750.00"],
        ["91 or more days past due"],
        ["", "03/02/2026", "Invoice", "0981", "Gamma Inc", "", "04/01/2026", "300.00", "300.00"],
        ["", "04/10/2026", "Payment", "", "Gamma Inc", "", "04/10/2026", "-25.00", "-25.00"],
        ["Total for 91 or more days past due", "", "", "", "", "", "", "275.00", "275.00"],
        ["TOTAL", "", "", "", "", "", "", "$1,975.00", "$1,475.00"],
        [],
        ["Wednesday, September 23, 2026 10:14 AM GMT-07:00"],
    ]  # fmt: skip
    return _csv(directory / "qbo_ar_aging_detail.csv", rows)


XERO_HEADER = [
    "Contact Account Number", "Primary Person", "Phone", "Email", "Mobile", "Contact Group",
    "Invoice Date", "Due Date", "Expected Date", "Invoice Number", "Invoice Reference",
    "< 1 Month", "1 Month", "2 Months", "3 Months", "Older", None, "Total", "Outstanding Tax",
    "PROJECT ID", "SERVICE MONTH", "Invoice Seen", "Invoice Sent",
]  # fmt: skip


def _xero_line(code, issue, due, number, ref, buckets, total):
    return [code, "Sara", "+971 4 000", "ap@example.ae", None, "Trade", issue, due, None, number,
            ref, *buckets, None, total, None, "P-1", "2026-03", "Yes", "Yes"]  # fmt: skip


def xero_detail(directory: Path) -> Path:
    """Xero Aged Receivables Detail (XLSX): 4-row title block, blank, header on row
    6, blank spacer, party header rows, ``Total <contact>``, credit note without
    number, grand ``Total``."""
    rows = [
        ["Aged Receivables Detail"],
        ["Mantara Trading LLC"],
        ["As at 31 March 2026"],
        ["Ageing by due date"],
        [],
        XERO_HEADER,
        [],
        ["Al Noor Contracting"],
        _xero_line("AN-001", D(2026, 2, 10), D(2026, 3, 12), "INV-0101", "PO 55",
                   [1500.0, None, None, None, None], 1500.0),
        _xero_line("AN-001", D(2025, 11, 2), D(2025, 12, 2), "INV-0087", None,
                   [None, None, 1000.0, None, None], 1000.0),
        _xero_line("AN-001", D(2026, 3, 20), D(2026, 3, 20), None, "Credit for damage",
                   [-200.0, None, None, None, None], -200.0),
        ["Total Al Noor Contracting", None, None, None, None, None, None, None, None, None, None,
         1300.0, None, 1000.0, None, None, None, 2300.0],
        [],
        ["Bright Falcon FZE"],
        _xero_line("BF-002", D(2025, 10, 1), D(2025, 10, 31), "INV-0063", None,
                   [None, None, None, None, 980.25], 980.25),
        ["Total Bright Falcon FZE", None, None, None, None, None, None, None, None, None, None,
         None, None, None, None, 980.25, None, 980.25],
        [],
        ["Total", None, None, None, None, None, None, None, None, None, None,
         1300.0, None, 1000.0, None, 980.25, None, 3280.25],
    ]  # fmt: skip
    return _xlsx(directory / "xero_aged_receivables_detail.xlsx", rows,
                 sheet="Aged Receivables Detail")  # fmt: skip


def netsuite_detail(directory: Path) -> Path:
    """NetSuite A/R Aging Detail (XLSX): OneWorld title rows, header on row 7,
    ``C117 Name`` group rows, ``Total - `` subtotals, negative Age, no currency."""
    rows = [
        ["Sunshine Holdings Inc."],
        ["Sunshine Holdings Inc. : Sunshine US LLC"],
        ["A/R Aging Detail"],
        ["As of 31 July 2026"],
        [],
        [],
        ["Customer", "Transaction Type", "Date", "Document Number", "P.O. No.", "Due Date", "Age",
         "Open Balance"],
        ["C117 Syneos Health, LLC"],
        [None, "Invoice", D(2026, 6, 15), "INV10045", "PO-9", D(2026, 7, 15), 16, 12500.0],
        [None, "Invoice", D(2026, 7, 20), "INV10102", None, D(2026, 8, 19), -19, 4300.5],
        [None, "Credit Memo", D(2026, 7, 25), "CM2001", None, D(2026, 7, 25), 6, -500.0],
        ["Total - C117 Syneos Health, LLC", None, None, None, None, None, None, 16300.5],
        ["C205 Acme Labs"],
        [None, "Invoice", D(2026, 5, 1), "INV09877", None, None, 91, 999.99],
        ["Total - C205 Acme Labs", None, None, None, None, None, None, 999.99],
        ["Total", None, None, None, None, None, None, 17300.49],
    ]  # fmt: skip
    return _xlsx(directory / "netsuite_ar_aging_detail.xlsx", rows, sheet="A_R Aging Detail")


def _sap_line(cells, widths):
    return "|" + "|".join(str(c).ljust(w)[:w] for c, w in zip(cells, widths, strict=True)) + "|"


def sap_fbl5n(directory: Path) -> Path:
    """SAP FBL5N unconverted list (ISO-8859-1, pt-BR labels): title lines, ``|---``
    separators, ``1.234,56-`` amounts, ``dd.mm.yyyy``, a pipe inside Texto,
    ``*`` subtotals and the ``**`` total."""
    widths = [5, 10, 10, 3, 11, 11, 16, 22]
    header = ["   St", "Conta", "Nº doc.", "Tip", "Data doc.", "VencLíquid", "Mont.em MI", "Texto"]
    lines = [
        "",
        "Exibir partidas individuais de clientes",
        "",
        "Empresa         1000",
        "",
        "-" * 116,
        _sap_line(header, widths),
        "|" + "-" * 114 + "|",
        _sap_line(["   @5", "10045", "1800000123", "RV", "15.09.2020", "15.10.2020",
                   "1.234,56".rjust(16), "Venda 123"], widths),
        _sap_line(["   @5", "10045", "1800000124", "RV", "01.10.2020", "31.10.2020",
                   "12.000,00".rjust(16), "Pedido | urgente"], widths),
        _sap_line(["   @5", "10045", "1400000007", "DZ", "05.10.2020", "05.10.2020",
                   "200,00-".rjust(16), "Pagamento adiantado"], widths),
        _sap_line(["   *", "10045", "", "", "", "", "13.034,56 *".rjust(16), ""], widths),
        _sap_line(["   @5", "20077", "1800000200", "RV", "20.11.2020", "20.12.2020",
                   "999,99".rjust(16), "Serviço técnico"], widths),
        _sap_line(["   *", "20077", "", "", "", "", "999,99 *".rjust(16), ""], widths),
        "-" * 116,
        _sap_line(["   **", "", "", "", "", "", "14.034,55 **".rjust(16), ""], widths),
        "-" * 116,
    ]  # fmt: skip
    path = directory / "CISP_ABERTO_16_12_2020_.txt"
    path.write_bytes("\r\n".join(lines).encode("iso-8859-1"))
    return path


def cn_aging_gbk(directory: Path) -> Path:
    """Kingdee/Yonyou 应收款账龄分析表 saved as CSV in GBK: merged title rows (the
    title sits in the first cell, the rest empty), 账龄 bucket columns, 合计."""
    width = 11
    rows = [
        ["应收款账龄分析表"] + [""] * (width - 1),
        ["截止日期：2026-10-31"] + [""] * (width - 1),
        ["核算单位：上海示例贸易有限公司", "", "", "", "币别：人民币"] + [""] * (width - 5),
        ["客户编码", "客户名称", "币别", "应收余额", "未到期", "1-30天", "31-60天", "61-90天",
         "91-180天", "181-360天", "360天以上"],
        ["C001", "北京华联商贸有限公司", "人民币", "15,000.00", "5,000.00", "10,000.00", "", "",
         "", "", ""],
        ["C002", "广州南方电子科技有限公司", "人民币", "8,800.50", "", "", "3,300.50", "",
         "5,500.00", "", ""],
        ["C003", "深圳前海物流有限公司", "人民币", "-1,200.00", "-1,200.00", "", "", "", "", "",
         ""],
        ["C004", "成都天府食品有限公司", "人民币", "2,000.00", "", "", "", "", "", "",
         "2,000.00"],
        ["合计", "", "", "24,600.50", "3,800.00", "10,000.00", "3,300.50", "0.00", "5,500.00",
         "0.00", "2,000.00"],
    ]  # fmt: skip
    return _csv(directory / "应收款账龄分析表.csv", rows, encoding="gbk")


ZOHO_HEADER = [
    "Invoice Date", "Invoice ID", "Invoice Number", "Invoice Status", "Customer ID",
    "Customer Name", "Due Date", "Currency Code", "Exchange Rate", "Item Name", "Item Desc",
    "Quantity", "Item Price", "Item Total", "SubTotal", "Total", "Balance",
]  # fmt: skip


def zoho_line_items(directory: Path) -> Path:
    """Zoho Books invoice export: one row per line item, invoice totals repeated,
    19-digit ids, currency code column, a paid invoice (balance 0)."""
    g, i = "4528741000000099001", "4528741000000099002"
    rows = [
        ZOHO_HEADER,
        ["2026-09-01", "4528741000000123001", "INV-000101", "Overdue", g, "Globex Ltd",
         "2026-10-01", "USD", "1.00", "Widget", "", "2", "100.00", "200.00", "350.00", "350.00",
         "350.00"],
        ["2026-09-01", "4528741000000123001", "INV-000101", "Overdue", g, "Globex Ltd",
         "2026-10-01", "USD", "1.00", "Gadget", "", "1", "150.00", "150.00", "350.00", "350.00",
         "350.00"],
        ["2026-09-05", "4528741000000123002", "INV-000102", "PartiallyPaid", i, "Initech",
         "2026-10-05", "EUR", "1.08", "Consulting", "", "3", "400.00", "1200.00", "1200.00",
         "1200.00", "700.00"],
        ["2026-09-07", "4528741000000123003", "INV-000103", "Paid", g, "Globex Ltd",
         "2026-10-07", "USD", "1.00", "Widget", "", "1", "100.00", "100.00", "100.00", "100.00",
         "0.00"],
        *[
            ["2026-09-08", "4528741000000123004", "INV-000104", "Sent", i, "Initech",
             "2026-10-08", "EUR", "1.08", item, "", "1", "30.00", "30.00", "90.00", "90.00",
             "90.00"]
            for item in ("Cable", "Plug", "Adapter")
        ],
    ]  # fmt: skip
    return _csv(directory / "zoho_invoices.csv", rows, newline="\n")


GENERIC_HEADER = [
    "Customer Code", "Customer Name", "Invoice Number", "Invoice Date", "Due Date", "Amount",
    "Open Amount", "Currency",
]  # fmt: skip


def generic_european(directory: Path) -> Path:
    """Generic detail list: UTF-8 with BOM, ``;`` delimiter, ``1.234,56`` numbers,
    ``dd.mm.yyyy`` dates, a credit note, a Total row."""
    rows = [
        GENERIC_HEADER,
        ["K-1001", "Müller GmbH", "RE-2026-001", "15.08.2026", "14.09.2026", "1.234,56",
         "1.234,56", "EUR"],
        ["K-1001", "Müller GmbH", "RE-2026-002", "01.09.2026", "01.10.2026", "12.500,00",
         "2.500,00", "EUR"],
        ["K-1002", "Dupont SA", "F-778", "20.09.2026", "20.10.2026", "999,90", "999,90", "EUR"],
        ["K-1003", "Rossi Srl", "GS-12", "25.09.2026", "25.09.2026", "-150,00", "-150,00", "EUR"],
        ["Total", "", "", "", "", "14.584,46", "4.584,46", ""],
    ]  # fmt: skip
    return _csv(directory / "open_items_eu.csv", rows, encoding="utf-8-sig", delimiter=";")


def tally_bills(directory: Path) -> Path:
    """Tally Bills Receivable (sheet ``Sundry Debtors``): metadata rows, two-row
    header, party rows with blank-party bills, unlabelled party subtotals, and a
    grand total that does not reconcile (Tally nets unallocated credits)."""
    rows = [
        ["Sundry Debtors"],
        ["Kalpana Traders Pvt Ltd"],
        ["1-Apr-2025 to 31-Mar-2026"],
        ["Bills Receivable"],
        ["Pending Bills"],
        ["Date", "Ref. No.", "Party's Name", "Opening", "Pending", "Due on", "Overdue"],
        [None, None, None, "Amount", "Amount", None, "by days"],
        [None, None, "Sharma Electricals"],
        [D(2026, 1, 10), "INV/101", None, 50000.0, 30000.0, D(2026, 2, 9), 50],
        [D(2026, 2, 15), "INV/115", None, 20000.0, 20000.0, D(2026, 3, 17), 14],
        [None, None, None, 70000.0, 50000.0],
        [None, None, "Verma & Sons"],
        [D(2026, 1, 30), "INV/120", None, 10000.0, 8000.0, D(2026, 3, 1), 30],
        [None, None, None, 10000.0, 8000.0],
        [None, None, "Total", 80000.0, 57500.0],
    ]
    return _xlsx(directory / "GrpBills.xlsx", rows, sheet="Sundry Debtors")


def generic_xlsx_1904(directory: Path) -> Path:
    """A generic list saved in the 1904 date system: one date cell, one raw serial."""
    rows = [
        GENERIC_HEADER,
        ["A1", "Alpha", "X-1", D(2026, 1, 15), D(2026, 2, 14), 100.0, 100.0, "USD"],
        ["A1", "Alpha", "X-2", 44926, 44956, 50.0, 50.0, "USD"],  # 1904 serials: 2027-01-01
    ]
    return _xlsx(directory / "generic_1904.xlsx", rows, date1904=True)


# --------------------------------------------------------------------------- bad inputs


def generic_rows(directory: Path, name: str, body, *, header=GENERIC_HEADER) -> Path:
    return _csv(directory / name, [header, *body])


def empty_file(directory: Path) -> Path:
    path = directory / "empty.csv"
    path.write_bytes(b"")
    return path


def csv_named_xlsx(directory: Path) -> Path:
    path = directory / "csv_content_named.xlsx"
    path.write_text("Customer,Invoice Number,Amount\nA,1,2\n")
    return path


def png_named_csv(directory: Path) -> Path:
    path = directory / "report.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64)
    return path


def legacy_xls(directory: Path) -> Path:
    path = directory / "legacy_aging.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return path


def _workbook_parts(zf: zipfile.ZipFile) -> None:
    zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    zf.writestr(
        "xl/workbook.xml",
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><workbookPr/><sheets/></workbook>',
    )


def xlsm_with_macros(directory: Path, name="macro_workbook.xlsx") -> Path:
    path = directory / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _workbook_parts(zf)
        zf.writestr("xl/vbaProject.bin", b"\x00VBA" * 100)
    return path


def zip_bomb(directory: Path, megabytes: int = 64) -> Path:
    """A small file whose sheet member declares ``megabytes`` MB of zeros."""
    path = directory / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _workbook_parts(zf)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return path


def ap_aging(directory: Path) -> Path:
    rows = [
        ["Western Widgets LLC"],
        ["A/P Aging Detail Report"],
        ["As of Sep 23, 2026"],
        [],
        ["", "Date", "Transaction type", "Num", "Vendor", "Due date", "Past due", "Amount",
         "Open balance"],
        ["", "09/15/2026", "Bill", "B-1", "Paper Co", "10/15/2026", "-22", "80.00", "80.00"],
    ]  # fmt: skip
    return _csv(directory / "ap_aging.csv", rows)


def no_amounts(directory: Path) -> Path:
    rows = [
        ["Customer", "Invoice Number", "Invoice Date", "Due Date"],
        ["Acme", "1", "2026-01-01", "2026-02-01"],
    ]
    return _csv(directory / "no_amounts.csv", rows)


def xero_summary(directory: Path) -> Path:
    """Xero Aged Receivables Summary CSV (synthetic shape, no real file was seen)."""
    rows = [
        ["Aged Receivables Summary"],
        ["Mantara Trading LLC"],
        ["As at 31 March 2026"],
        ["Ageing by due date"],
        [],
        ["Contact", "Current", "< 1 Month", "1 Month", "2 Months", "3 Months", "Older", "Total"],
        ["Al Noor Contracting", "0.00", "1,300.00", "0.00", "1,000.00", "0.00", "0.00",
         "2,300.00"],
        ["Bright Falcon FZE", "0.00", "0.00", "0.00", "0.00", "0.00", "980.25", "980.25"],
        ["Total", "0.00", "1,300.00", "0.00", "1,000.00", "0.00", "980.25", "3,280.25"],
    ]  # fmt: skip
    return _csv(directory / "xero_aged_receivables_summary.csv", rows)


def odoo_oca_aged_partner_balance(directory: Path) -> Path:
    """Odoo OCA Aged Partner Balance (XLSX): Partner, Residual, Current, Age ≤ N d.,
    Older; footer rows with cumulative totals and percentages."""
    rows = [
        ["Aged Partner Balance - YourCompany - USD"],
        ["Date at filter", "Target moves filter", "Account balance at 0 filter"],
        ["09/30/2026", "All posted entries", "Hide"],
        [],
        ["Partner", "Residual", "Current", "Age ≤ 30 d.", "Age ≤ 60 d.", "Age ≤ 90 d.",
         "Age ≤ 120 d.", "Older"],
        ["Azure Interior", 1250.0, 250.0, 1000.0, 0, 0, 0, 0],
        ["Deco Addict", 3000.0, 0, 0, 0, 500.0, 0, 2500.0],
        ["Total", 4250.0, 250.0, 1000.0, 0, 500.0, 0, 2500.0],
        ["Percents", None, 0.0588, 0.2353, 0, 0.1176, 0, 0.5882],
    ]  # fmt: skip
    return _xlsx(directory / "Aged Partner Balance.xlsx", rows, sheet="Aged Partner Balance")


ALL = [
    qb_summary_jobs,
    qbo_detail,
    xero_detail,
    netsuite_detail,
    sap_fbl5n,
    cn_aging_gbk,
    zoho_line_items,
    generic_european,
    tally_bills,
    generic_xlsx_1904,
    xero_summary,
    odoo_oca_aged_partner_balance,
    csv_named_xlsx,
    legacy_xls,
    xlsm_with_macros,
    ap_aging,
    no_amounts,
]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/aging")
    target.mkdir(parents=True, exist_ok=True)
    for build in ALL:
        print(build(target))
