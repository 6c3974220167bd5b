"""An asyncio client of the hall protocol, for the apps, the bus bridge, tests and benchmarks.

`HallClient` holds one connection: `connect()` says hello and returns the welcome; `request()`
sends a request and awaits its reply (an error reply raises `ServerError`); events land in
`events` and move `last_seq`, so a reconnect resumes where the client left off.
`run_forever()` keeps it connected with exponential backoff, for long-lived processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

log = logging.getLogger(__name__)


class ServerError(Exception):
    """A refusal by the server: a stable `code`, `message` in Chinese, `message_en` in English."""

    def __init__(self, reply: dict[str, Any]) -> None:
        self.reply = reply
        self.code: str = reply.get("code", "unknown")
        self.message: str = reply.get("message", "")
        self.message_en: str = reply.get("message_en", "")
        super().__init__(f"{self.code}: {self.message_en or self.message}")


class NotConnected(Exception):
    """There is no connection to the server right now."""


class HallClient:
    def __init__(
        self, url: str, role: str, device: str, token: str, last_seq: int | None = None
    ) -> None:
        self.url, self.role, self.device, self.token = url, role, device, token
        self.last_seq = last_seq
        self.welcome: dict[str, Any] | None = None
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._ws: ClientConnection | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._closed = False
        self._closing: asyncio.Event | None = None  # set by close(); ends a backoff at once

    @property
    def connected(self) -> bool:
        return self._ws is not None and self.welcome is not None

    async def connect(self, open_timeout: float = 5) -> dict[str, Any]:
        """Open the connection and say hello; the welcome (with its snapshot) is returned."""
        self._ws = await connect(
            self.url, open_timeout=open_timeout, compression=None, max_size=64 * 1024 * 1024
        )
        self._reader = asyncio.get_running_loop().create_task(self._read(self._ws))
        hello: dict[str, Any] = {"role": self.role, "device": self.device, "token": self.token}
        if self.last_seq is not None:
            hello["last_seq"] = self.last_seq
        try:
            self.welcome = await self._request(self._ws, "hello", hello)
        except BaseException:
            await self._drop()
            raise
        return self.welcome

    async def request(self, kind: str, timeout: float = 10, **fields: Any) -> dict[str, Any]:
        if self._ws is None:
            raise NotConnected(self.url)
        return await asyncio.wait_for(self._request(self._ws, kind, fields), timeout)

    async def send_raw(self, text: str | bytes) -> None:
        """Send bytes as they are (tests of bad input)."""
        if self._ws is None:
            raise NotConnected(self.url)
        await self._ws.send(text)

    async def next_event(self, kind: str | None = None, timeout: float = 5) -> dict[str, Any]:
        """The next event (of `kind`, skipping others), waiting at most `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                event = await self.events.get()
                if kind is None or event.get("kind") == kind:
                    return event

    async def close(self) -> None:
        self._closed = True
        if self._closing is not None:
            self._closing.set()
        await self._drop()

    async def run_forever(
        self,
        on_state: Callable[[bool], Awaitable[None] | None] | None = None,
        max_backoff: float = 10,
        first_backoff: float = 0.2,
    ) -> None:
        """Stay connected: reconnect with exponential backoff and jitter after any loss."""
        delay = first_backoff
        self._closing = asyncio.Event()
        while not self._closed:
            try:
                await self.connect()
                delay = first_backoff
                await _call(on_state, True)
                assert self._reader is not None
                await asyncio.shield(self._reader)
            except ServerError as exc:
                if exc.code == "bad_token":
                    log.error("the server refuses this device (%s): check its id and token", exc)
                else:
                    log.warning("the server refused the hello: %s", exc)
            except (OSError, ConnectionClosed, TimeoutError, NotConnected) as exc:
                log.info("connection to %s lost or refused: %s", self.url, exc)
            finally:
                was = self.welcome is not None
                await self._drop()
                if was:
                    await _call(on_state, False)
            if self._closed:
                break
            with contextlib.suppress(TimeoutError):  # back off, unless close() comes first
                await asyncio.wait_for(self._closing.wait(), delay * (0.8 + 0.4 * random.random()))
            delay = min(max_backoff, delay * 2)

    # -- inside ----------------------------------------------------------------------------

    async def _request(
        self, ws: ClientConnection, kind: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        re = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[re] = future
        try:
            try:
                await ws.send(json.dumps({"type": kind, "id": re, **fields}, ensure_ascii=False))
            except ConnectionClosed as exc:
                raise NotConnected(self.url) from exc
            reply = await future
        finally:
            self._waiting.pop(re, None)
        if reply.get("type") == "error":
            raise ServerError(reply)
        return reply

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                try:
                    message = json.loads(raw)
                    if not isinstance(message, dict):
                        raise ValueError("not an object")
                except ValueError as exc:
                    log.warning("skipped a malformed message from the server: %s", exc)
                    continue
                if message.get("type") == "event":
                    if not isinstance(message.get("seq"), int):
                        log.warning("skipped an event without seq: %.200s", raw)
                        continue
                    self.last_seq = message["seq"]
                    self.events.put_nowait(message)
                    continue
                if message.get("type") == "welcome" and not message.get("replay"):
                    # Here, in message order: events right behind the welcome move it on.
                    self.last_seq = message.get("seq", self.last_seq)
                future = self._waiting.get(message.get("re"))
                if future is not None and not future.done():
                    future.set_result(message)
                elif message.get("type") == "error":
                    log.warning("server error: %s", message)
        except ConnectionClosed:
            pass
        finally:
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(NotConnected(self.url))

    async def _drop(self) -> None:
        ws, self._ws, self.welcome = self._ws, None, None
        if ws is not None:
            await ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None


async def _call(callback: Callable[[bool], Awaitable[None] | None] | None, value: bool) -> None:
    if callback is not None:
        result = callback(value)
        if result is not None:
            await result
