"""A small fault-injecting TCP proxy between the Jupyter server and one dev-stack backend.

It runs its own asyncio loop in a thread, so it serves whatever thread calls it
(rucio-clients in the executor, httpx on the server's loop). Each request is
recognised by its HTTP request line at the start of a client chunk (the clients
here never pipeline), and a rule decides what happens to it:

- `pass`     forward both ways;
- `down`     the listener is closed and every open connection cut: connection refused,
             as when the server is stopped; `up()` listens again on the same port;
- `hang`     read the request, never answer (until the mode changes);
- `status`   answer with an HTTP status (500, 429, ...) and close;
- `delay`    wait `delay` seconds, then forward (a slow backend that does answer);
- `wait`     hold the request until `release()`, then forward it (a slow backend, on cue);
- `hold`     forward, relay the response head and `after_bytes` bytes of its body,
             then hold the rest until `release()` (or cut it with `cut()`/`down()`);
- `drop`     like `hold`, but close the connection at that point.

Only requests whose `"METHOD /path"` matches `match` (a regex) get the fault;
the others pass. With `rewrite_links`, the proxy listens on a port with as many digits as the
backend's and replaces the backend's address in answers with its own, byte for byte (so lengths hold):
links the backend hands out (Zenodo's bucket URLs, IAM's token endpoint) lead through the proxy too.
Changing the mode cuts the open connections, so clients with
pooled connections meet the new mode on their next request. `held` counts the
requests currently hanging or held, so tests wait for a state, never for time.
"""

from __future__ import annotations

import asyncio
import random
import re
import socket
import threading
import time
from dataclasses import dataclass

REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]\r\n")


