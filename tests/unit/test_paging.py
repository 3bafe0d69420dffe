"""Paging over streamed listings: read only what a page needs; cursors are used once and idle out."""

import itertools

import pytest

from rucio_ext.paging import StreamPages
from vre_common.errors import NotFound


def counting(n):
    """A listing that records how far it was read."""
    read = []

    def items():
        for i in range(n):
            read.append(i)
            yield i

    return items(), read


def test_a_page_reads_only_its_items_and_one_ahead():
    pages = StreamPages()
    stream, read = counting(100_000)
    items, cursor = pages.first(stream, 10, str)
    assert items == [str(i) for i in range(10)]
    assert len(read) == 11
    more, cursor2 = pages.next(cursor, 10)
    assert more == [str(i) for i in range(10, 20)], "converted like the first page"
    assert len(read) == 21
    with pytest.raises(NotFound):
        pages.next(cursor, 10)  # used once
    assert cursor2


def test_the_last_page_has_no_cursor():
    items, cursor = StreamPages().first(iter(range(5)), 5, int)
    assert (items, cursor) == ([0, 1, 2, 3, 4], None)


def test_idle_and_excess_streams_are_closed():
    pages = StreamPages(idle_seconds=3600, max_open=2)
    closed = []

    def stream(tag):
        try:
            yield from itertools.count()
        finally:
            closed.append(tag)

    cursors = [pages.first(stream(tag), 1, int)[1] for tag in "abc"]
    assert closed == ["a"], "the oldest beyond max_open is closed"
    with pytest.raises(NotFound) as err:
        pages.next(cursors[0], 1)
    assert err.value.code == "cursor_expired"
    pages.next(cursors[2], 1)
