#!/usr/bin/env bash
# Back up the hall's SQLite database, safely while the queue server is running.
#
#   bash scripts/backup.sh DB DEST_DIR [--keep-days N]
#
# Writes DEST_DIR/hall-YYYYmmdd-HHMMSS.sqlite with SQLite's online backup (a consistent copy of
# the last committed state, the WAL included; copying the file with cp is not safe while the
# server runs), checks the copy (PRAGMA integrity_check) and only then gives it its name. With
# --keep-days N, backups in DEST_DIR older than N days are deleted after a good backup.
# Prints the backup's path; exits non-zero, keeping nothing, if anything fails.
set -euo pipefail

usage() { sed -n '2,/^set /p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

args=()
KEEP_DAYS=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --keep-days)
      [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "backup: --keep-days needs a number" >&2; exit 2; }
      KEEP_DAYS=$2
      shift 2
      ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "backup: unknown option: $1" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ "${#args[@]}" -ne 2 ]; then
  usage >&2
  exit 2
fi
DB=${args[0]}
DEST=${args[1]}
[ -f "$DB" ] || { echo "backup: no database at $DB" >&2; exit 1; }
mkdir -p "$DEST"

PY=python3
here=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$here/.venv/bin/python" ] && PY=$here/.venv/bin/python

target="$DEST/hall-$(date +%Y%m%d-%H%M%S).sqlite"
n=1
while [ -e "$target" ]; do  # two backups within one second
  target="$DEST/hall-$(date +%Y%m%d-%H%M%S)-$n.sqlite"
  n=$((n + 1))
done
partial="$target.partial"
trap 'rm -f "$partial" "$partial-journal" "$partial-wal" "$partial-shm"' EXIT

"$PY" - "$DB" "$partial" <<'PYEOF'
import sqlite3
import sys

source_path, target_path = sys.argv[1], sys.argv[2]
# Read-only: a wrong path is an error, never a new empty database.
source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
target = sqlite3.connect(target_path)
try:
    source.backup(target)  # all pages in one step: one consistent snapshot
    # A single file, whatever the source's journal mode: nothing else to copy along.
    target.execute("PRAGMA journal_mode=DELETE")
    result = target.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        sys.exit(f"backup: integrity check of the copy failed: {result[:5]}")
finally:
    target.close()
    source.close()
PYEOF
mv "$partial" "$target"
echo "$target"

if [ -n "$KEEP_DAYS" ]; then
  find "$DEST" -maxdepth 1 -type f -name 'hall-*.sqlite' -mtime "+$KEEP_DAYS" -print -delete \
    | sed 's/^/backup: deleted old backup /' >&2
fi
