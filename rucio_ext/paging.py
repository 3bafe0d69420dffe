"""Page through Rucio's streamed listings without reading them whole.

The first page of a 100,000-file dataset must not wait for the other 99,900:
Rucio streams listings line by line, so a page reads only its own items (and
one ahead, to know whether there is more). The rest of the stream waits behind
an opaque cursor, used once, until it is asked for or idles out.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from vre_common.errors import NotFound

T = TypeVar("T")


@dataclass
class _Stream:
    items: Iterator[Any]
    convert: Callable[[Any], Any]
    ahead: list[Any] = field(default_factory=list)
    last_used: float = field(default_factory=time.monotonic)


class StreamPages:
    def __init__(self, idle_seconds: float = 600, max_open: int = 64) -> None:
        self.idle_seconds = idle_seconds
        self.max_open = max_open
        self._streams: dict[str, _Stream] = {}
        self._lock = threading.Lock()

    def first(
        self, items: Iterator[Any], limit: int, convert: Callable[[Any], T]
    ) -> tuple[list[T], str | None]:
        """The first `limit` items, and a cursor for the rest (None when there is no rest)."""
        return self._take(_Stream(iter(items), convert), limit)

    def next(self, cursor: str, limit: int) -> tuple[list[Any], str | None]:
        """The next page of the listing behind `cursor` (converted as its first page was)."""
        with self._lock:
            stream = self._streams.pop(cursor, None)
        if stream is None:
            raise NotFound(
                "This listing is no longer open (it idled out or was read already): start it again.",
                code="cursor_expired",
            )
        return self._take(stream, limit)

    def _take(self, stream: _Stream, limit: int) -> tuple[list[Any], str | None]:
        raw = stream.ahead + list(itertools.islice(stream.items, limit + 1 - len(stream.ahead)))
        page, stream.ahead = raw[:limit], raw[limit:]
        if not stream.ahead:
            return [stream.convert(item) for item in page], None
        cursor = secrets.token_urlsafe(16)
        stream.last_used = time.monotonic()
        with self._lock:
            self._forget_idle()
            self._streams[cursor] = stream
        return [stream.convert(item) for item in page], cursor

    def _forget_idle(self) -> None:
        now = time.monotonic()
        by_age = sorted(self._streams.items(), key=lambda kv: kv[1].last_used)
        excess = len(by_age) + 1 - self.max_open
        for index, (cursor, stream) in enumerate(by_age):
            if index < excess or now - stream.last_used > self.idle_seconds:
                del self._streams[cursor]
                close = getattr(stream.items, "close", None)
                if close:
                    close()
