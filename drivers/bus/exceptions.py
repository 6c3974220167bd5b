"""Errors of the serial bus driver.

    BusError
     ├── PortClosedError   the port is not open (never opened, or closed)
     └── PortIOError       the OS or pyserial failed to open, read or write the port

Decoding never raises: bad bytes are counted in `FrameDecoder.errors` instead.
"""

from __future__ import annotations


class BusError(Exception):
    """Base of the bus driver's errors."""


class PortClosedError(BusError):
    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"bus port {url} is not open")


class PortIOError(BusError):
    def __init__(self, url: str, operation: str, reason: str) -> None:
        self.url = url
        self.operation = operation
        self.reason = reason
        super().__init__(f"bus port {url}: {operation} failed: {reason}")
