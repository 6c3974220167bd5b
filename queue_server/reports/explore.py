"""``python -m queue_server explore``: Datasette on the hall's database, read-only, behind a
password, for managers who want to ask their own questions.

The file is served immutable (``datasette serve -i``: opened read-only, never written, no
write API in Datasette 0.65), the whole-file download is off, and every request needs the
manager's password (datasette-auth-passwords, HTTP basic auth; user ``manager``). The password
is never on the command line or in a file: its hash is read from the environment variable
``HALL_EXPLORE_PASSWORD_HASH`` (make one with ``--hash-password``). Datasette is an optional
extra: ``pip install -e '.[explore]'``.
"""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import os
import sys
from pathlib import Path

from .texts import Message

__all__ = ["METADATA", "PASSWORD_ENV", "USER", "datasette_command", "explore"]

PASSWORD_ENV = "HALL_EXPLORE_PASSWORD_HASH"
USER = "manager"
METADATA = Path(__file__).with_name("explore.json")


def datasette_command(db: str, host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(db),
        "--metadata",
        str(METADATA),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "allow_download",
        "off",
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]


def explore(args: argparse.Namespace) -> int:
    from .cli import Refusal

    missing = [
        name
        for name in ("datasette", "datasette_auth_passwords")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise Refusal(
            Message(
                "未安装 Datasette：请运行 pip install -e '.[explore]'",
                "Datasette is not installed: pip install -e '.[explore]'",
            )
        )
    if args.hash_password:
        from datasette_auth_passwords.utils import hash_password

        password = getpass.getpass("密码 / password: ")
        if not password or password != getpass.getpass("再输入一次 / again: "):
            raise Refusal(
                Message("两次输入的密码不一致或为空", "the passwords differ or are empty")
            )
        sys.stdout.write(f"export {PASSWORD_ENV}='{hash_password(password)}'\n")
        return 0
    if not os.environ.get(PASSWORD_ENV):
        raise Refusal(
            Message(
                f"未设置管理员密码：请设置环境变量 {PASSWORD_ENV}（用 --hash-password 生成）",
                f"no manager password: set {PASSWORD_ENV} (make one with --hash-password)",
            )
        )
    if not Path(args.db).is_file():
        raise Refusal(Message(f"数据库文件不存在：{args.db}", f"no such database file: {args.db}"))
    command = datasette_command(args.db, args.host, args.port)
    where = (
        f"http://{args.host}:{args.port}/" if args.port else f"{args.host}, 端口见下 / port below"
    )
    sys.stderr.write(f"Datasette (只读 / read-only) {where} 用户 / user: {USER}\n")
    sys.stderr.flush()
    os.execv(command[0], command)  # Datasette takes over this process (signals, exit status)
    return 0  # not reached
