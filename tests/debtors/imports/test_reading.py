import io
import zipfile

import pytest

from debtors.imports.errors import ImportRefused
from debtors.imports.reading import (
    ReadLimits,
    choose_sheet,
    detect_delimiter,
    detect_encoding,
    open_table,
    sap_rows,
)
from tests.debtors.imports import fixtures as F


def refusal(source, **kwargs) -> str:
    with pytest.raises(ImportRefused) as info:
        open_table(source, **kwargs)
    return info.value.code


def test_it_detects_utf8_with_and_without_bom():
    assert detect_encoding("Müller,1".encode()) == "utf-8"
    assert detect_encoding("\ufeffMüller,1".encode()) == "utf-8-sig"


def test_it_detects_gbk_chinese():
    assert detect_encoding("客户名称,应收余额\n北京华联,100".encode("gbk")) == "gb18030"


def test_it_falls_back_to_latin1_for_western_text_that_gb18030_would_accept():
    # "Ação" and "VencLíquid" happen to be valid GB18030 byte pairs.
    sample = "Conta;VencLíquid;Ação;Situação\n1;2;3;4\n".encode("iso-8859-1")
    assert sample.decode("gb18030")  # the trap: it "decodes"
    assert detect_encoding(sample) == "iso-8859-1"


def test_it_detects_the_delimiter_despite_a_title_block():
    text = "Report title\nAs of 1 May 2026\n\na;b;c\n1;2,5;3\n4;5;6\n"
    assert detect_delimiter(text) == ";"
    assert detect_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"
    assert detect_delimiter('a,b,c\n"1,5",2,3\n') == ","
    assert detect_delimiter("a|b|c\n1|2|3\n") == "|"


def test_it_reads_a_tsv(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("Customer\tAmount\nA\t1,5\n")
    table = open_table(path)
    assert table.kind == "tsv"
    assert list(table.rows()) == [["Customer", "Amount"], ["A", "1,5"]]


def test_it_reads_bytes_and_file_objects(tmp_path):
    data = b"a,b\n1,2\n"
    assert list(open_table(data, filename="x.csv").rows()) == [["a", "b"], ["1", "2"]]
    handle = io.BytesIO(data)
    table = open_table(handle, filename="x.csv")
    assert list(table.rows()) == list(table.rows()) == [["a", "b"], ["1", "2"]]
    assert not handle.closed


def test_it_reads_sap_pipe_lists_by_header_offsets(tmp_path):
    table = open_table(F.sap_fbl5n(tmp_path))
    assert table.kind == "sap_text" and table.encoding == "iso-8859-1"
    rows = [row for row in table.rows() if len(row) > 1]
    assert rows[0][:3] == ["St", "Conta", "Nº doc."]
    assert rows[2][-1] == "Pedido | urgente"  # the pipe inside Texto stays in one cell
    assert len({len(row) for row in rows}) == 1


def test_it_drops_sap_separator_lines():
    lines = ["-----", "|a   |b   |c  |d |", "|----------------|", "|1   |2   |3  |4 |", ""]
    assert list(sap_rows(lines)) == [["a", "b", "c", "d"], ["1", "2", "3", "4"], []]


def test_it_reads_xlsx_with_calamine_and_picks_the_report_sheet(tmp_path):
    table = open_table(F.xero_detail(tmp_path))
    assert table.kind == "xlsx" and table.sheet_name == "Aged Receivables Detail"
    rows = list(table.rows())
    assert rows[2][0] == "As at 31 March 2026"
    assert choose_sheet(["Notes", "Sundry Debtors"]) == "Sundry Debtors"
    assert choose_sheet(["Sheet1", "Sheet2"]) == "Sheet1"


def test_it_reads_the_1904_date_system_flag(tmp_path):
    assert open_table(F.generic_xlsx_1904(tmp_path)).date1904 is True
    assert open_table(F.xero_detail(tmp_path)).date1904 is False


def test_it_refuses_an_empty_file(tmp_path):
    assert refusal(F.empty_file(tmp_path)) == "empty_file"
    assert refusal(b"", filename="x.csv") == "empty_file"


def test_it_refuses_a_file_over_the_size_limit():
    assert refusal(b"a,b\n" * 100, filename="x.csv", limits=ReadLimits(max_file_bytes=10)) == (
        "file_too_large"
    )


def test_it_refuses_content_that_disagrees_with_the_extension(tmp_path):
    assert refusal(F.csv_named_xlsx(tmp_path)) == "extension_mismatch"
    xlsx = F.xero_detail(tmp_path).read_bytes()
    assert refusal(xlsx, filename="aging.csv") == "extension_mismatch"
    assert refusal(F.png_named_csv(tmp_path)) == "unsupported_type"
    assert refusal(b"%PDF-1.4", filename="aging.pdf") == "unsupported_type"


def test_it_refuses_legacy_xls_with_a_way_out(tmp_path):
    with pytest.raises(ImportRefused) as info:
        open_table(F.legacy_xls(tmp_path))
    assert info.value.code == "legacy_xls"
    assert ".xlsx" in str(info.value.message)


def test_it_refuses_macros_by_content_and_by_extension(tmp_path):
    assert refusal(F.xlsm_with_macros(tmp_path)) == "macros"
    assert refusal(F.xlsm_with_macros(tmp_path, "aging.xlsm")) == "macros"


def test_it_refuses_a_zip_bomb_before_parsing(tmp_path):
    path = F.zip_bomb(tmp_path, megabytes=64)
    assert path.stat().st_size < 1024 * 1024
    assert refusal(path) == "zip_bomb"


def test_it_refuses_an_archive_over_the_total_size_cap(tmp_path):
    path = F.xero_detail(tmp_path)
    assert refusal(path, limits=ReadLimits(max_uncompressed_bytes=1000)) == "zip_bomb"


def test_it_refuses_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert refusal(path) == "not_a_workbook"


def test_it_refuses_text_that_changes_encoding_midway(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n" + b"x,y\n" * 70000 + "\u00e9,1\n".encode("utf-16-le"))
    table = open_table(path)
    with pytest.raises(ImportRefused) as info:
        list(table.rows())
    assert info.value.code == "bad_encoding"


def test_it_refuses_a_csv_with_a_runaway_field(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('a,b\n"' + "x" * 200_000 + "\n")
    with pytest.raises(ImportRefused) as info:
        list(open_table(path).rows())
    assert info.value.code == "bad_csv" and "line" in str(info.value.message)
