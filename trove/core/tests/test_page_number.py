"""The page number of lists paged by number: a hand-written address cannot make a list fail."""

from django.test import RequestFactory

from trove.core.paging import MAX_PAGE_NUMBER, page_number


def test_the_page_asked_for_within_bounds():
    factory = RequestFactory()
    for query, expected in (("", 1), ("?page=3", 3), ("?page=0", 1), ("?page=-4", 1), ("?page=abc", 1),
                            ("?page=2.5", 1), ("?page=" + "9" * 30, MAX_PAGE_NUMBER)):
        assert page_number(factory.get("/list/" + query)) == expected, query
