"""A bounded thread pool for blocking client libraries (rucio-clients, eossr, gfal2).

The event loop never waits on them: every call runs here, with a timeout.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from .errors import BackendTimeout

P = ParamSpec("P")
T = TypeVar("T")


class BlockingExecutor:
    def __init__(self, max_workers: int = 16) -> None:
        self.max_workers = max_workers
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="vre-blocking")

    async def run(
        self,
        backend: str,
        timeout: float,
        fn: Callable[P, T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `fn(*args, **kwargs)` in the pool; `BackendTimeout` naming `backend` after `timeout` s.

        The timeout includes time spent queued behind other calls. A call that
        times out keeps its thread until it returns (threads cannot be killed),
        which is why the pool is bounded.
        """
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise BackendTimeout(backend, f"no answer within {timeout:g} s; try again later.") from None

    async def run_stoppable(
        self, backend: str, timeout: float, fn: Callable[[threading.Event], T], grace: float = 30
    ) -> T:
        """Run `fn(stop)` in the pool, for work that polls `stop` (a transfer that must clean up).

        On timeout or cancellation `stop` is set and this waits (up to `grace` s)
        until `fn` has returned, so whatever it cleans up is gone when this ends.
        """
        stop = threading.Event()
        future = asyncio.get_running_loop().run_in_executor(self._pool, fn, stop)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            stop.set()
            await asyncio.wait({future}, timeout=grace)
            raise BackendTimeout(backend, f"no progress within {timeout:g} s; try again later.") from None
        except asyncio.CancelledError:
            stop.set()
            await asyncio.wait({future}, timeout=grace)
            raise

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
