"""Bounded thread pools for blocking client libraries (rucio-clients, eossr, gfal2) and local file work.

The event loop never waits on them: every call runs here, with a timeout.

Lanes, so that one stuck backend cannot starve everything else (a blocked
call holds its thread until it returns; threads cannot be killed):
- local work (`LOCAL_WORK`: workspace walks, the credential store, codemeta)
  has a small pool of its own, so light endpoints never queue behind backends;
- each backend may hold at most `backend_share` of the backend pool's threads;
  its further calls wait for one of its own threads (counted in their timeout)
  and leave the rest to the other backends, e.g. a Rucio search while Zenodo hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from .errors import BackendTimeout

P = ParamSpec("P")
T = TypeVar("T")


# What runs on this machine's disk, not at a backend: the light lane.
LOCAL_WORK = frozenset({"workspace", "credential store", "codemeta"})


class BlockingExecutor:
    def __init__(self, max_workers: int = 16, local_workers: int = 4, backend_share: float = 0.5) -> None:
        self.max_workers = max_workers
        self.per_backend = max(1, int(max_workers * backend_share))
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="vre-blocking")
        self._local = ThreadPoolExecutor(max_workers=local_workers, thread_name_prefix="vre-local")
        self._slots: dict[str, asyncio.Semaphore] = {}

    async def _submit(self, backend: str, call: Callable[[], T]) -> asyncio.Future[T]:
        """Start `call` in `backend`'s lane once it has a thread there; its slot frees when it returns."""
        loop = asyncio.get_running_loop()
        if backend in LOCAL_WORK:
            return loop.run_in_executor(self._local, call)
        slots = self._slots.setdefault(backend, asyncio.Semaphore(self.per_backend))
        await slots.acquire()
        try:
            work = self._pool.submit(call)
        except BaseException:
            slots.release()
            raise

        def free(_: object) -> None:
            # When the thread is done, not when the caller gave up: a call that timed out holds it still.
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
                loop.call_soon_threadsafe(slots.release)

        work.add_done_callback(free)
        return asyncio.wrap_future(work, loop=loop)

    async def run(
        self,
        backend: str,
        timeout: float,
        fn: Callable[P, T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `fn(*args, **kwargs)` in `backend`'s lane; `BackendTimeout` naming `backend` after `timeout` s.

        The timeout includes time spent queued behind other calls. A call that
        times out keeps its thread until it returns (threads cannot be killed),
        which is why the pool is bounded.
        """
        try:
            async with asyncio.timeout(timeout):
                return await (await self._submit(backend, functools.partial(fn, *args, **kwargs)))
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
        try:
            async with asyncio.timeout(timeout):  # not wait_for: in 3.11 it can swallow a cancel
                future = await self._submit(backend, functools.partial(fn, stop))
        except TimeoutError:
            raise BackendTimeout(backend, f"no free worker within {timeout:g} s; try again later.") from None
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
        self._local.shutdown(wait=False, cancel_futures=True)
