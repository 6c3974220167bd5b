#!/usr/bin/env bash
# Set everything up and run the demo hall: the queue server on its embedded SQLite with the demo
# configuration and, when a screen is available, a kiosk (with a fake printer), the clerk
# app of window 1, a hall board and the manager's wall (windowed, beside them). It checks that each part really runs: the server answers /health, and each
# app's window is mapped on the X display; if one does not come up it says which, shows the end
# of its log and exits non-zero. Ctrl-C (or SIGTERM) stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
usage: bash scripts/demo.sh [options]

  --host ADDR     address the server listens on (default 127.0.0.1: this machine only);
                  for a hall LAN use 0.0.0.0 or the server's LAN address
  --port N        the server's port (default 8765; 0 picks a free one)
  --config FILE   the hall's TOML file (default config/demo-hall.toml)
  --db FILE       the SQLite file (default var/demo-hall.sqlite)
  --logs DIR      where the server's and the apps' logs go (default var/log)
  --windowed      the kiosk in a window instead of full screen
  --no-apps       only the server, even when a screen is available
  --wait SECONDS  how long each part may take to come up (default 60)
  -h, --help      this text

The environment variables HALL_HOST, HALL_PORT, HALL_CONFIG and HALL_DB give the defaults.
EOF
}

HOST=${HALL_HOST:-127.0.0.1}
PORT=${HALL_PORT:-8765}
CONFIG=${HALL_CONFIG:-config/demo-hall.toml}
DB=${HALL_DB:-var/demo-hall.sqlite}
LOGS=var/log
KIOSK_FLAGS=()
APPS=1
WAIT=60

need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ]; then
    echo "demo: $1 needs a value (see --help)" >&2
    exit 2
  fi
}
while [ "$#" -gt 0 ]; do
  case "$1" in
    --host) need_value "$@"; HOST=$2; shift 2 ;;
    --port) need_value "$@"; PORT=$2; shift 2 ;;
    --config) need_value "$@"; CONFIG=$2; shift 2 ;;
    --db) need_value "$@"; DB=$2; shift 2 ;;
    --logs) need_value "$@"; LOGS=$2; shift 2 ;;
    --wait) need_value "$@"; WAIT=$2; shift 2 ;;
    --windowed) KIOSK_FLAGS=(--windowed); shift ;;
    --no-apps) APPS=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo: unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "demo: --port must be a number: $PORT" >&2; exit 2; }
[[ "$WAIT" =~ ^[0-9]+$ ]] || { echo "demo: --wait must be whole seconds: $WAIT" >&2; exit 2; }

bash scripts/setup.sh
PY=.venv/bin/python

