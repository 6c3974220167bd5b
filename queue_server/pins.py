"""Staff PIN hashing: the hall configuration stores only scrypt hashes, never PINs.

Format: ``scrypt$<salt hex>$<hash hex>`` with scrypt n=2**14, r=8, p=1, 32-byte key.
Run ``python -m queue_server.pins`` to hash a PIN for the ``pin_hash`` field of a staff entry.
"""

from __future__ import annotations

import ctypes
import getpass
import hashlib
import hmac
import re
import secrets
import sys
from collections.abc import Callable

SCHEME = "scrypt"
SALT_BYTES = 16
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32
_STORED = re.compile(r"scrypt\$((?:[0-9a-f]{2}){8,64})\$([0-9a-f]{64})")
_CLI_PIN = re.compile(r"[0-9]{4,12}")


def _derive(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Hash a PIN with a fresh random salt (or the given one) as ``scrypt$<salt>$<hash>``."""
    if not pin:
        raise ValueError("PIN must not be empty")
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}${salt.hex()}${_derive(pin, salt).hex()}"


def is_pin_hash(stored: str) -> bool:
    """Whether ``stored`` is a well-formed ``scrypt$<salt hex>$<hash hex>`` line."""
    return _STORED.fullmatch(stored) is not None


def verify_pin(pin: str, stored: str) -> bool:
    """Check a PIN against a stored hash in constant time; a malformed hash never matches."""
    match = _STORED.fullmatch(stored)
    if match is None or not pin:
        return False
    salt, expected = bytes.fromhex(match[1]), bytes.fromhex(match[2])
    try:
        return hmac.compare_digest(_derive(pin, salt), expected)
    finally:
        _give_back_memory()


def _load_trim() -> Callable[[], None]:
    """Make scrypt's 16 MiB go back to the system after each check (glibc).

    glibc serves a block this large with mmap and unmaps it when freed, but then raises its
    mmap threshold past 16 MiB, so the next check's block would stay in the heap for good.
    Fixing the threshold (M_MMAP_THRESHOLD) keeps every check's block mapped and given back;
    malloc_trim returns what the heap still holds.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim, mallopt = libc.malloc_trim, libc.mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune this way
        return lambda: None
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, 1 << 20)
    trim.argtypes = [ctypes.c_size_t]

    def give_back() -> None:
        trim(0)

    return give_back


_M_MMAP_THRESHOLD = -3  # glibc malloc.h
_give_back_memory = _load_trim()


def main(argv: list[str] | None = None) -> int:
    """Read a PIN (argument or prompt) and print the ``pin_hash`` line for the config file."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print("用法 / usage: python -m queue_server.pins [PIN]")
        print("输出一行 pin_hash，粘贴到配置文件的 [[staff]] 条目中。")
        print("Prints a pin_hash line to paste into a [[staff]] entry of the hall config.")
        return 0
    if len(args) > 1:
        print("用法 / usage: python -m queue_server.pins [PIN]", file=sys.stderr)
        return 2
    if args:
        pin = args[0]
    else:
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("再次输入 / again: ") != pin:
            print("两次输入的 PIN 不一致 / the PINs differ", file=sys.stderr)
            return 1
    if _CLI_PIN.fullmatch(pin) is None:
        print("PIN 须为 4–12 位数字 / a PIN is 4–12 digits", file=sys.stderr)
        return 1
    print(f'pin_hash = "{hash_pin(pin)}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
