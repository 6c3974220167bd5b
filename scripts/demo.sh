#!/usr/bin/env bash
# Set everything up and run the demo hall: the queue server on its embedded SQLite with the demo
# configuration and, when a screen is available, a kiosk (with a fake printer) and the clerk
# app of window 1. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

PORT=${HALL_PORT:-8765}
CONFIG=${HALL_CONFIG:-config/demo-hall.toml}
DB=${HALL_DB:-var/demo-hall.sqlite}
PY=.venv/bin/python

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

mkdir -p var
fifo=$(mktemp -u "${TMPDIR:-/tmp}/hall-server.XXXXXX")
mkfifo "$fifo"
"$PY" -m queue_server --config "$CONFIG" --db "$DB" --port "$PORT" > "$fifo" &
pids+=($!)
exec 3<"$fifo"
rm -f "$fifo"
# The server prints one line on stdout when it listens (its log goes to stderr).
if ! read -r -t 60 line <&3 || [[ "$line" != listening* ]]; then
  echo "the server did not start; see the messages above" >&2
  exit 1
fi
URL="ws://127.0.0.1:$PORT/ws"
echo "hall: server listening on $URL (health: http://127.0.0.1:$PORT/health)"

# Device tokens and a demo login, read from the configuration.
eval "$("$PY" - "$CONFIG" <<'PYEOF'
import re, shlex, sys
from queue_server.config import load_hall
path = sys.argv[1]
hall = load_hall(path)
kiosk = next(d for d in hall.devices if d.role.value == "kiosk")
clerk = next(d for d in hall.devices if d.role.value == "clerk" and d.window == hall.windows[0].number)
text = open(path, encoding="utf-8").read()
m = re.search(r'id = "([^"]+)"\s*\nname = "[^"]*"\s*\npin_hash = "[^"]*"\s*# PIN (\d+)', text)
staff, pin = (m.group(1), m.group(2)) if m else ("", "")
for k, v in dict(KIOSK=kiosk.id, KIOSK_TOKEN=kiosk.token, CLERK=clerk.id, CLERK_TOKEN=clerk.token,
                 WINDOW=str(clerk.window), STAFF=staff, PIN=pin).items():
    print(f"{k}={shlex.quote(v)}")
PYEOF
)"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$PY" -m kiosk --server "$URL" --device "$KIOSK" --token "$KIOSK_TOKEN" --printer fake &
  pids+=($!)
  "$PY" -m clerk --server "$URL" --window "$WINDOW" --device "$CLERK" --token "$CLERK_TOKEN" &
  pids+=($!)
  echo "hall: kiosk ($KIOSK, fake printer) and clerk app (window $WINDOW) started"
else
  echo "hall: no screen here, so only the server runs. On a machine with a screen:"
  echo "  $PY -m kiosk --server $URL --device $KIOSK --token $KIOSK_TOKEN --printer fake"
  echo "  $PY -m clerk --server $URL --window $WINDOW --device $CLERK --token $CLERK_TOKEN"
fi
[ -n "$STAFF" ] && echo "hall: demo clerk login: staff $STAFF, PIN $PIN (see the comments in $CONFIG)"
echo "hall: press Ctrl-C to stop"
wait "${pids[0]}"
