"""The hall's contract: every message between the queue server and its clients, typed once.

The server validates requests with these types and clients build their requests from them;
events and snapshot records are typed the same way for the clients that read them. Built on
msgspec: its tagged unions decode and validate a message in one pass in C (several times faster
than the hand-written checks it replaces, and than pydantic), its errors name the field
(``$.window``), it reads TOML into the same kind of types for the configuration, and it has no
dependencies of its own. Pure: no I/O, no asyncio, no Qt.
"""
