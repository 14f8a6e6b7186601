"""Page-number pagination without counting: one row more than a page says whether a next page exists, so a page
of a million visible cases costs the same as a page of ten. ``next`` and ``previous`` are paths with the caller's own
filters, ready to call."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

DEFAULT_PAGE_SIZE = 50


@dataclass
class PageOf:
    rows: list
    page: int
    next: str | None
    previous: str | None

    def frame(self, results: list) -> dict:
        return {"page": self.page, "next": self.next, "previous": self.previous, "results": results}


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{query.urlencode()}"


def paginate(request: HttpRequest, rows, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> PageOf:
    start = (page - 1) * page_size
    fetched = list(rows[start: start + page_size + 1])
    return page_of(request, fetched[:page_size], page, more=len(fetched) > page_size)


def page_of(request: HttpRequest, rows: list, page: int, *, more: bool) -> PageOf:
    """A page a selector cut itself (``rows``, and whether ``more`` follow)."""
    return PageOf(
        rows=rows,
        page=page,
        next=_link(request, page + 1) if more else None,
        previous=_link(request, page - 1) if page > 1 else None,
    )
