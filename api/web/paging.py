"""Paging for every list on the pages: which rows a page shows ("1–50 de 1,750"), the
links to the rows before and after, and the query parameters that say so. Lists are
cut in the services (limit, offset, total); a page only carries the window along with
its filters, through templates/_pager.html."""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query

from ..deps import MAX_ROW_ID

PAGE_SIZE = 50

# A page's window: where it starts and how many rows (a page never asks for more than
# 200 rows at once, whatever the address says).
Start = Annotated[int, Query(ge=0, le=MAX_ROW_ID, description="First row shown (0-based).")]
Size = Annotated[int, Query(ge=1, le=200, description="Rows per page.")]


@dataclass(frozen=True)
class Pager:
    """One page of a list: rows ``offset`` to ``offset + limit`` of ``total``, reached at
    ``path`` with ``params`` (the list's filters, kept on every link)."""

    path: str
    offset: int
    limit: int
    total: int
    params: tuple[tuple[str, str], ...] = ()
    key: str = "offset"  # the query parameter, when a page has two lists

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)

    def summary(self, _) -> str:
        """ "1–50 de 1,750" in the page's language (thousands with a comma, as in Mexico)."""
        if not self.total:
            return _("Sin resultados")
        return _("{first}–{last} de {total}").format(
            first=f"{self.first:,}", last=f"{self.last:,}", total=f"{self.total:,}"
        )

    def url(self, offset: int) -> str:
        query = [(k, v) for k, v in self.params if v not in ("", None)]
        if offset:
            query.append((self.key, str(offset)))
        if self.limit != PAGE_SIZE:
            query.append(("limit", str(self.limit)))
        return self.path + (f"?{urlencode(query)}" if query else "")

    @property
    def previous(self) -> str | None:
        return self.url(max(0, self.offset - self.limit)) if self.offset > 0 else None

    @property
    def next(self) -> str | None:
        return self.url(self.offset + self.limit) if self.offset + self.limit < self.total else None

    @property
    def final(self) -> str | None:
        """The last page, when it is more than one page away."""
        start = (self.total - 1) // self.limit * self.limit if self.total else 0
        return self.url(start) if start > self.offset + self.limit else None


def pager(
    path: str, offset: int, limit: int, total: int, key: str = "offset", **params: object
) -> Pager:
    """A pager for a list whose filters are ``params`` (empty ones left off the links)."""
    kept = tuple((k, str(v)) for k, v in params.items() if v not in (None, "", False))
    return Pager(path, offset, limit, total, kept, key)