# -- children: started in the background, all stopped when the demo ends ---------------------
pids=()
names=()
stopping=0
cleanup() {
  [ "$stopping" -eq 1 ] && return
  stopping=1
  local p i
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  # Each part stops cleanly on SIGTERM; one that is still there after 10 s is killed.
  for ((i = 0; i < 100; i++)); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'echo "hall: stopping"; cleanup; exit 130' INT
trap 'echo "hall: stopping"; cleanup; exit 143' TERM

show_log() {  # name, log file
  echo "---- last lines of $2 ($1) ----" >&2
  tail -n 30 "$2" >&2 || true
  echo "----" >&2
}
report() {  # name, log file, message
  echo "hall: FAILED: $3" >&2
  show_log "$1" "$2"
}
fail() {  # name, log file, message
  report "$@"
  exit 1
}

mkdir -p "$LOGS" "$(dirname "$DB")"
SERVER_LOG=$LOGS/demo-server.log
KIOSK_LOG=$LOGS/demo-kiosk.log
CLERK_LOG=$LOGS/demo-clerk.log
BOARD_LOG=$LOGS/demo-board.log
WALL_LOG=$LOGS/demo-wall.log

# -- the server ---------------------------------------------------------------------------------
fifo=$(mktemp -u "${TMPDIR:-/tmp}/hall-server.XXXXXX")
mkfifo "$fifo"
"$PY" -m queue_server --config "$CONFIG" --db "$DB" --host "$HOST" --port "$PORT" \
  >"$fifo" 2>"$SERVER_LOG" &
pids+=($!)
names+=(server)
server_pid=$!
exec 3<"$fifo"
rm -f "$fifo"
# The server prints one line on stdout when it listens: "listening on ws://HOST:PORT/ws".
line=""
read_status=0
read -r -t "$WAIT" line <&3 || read_status=$?
if [ "$read_status" -gt 128 ]; then
  fail server "$SERVER_LOG" "the server did not start listening within ${WAIT}s"
elif [ "$read_status" -ne 0 ] || [[ "$line" != listening* ]]; then
  fail server "$SERVER_LOG" "the server exited before listening on $HOST:$PORT"
fi
PORT=${line##*:}
PORT=${PORT%%/*}
# Clients on this machine reach a server listening on every interface through loopback.
case "$HOST" in
  0.0.0.0 | "" | "::") CLIENT_HOST=127.0.0.1 ;;
  *:*) CLIENT_HOST="[$HOST]" ;;
  *) CLIENT_HOST=$HOST ;;
esac
URL="ws://$CLIENT_HOST:$PORT/ws"
HEALTH="http://$CLIENT_HOST:$PORT/health"

health_ok() {
  "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()' \
    "$HEALTH" 2>/dev/null
}
deadline=$((SECONDS + WAIT))
until health_ok; do
  kill -0 "$server_pid" 2>/dev/null || fail server "$SERVER_LOG" "the server exited"
  [ "$SECONDS" -lt "$deadline" ] \
    || fail server "$SERVER_LOG" "the server did not answer $HEALTH within ${WAIT}s"
  sleep 0.2
done
echo "hall: server up on $URL (listening on $HOST, pid $server_pid, health: $HEALTH," \
  "log: $SERVER_LOG)"

# Device tokens and a demo login, read from the configuration.
eval "$("$PY" - "$CONFIG" <<'PYEOF'
import re, shlex, sys
from queue_server.config import load_hall
path = sys.argv[1]
hall = load_hall(path)
kiosk = next(d for d in hall.devices if d.role.value == "kiosk")
clerk = next(d for d in hall.devices if d.role.value == "clerk" and d.window == hall.windows[0].number)
board = next(d for d in hall.devices if d.role.value == "display")
manager = next(d for d in hall.devices if d.role.value == "manager")
text = open(path, encoding="utf-8").read()
m = re.search(r'id = "([^"]+)"\s*\nname = "[^"]*"\s*\npin_hash = "[^"]*"\s*# PIN (\d+)', text)
staff, pin = (m.group(1), m.group(2)) if m else ("", "")
# The first staff member with the manager role whose PIN the demo file gives in a comment.
boss = next((s.id for s in hall.staff if s.is_manager), "")
mm = re.search(r'id = "' + re.escape(boss) + r'"\s*\nname = "[^"]*"\s*\npin_hash = "[^"]*"\s*# PIN (\d+)', text) if boss else None
boss_pin = mm.group(1) if mm else ""
for k, v in dict(KIOSK=kiosk.id, KIOSK_TOKEN=kiosk.token, CLERK=clerk.id, CLERK_TOKEN=clerk.token,
                 WINDOW=str(clerk.window), STAFF=staff, PIN=pin, BOARD=board.id,
                 BOARD_TOKEN=board.token, WALL=manager.id, WALL_TOKEN=manager.token,
                 BOSS=boss if boss_pin else "", BOSS_PIN=boss_pin).items():
    print(f"{k}={shlex.quote(v)}")
PYEOF
)"

# -- the apps -----------------------------------------------------------------------------------
# On an X display (XWayland included) the apps run on X, so that their windows can be checked.
CHECK_WINDOWS=0
if [ -n "${DISPLAY:-}" ] && command -v xdotool >/dev/null 2>&1; then
  CHECK_WINDOWS=1
  export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-xcb}
fi

# Wait until the app's process has a mapped window; report it (status 1) if it exits first or
# takes too long.
wait_window() {  # name, pid, log file
  local name=$1 pid=$2 log=$3 win="" title
  local deadline=$((SECONDS + WAIT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      report "$name" "$log" "the $name exited before showing its window"
      return 1
    fi
    if [ "$CHECK_WINDOWS" -eq 1 ]; then
      win=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | head -n 1 || true)
      if [ -n "$win" ]; then
        title=$(xdotool getwindowname "$win" 2>/dev/null || true)
        echo "hall: $name window up: \"$title\" (X window $win, pid $pid, log: $log)"
        return 0
      fi
    elif [ "$SECONDS" -ge "$deadline" ]; then
      # Without xdotool or X, the best that can be said is that the process stays up.
      echo "hall: $name running (pid $pid; its window was not checked: no X display or" \
        "no xdotool; log: $log)"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      report "$name" "$log" "the $name's window did not appear within ${WAIT}s"
      return 1
    fi
    sleep 0.2
  done
}

if [ "$APPS" -eq 1 ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  [ "$CHECK_WINDOWS" -eq 1 ] || WAIT=$((WAIT < 5 ? WAIT : 5))
  "$PY" -m kiosk --server "$URL" --device "$KIOSK" --token "$KIOSK_TOKEN" --printer fake \
    "${KIOSK_FLAGS[@]}" >"$KIOSK_LOG" 2>&1 3<&- &
  pids+=($!)
  names+=(kiosk)
  kiosk_pid=$!
  HALL_TOKEN=$CLERK_TOKEN "$PY" -m clerk --server "$URL" --window "$WINDOW" --device "$CLERK" \
    >"$CLERK_LOG" 2>&1 3<&- &
  pids+=($!)
  names+=("clerk app")
  clerk_pid=$!
  HALL_TOKEN=$BOARD_TOKEN "$PY" -m display --server "$URL" --device "$BOARD" --windowed \
    >"$BOARD_LOG" 2>&1 3<&- &
  pids+=($!)
  names+=("hall board")
  board_pid=$!
  HALL_TOKEN=$WALL_TOKEN "$PY" -m wall --server "$URL" --device "$WALL" --windowed \
    >"$WALL_LOG" 2>&1 3<&- &
  pids+=($!)
  names+=("manager's wall")
  wall_pid=$!
  failed=0
  wait_window kiosk "$kiosk_pid" "$KIOSK_LOG" || failed=1
  wait_window "clerk app" "$clerk_pid" "$CLERK_LOG" || failed=1
  wait_window "hall board" "$board_pid" "$BOARD_LOG" || failed=1
  wait_window "manager's wall" "$wall_pid" "$WALL_LOG" || failed=1
  [ "$failed" -eq 0 ] || exit 1
  echo "hall: kiosk ($KIOSK, fake printer), clerk app (window $WINDOW), hall board" \
    "($BOARD) and manager's wall ($WALL) are up"
else
  [ "$APPS" -eq 1 ] && echo "hall: no screen here, so only the server runs."
  echo "hall: to run the apps (on this or another machine of the LAN):"
  echo "  $PY -m kiosk --server $URL --device $KIOSK --token $KIOSK_TOKEN --printer fake"
  echo "  HALL_TOKEN=$CLERK_TOKEN $PY -m clerk --server $URL --window $WINDOW --device $CLERK"
  echo "  HALL_TOKEN=$BOARD_TOKEN $PY -m display --server $URL --device $BOARD"
  echo "  HALL_TOKEN=$WALL_TOKEN $PY -m wall --server $URL --device $WALL"
fi
if [ -n "$STAFF" ]; then
  echo "hall: demo clerk login: staff $STAFF, PIN $PIN (see the comments in $CONFIG)"
fi
if [ -n "$BOSS" ]; then
  echo "hall: demo manager login on the wall: staff $BOSS, PIN $BOSS_PIN"
fi
echo "hall: ready; press Ctrl-C to stop"

# Run until a part ends (or a signal arrives); then say which and stop the rest.
status=0
ended=""
wait -n -p ended "${pids[@]}" || status=$?
for i in "${!pids[@]}"; do
  if [ "${pids[$i]}" = "$ended" ]; then
    echo "hall: the ${names[$i]} ended (exit status $status); stopping the demo" >&2
    case "${names[$i]}" in
      server) show_log server "$SERVER_LOG" ;;
      kiosk) show_log kiosk "$KIOSK_LOG" ;;
      "hall board") show_log "hall board" "$BOARD_LOG" ;;
      "manager's wall") show_log "manager's wall" "$WALL_LOG" ;;
      *) show_log "${names[$i]}" "$CLERK_LOG" ;;
    esac
  fi
done
cleanup
exit $((status == 0 ? 1 : status))
