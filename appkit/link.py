"""The Qt apps' link to the queue server: an asyncio `HallClient` on a worker thread.

The app's own thread runs Qt's event loop; the network runs in one asyncio loop on a worker
thread and reaches the app only through Qt signals (queued to the app's thread). The link
reconnects by itself with backoff; while it is offline, `request` fails at once with
`offline` so the app can say so and send nothing.

The link keeps the hall's live model (`contract.hall.HallModel`) on the app's thread: each
welcome and event moves it, a gap in `seq` makes it fetch a snapshot, and `changed` tells the
app what changed. Apps observe the model instead of keeping their own copy of the hall.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

from contract.hall import HallModel
from queue_server.client import HallClient, NotConnected
from queue_server.client import ServerError as ServerError  # for the apps, which import no server

log = logging.getLogger(__name__)

Reply = dict[str, Any]
Callback = Callable[[Reply | None, ServerError | None], None]

OFFLINE = {
    "type": "error",
    "code": "offline",
    "message": "未连接到服务器",
    "message_en": "not connected to the server",
}


class ServerLink(QObject):
    """Signals: `online(bool)`, `welcomed(dict)` (after each (re)connect), `pushed(dict)`,
    `changed(Change)` (the live model moved: what changed)."""

    online = Signal(bool)
    welcomed = Signal(dict)
    pushed = Signal(dict)  # an event the server pushed
    changed = Signal(object)  # a contract.hall.Change, after the model applied it
    _deliver = Signal(object, object, object)  # callback, reply, error -> app thread

    def __init__(
        self, url: str, role: str, device: str, token: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.client = HallClient(url, role, device, token)
        self.is_online = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._deliver.connect(self._on_deliver)
        self.model = HallModel(on_resync=self._resync)
        self.model.observe(self.changed.emit)
        # The model is fed on the app's thread, before the app's own slots see the message.
        self.welcomed.connect(self._model_welcome)
        self.pushed.connect(self._model_event)

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="server-link", daemon=True)
        self._thread.start()
        self._started.wait(5)

    def stop(self, timeout: float = 5) -> None:
        """Close the connection and end the worker thread (call before the app quits)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.client.close(), loop).result(timeout)
        thread.join(timeout)
        self._loop = self._thread = None

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._started.set()
        try:
            loop.run_until_complete(self._main())
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _main(self) -> None:
        pump = asyncio.get_running_loop().create_task(self._pump_events())
        try:
            await self.client.run_forever(on_state=self._on_state)
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)

    async def _on_state(self, online: bool) -> None:
        self.is_online = online
        if online and self.client.welcome is not None:
            self.welcomed.emit(self.client.welcome)
        self.online.emit(online)

    async def _pump_events(self) -> None:
        while True:
            self.pushed.emit(await self.client.events.get())

    # -- requests ------------------------------------------------------------------------

    def request(self, kind: str, callback: Callback | None = None, **fields: Any) -> None:
        """Send a request; `callback(reply, error)` runs later on the app's thread."""
        loop = self._loop
        if loop is None or not self.is_online:
            if callback is not None:
                self._deliver.emit(callback, None, ServerError(dict(OFFLINE)))
            return
        future = asyncio.run_coroutine_threadsafe(self.client.request(kind, **fields), loop)
        future.add_done_callback(lambda f: self._done(f, callback))

    def _done(self, future: Future[Reply], callback: Callback | None) -> None:
        if callback is None:
            return
        try:
            self._deliver.emit(callback, future.result(), None)
        except ServerError as exc:
            self._deliver.emit(callback, None, exc)
        except (NotConnected, OSError, TimeoutError):
            self._deliver.emit(callback, None, ServerError(dict(OFFLINE)))

    def _on_deliver(
        self, callback: Callback, reply: Reply | None, error: ServerError | None
    ) -> None:
        callback(reply, error)

    # -- the live model ----------------------------------------------------------------------

    def _model_welcome(self, welcome: Reply) -> None:
        try:
            self.model.apply_welcome(welcome)
        except Exception as exc:  # noqa: BLE001 - a server bug, not the network: say so, go on
            log.error("the server's welcome does not read as the contract's: %s", exc)

    def _model_event(self, event: Reply) -> None:
        self.model.apply_event(event)

    def _resync(self, last_seq: int) -> None:
        """The model lost an event: fetch the hall's state again."""

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if reply is not None:
                self.model.apply_snapshot(reply)

        self.request("snapshot", done)
