"""The bus bridge: caller keypads, evaluators and window boards on a serial bus <-> the server.

Run it as ``python -m drivers.bridge --config config/demo-bridge.toml``. `config` reads and
checks its TOML file, `line` keeps the serial port open in a reader thread, `windows` keeps
what the server says of each window, `numbers` turns ticket numbers into digits for digit
displays (A001 -> 1001), `signin` follows a clerk signing in on a keypad, and
`bridge.Bridge` joins them in one asyncio loop.
"""

from .bridge import Bridge
from .config import BridgeConfig, BridgeConfigError, load_bridge_config, parse_bridge_config
from .line import BusLine, LineState

__all__ = [
    "Bridge",
    "BridgeConfig",
    "BridgeConfigError",
    "BusLine",
    "LineState",
    "load_bridge_config",
    "parse_bridge_config",
]
