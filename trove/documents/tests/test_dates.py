import datetime

from trove.documents.dates import vietnamese_date, vietnamese_time


def test_it_writes_the_date_as_administrative_documents_do():
    assert vietnamese_date(datetime.date(2026, 5, 14)) == "ngày 14 tháng 5 năm 2026"
    assert vietnamese_date(datetime.date(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"


def test_it_pads_days_below_10_and_the_months_1_and_2():
    # Decree 30/2020/NĐ-CP, Appendix I, II.5.b.
    assert vietnamese_date(datetime.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert vietnamese_date(datetime.date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert vietnamese_date(datetime.date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"


def test_it_reads_an_aware_moment_in_vietnam():
    late_utc = datetime.datetime(2026, 5, 13, 20, 15, tzinfo=datetime.UTC)  # 03:15 on the 14th in Vietnam
    assert vietnamese_date(late_utc) == "ngày 14 tháng 5 năm 2026"
    assert vietnamese_time(late_utc) == "03 giờ 15 phút"
