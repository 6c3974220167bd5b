"""Errors of the window display drivers.

    DisplayError
     └── OnbonFrameError   bytes that are not a well-formed Onbon BX packet (ValueError too)

Errors of the line itself are the bus port's (`drivers.bus.BusError`).
"""

from __future__ import annotations


class DisplayError(Exception):
    """Base of the display drivers' errors."""


class OnbonFrameError(DisplayError, ValueError):
    """A packet failed to parse: preamble, escape, length or CRC."""
