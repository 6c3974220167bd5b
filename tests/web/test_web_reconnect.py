"""The board and the phone page ride out a server restart: stale while it is down, live again
with the current state once it is back on the same port."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webkit import BOARD_SIZE, PHONE_SIZE, HallThread, screenshot


def test_the_pages_show_the_server_gone_and_come_back_by_themselves(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    one = hall.clerk(1)
    first = hall.take("SB")
    ticket = hall.take("SB")
    hall.request(one, "call_next", window=1)
    board = open_page("/board", **BOARD_SIZE)
    phone = open_page("/t/" + str(ticket["token"]), **PHONE_SIZE)
    board.wait_for_function("() => document.body.className === ''")
    phone.wait_for_function("() => document.querySelector('#status').innerText.includes('实时')")
    assert board.inner_text("#calls .call.newest .number") == first["number"]

    hall.stop()
    board.wait_for_selector("body.stale #banner")
    banner = board.inner_text("#banner")
    assert (
        banner.startswith("与服务器的连接已断开 · 最后更新 ")
        and "Connection to the server lost" in banner
    )
    assert (
        board.inner_text("#calls .call.newest .number") == first["number"]
    )  # the last state stays
    phone.wait_for_function(
        "() => document.querySelector('#status').innerText.includes('正在重新连接')"
    )
    screenshot(board, "board-stale-1920x1080")

    # Back on the same port with the same file; meanwhile the hall moved on.
    hall.start()
    one = hall.clerk(1)
    hall.request(one, "finish", window=1)
    hall.request(one, "call_next", window=1)
    board.wait_for_function("() => document.body.className === ''", timeout=20_000)
    board.wait_for_function(
        "n => document.querySelector('#calls .call.newest .number').firstChild.textContent === n",
        arg=ticket["number"],
    )
    phone.wait_for_function(
        "() => document.querySelector('#detail').innerText.includes('请到 1 号窗口办理')",
        timeout=20_000,
    )
    assert board.is_hidden("#banner")


def test_a_board_that_missed_an_event_reconnects_for_a_fresh_snapshot(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    one = hall.clerk(1)
    first = hall.take("SB")
    connections: list[Any] = []
    dropped: list[str] = []

    def route(ws: Any) -> None:
        server = ws.connect_to_server()
        first_connection = not connections
        connections.append(ws)

        def to_page(message: str | bytes) -> None:
            if first_connection and not dropped and '"kind":"ticket_called"' in str(message):
                dropped.append(str(message))  # lost on the way: the board sees a gap next
                return
            ws.send(message)

        server.on_message(to_page)

    board = open_page("/board", **BOARD_SIZE)
    board.route_web_socket("**/ws", route)
    board.reload()
    board.wait_for_function("() => document.body.className === ''")
    hall.request(one, "call_next", window=1)  # this event is lost …
    hall.take("SB")  # … and the next one shows the gap
    board.wait_for_function(
        "n => { const top = document.querySelector('#calls .call.newest .number');"
        " return top !== null && top.firstChild.textContent === n; }",
        arg=first["number"],
    )
    assert dropped and len(connections) == 2
    assert board.inner_text("#waiting [data-service=SB] .count") == "1 人"
