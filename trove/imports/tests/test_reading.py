"""Reading .xlsx, .xls and .csv files; finding the headings under title rows; guessing the columns."""

import datetime

import pytest

from trove.imports import headers
from trove.imports.reading import UnreadableFile, format_of, open_workbook, sniff_format
from trove.imports.registry import get_kind
from trove.imports.tests.biff import xls_bytes
from trove.imports.tests.helpers import csv_bytes, missing_csv, persons_workbook, suspected_workbook, xlsx_bytes

PERSONS = get_kind("persons")


def test_merged_cells_give_their_value_to_every_cell_they_cover():
    workbook = open_workbook(persons_workbook(), "xlsx")
    rows = dict(workbook.rows("Danh sách", stop=6))
    assert rows[1] == ["UỶ BAN NHÂN DÂN XÃ TÂN HỒNG"] * 9  # a title merged across the page
    assert rows[4][2:4] == ["Ngày sinh", "Ngày sinh"]  # one heading over two columns
    assert rows[5][:4] == ["STT", "Họ và tên", "Nam", "Nữ"]  # headings merged down two rows


def test_a_vertically_merged_data_cell_fills_the_rows_below():
    content = xlsx_bytes([["Họ và tên", "Địa chỉ"], ["An", "Xã Tân Hộ Cơ"], ["Bình", None]], merges=("B2:B3",))
    assert [cells for _n, cells in open_workbook(content, "xlsx").rows("Danh sách")][1:] == [
        ["An", "Xã Tân Hộ Cơ"], ["Bình", "Xã Tân Hộ Cơ"]]


def test_xls_files_are_read_with_dates_numbers_and_merges():
    workbook = open_workbook(suspected_workbook(), "xls")
    assert workbook.sheet_names() == ["Nghi la nan nhan"]
    rows = dict(workbook.rows("Nghi la nan nhan"))
    assert rows[2][:6] == ["XKLĐ", "PHẠM THỊ MAI", "F", 2003, 12345678, datetime.datetime(2024, 8, 2)]
    merged = xls_bytes([("S", [["Họ và tên", "Ngày sinh", None], [None, "Nam", "Nữ"]], [(0, 0, 1, 2), (0, 1, 0, 0)])])
    rows = dict(open_workbook(merged, "xls").rows("S"))
    assert rows == {1: ["Họ và tên", "Ngày sinh", "Ngày sinh"], 2: ["Họ và tên", "Nam", "Nữ"]}


def test_csv_files_in_utf8_or_the_vietnamese_code_page_with_any_delimiter():
    rows = [["Họ và tên", "Giới tính"], ["Lê Thị Lan", "Nữ"]]
    for content in (csv_bytes(rows, ";"), csv_bytes(rows, ",", "cp1258"), csv_bytes(rows, "\t", "utf-16")):
        assert [cells for _n, cells in open_workbook(content, "csv").rows("CSV")] == rows
    assert [cells for _n, cells in open_workbook(missing_csv(), "csv").rows("CSV")][1][0] == "Giàng Thị Mỷ"


def test_a_file_that_is_not_what_its_name_says_is_refused():
    assert format_of("Danh sách.XLSX") == "xlsx" and format_of("ds.pdf") is None
    assert not sniff_format(b"%PDF-1.4", "xlsx")
    assert not sniff_format(persons_workbook(), "xls")
    with pytest.raises(UnreadableFile):
        open_workbook(b"PK\x03\x04 not really a zip", "xlsx")


def test_the_headings_are_found_under_the_titles_on_two_rows_with_the_numbering_row_skipped():
    rows = list(open_workbook(persons_workbook(), "xlsx").rows("Danh sách", stop=40))
    header, count = headers.detect_header(PERSONS, rows)
    assert (header, count) == (4, 2)
    assert headers.first_data_row(rows, header, count) == 7
    labels = headers.column_labels(rows, header, count)
    assert labels[:4] == ["STT", "Họ và tên", "Ngày sinh / Nam", "Ngày sinh / Nữ"]
    mapping = headers.suggest(PERSONS, labels)
    assert mapping == {"full_name": 1, "birth_date_male": 2, "birth_date_female": 3, "citizen_id": 4,
                       "home_address": 5, "received_at": 6, "channel": 7, "country_returned_from": 8}


def test_columns_are_guessed_with_or_without_diacritics_in_any_order():
    labels = ["NGAY TIEP NHAN", "ho ten", "Gioi tinh", "So CMND/CCCD", "Que quan", "Hinh thuc tro ve", "SĐT",
              "Họ tên cha", "Tên mẹ", "Năm sinh"]
    assert headers.suggest(PERSONS, labels) == {
        "received_at": 0, "full_name": 1, "sex": 2, "id_number": 3, "home_address": 4, "channel": 5, "phone": 6,
        "father_name": 7, "mother_name": 8, "birth_date": 9}


def test_sex_ticked_in_a_column_for_men_or_women():
    labels = ["Họ và tên", "Giới tính / Nam", "Giới tính / Nữ"]
    assert headers.suggest(PERSONS, labels) == {"full_name": 0, "sex_male": 1, "sex_female": 2}


def test_a_saved_mapping_finds_its_columns_wherever_they_are_now():
    saved = headers.labels_for_saving({"full_name": 0, "sex": 1}, ["Họ và tên", "Giới tính"])
    assert saved == {"full_name": "ho va ten", "sex": "gioi tinh"}
    mapping, missing = headers.apply_saved({**saved, "phone": "sdt"}, ["STT", "Giới  tính", "HỌ VÀ TÊN"])
    assert mapping == {"full_name": 2, "sex": 1} and missing == ["phone"]