def same_width_port(port: int) -> int:
    """A free local port with as many digits as `port`."""
    width = len(str(port))
    low, high = 10 ** (width - 1), 10**width - 1
    for candidate in random.sample(range(max(low, 1024), min(high, 65535) + 1), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
                return candidate
            except OSError:
                continue
    raise RuntimeError(f"no free {width}-digit port")


@dataclass
class Rule:
    mode: str = "pass"
    match: re.Pattern[str] | None = None
    status: int = 500
    delay: float = 0.0
    after_bytes: int = 0

    def applies(self, request: str) -> bool:
        return self.match is None or bool(self.match.search(request))


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int, rewrite_links: bool = False) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.rules = [Rule()]  # the first that applies to a request decides
        self.port = same_width_port(upstream_port) if rewrite_links else 0
        self._rewrite = (
            (f"{upstream_host}:{upstream_port}".encode(), f"127.0.0.1:{self.port}".encode())
            if rewrite_links
            else None
        )
        self.requests: list[str] = []  # every request line seen, in order
        self._held = 0
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._release = asyncio.Event()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="fault-proxy")
        self._thread.start()
        self._call(self._listen())

    # -- control, from any thread -------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, mode: str, match: str | None = None, **options: float) -> None:
        """Switch to `mode` for requests matching `match`; open connections are cut."""
        self.set_rules([(mode, match, options)])

    def set_rules(self, rules: list[tuple[str, str | None, dict[str, float]]]) -> None:
        """Several (mode, match, options) at once, e.g. hold uploads and relay downloads halfway."""
        made = [
            Rule(mode=mode, match=re.compile(match) if match else None, **options)  # type: ignore[arg-type]
            for mode, match, options in rules
        ]

        async def switch() -> None:
            self.rules = made
            self._release = asyncio.Event()
            self._cut_all()
            if self._server is None:
                await self._listen()

        self._call(switch())

    def down(self) -> None:
        """Stop listening and cut every connection (the backend's view of a stopped server)."""

        async def stop() -> None:
            self.rules = [Rule(mode="down")]
            if self._server is not None:
                self._server.close()
                self._server = None
            self._cut_all()

        self._call(stop())

    def up(self) -> None:
        self.set("pass")

    def release(self) -> None:
        """Let held responses go on."""
        self._loop.call_soon_threadsafe(lambda: self._release.set())

    def cut(self) -> None:
        """Cut every open connection now."""
        self._loop.call_soon_threadsafe(self._cut_all)

    @property
    def held(self) -> int:
        return self._held

    def wait_held(self, count: int = 1, timeout: float = 60) -> None:
        """Block until at least `count` requests are hanging or held."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._held >= count, timeout):
                raise TimeoutError(f"{self._held} request(s) held at the proxy, wanted {count}")

    async def until_held(self, count: int = 1, timeout: float = 60) -> None:
        """The same, for async tests (keeps the test's event loop, and the Jupyter server, running)."""
        deadline = time.monotonic() + timeout
        while self._held < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self._held} request(s) held at the proxy, wanted {count}")
            await asyncio.sleep(0.05)

    def close(self) -> None:
        self.down()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    # -- inside the proxy's loop --------------------------------------------------------------

    def _call(self, coro) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    def _cut_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def _count(self, delta: int) -> None:
        with self._cond:
            self._held += delta
            self._cond.notify_all()

    async def _hold_forever(self) -> None:
        self._count(1)
        try:
            await asyncio.Event().wait()
        finally:
            self._count(-1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        state = {"rule": Rule(), "body": -1}  # the current request's rule; body bytes relayed (-1: in head)
        back: asyncio.Task | None = None
        try:
            while chunk := await reader.read(65536):
                line = REQUEST_LINE.match(chunk)
                if line:
                    request = f"{line[1].decode()} {line[2].decode()}"
                    self.requests.append(request)
                    rule = next((r for r in self.rules if r.applies(request)), Rule())
                    state.update(rule=rule, body=-1)
                    if rule.mode in ("hang", "down"):
                        await self._hold_forever()
                    if rule.mode == "status":
                        body = b'{"status": %d, "message": "injected fault"}' % rule.status
                        writer.write(
                            b"HTTP/1.1 %d Injected\r\nContent-Type: application/json\r\n"
                            b"Retry-After: 1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                            % (rule.status, len(body), body)
                        )
                        await writer.drain()
                        return
                    if rule.mode == "wait":
                        self._count(1)
                        try:
                            await self._release.wait()
                        finally:
                            self._count(-1)
                    if rule.mode == "delay":
                        self._count(1)
                        try:
                            await asyncio.sleep(rule.delay)
                        finally:
                            self._count(-1)
                if upstream is None:
                    upstream = await asyncio.open_connection(*self.upstream)
                    self._writers.add(upstream[1])
                    back = asyncio.create_task(self._relay_back(upstream[0], writer, state))
                upstream[1].write(chunk)
                await upstream[1].drain()
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            if back is not None:
                back.cancel()
            for w in (writer, upstream[1] if upstream else None):
                if w is not None:
                    self._writers.discard(w)
                    w.transport.abort()

    async def _relay_back(
        self, upstream: asyncio.StreamReader, writer: asyncio.StreamWriter, state: dict
    ) -> None:
        try:
            while chunk := await upstream.read(65536):
                rule: Rule = state["rule"]
                if rule.mode in ("hold", "drop") and state["body"] < rule.after_bytes:
                    if state["body"] < 0:
                        end = chunk.find(b"\r\n\r\n")
                        if end >= 0:
                            state["body"] = 0
                            head, chunk = chunk[: end + 4], chunk[end + 4 :]
                            writer.write(head)
                        else:
                            writer.write(chunk)
                            chunk = b""
                    if state["body"] >= 0:
                        room = rule.after_bytes - state["body"]
                        writer.write(chunk[:room])
                        state["body"] += min(room, len(chunk))
                        chunk = chunk[room:]
                        if state["body"] >= rule.after_bytes:
                            await writer.drain()
                            if rule.mode == "drop":
                                writer.transport.abort()
                                return
                            self._count(1)
                            try:
                                await self._release.wait()
                            finally:
                                self._count(-1)
                if chunk and self._rewrite:
                    chunk = chunk.replace(*self._rewrite)
                if chunk:
                    writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()
