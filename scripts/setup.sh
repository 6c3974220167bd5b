#!/usr/bin/env bash
# Prepare a fresh Debian machine for the hall: system packages (CJK font, Qt runtime and X11
# libraries, espeak-ng, test tools), a virtual environment in .venv and the project installed
# into it with its extras.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # the virtual environment (a fresh Debian has python3 without venv/ensurepip)
  python3-venv
  # fonts, Qt's runtime libraries and the voice
  fonts-wqy-microhei fontconfig libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
  libglib2.0-0 espeak-ng
  # what Qt's xcb platform plugin (libqxcb.so, libQt6XcbQpa) loads on a real X display; without
  # them the kiosk and the clerk app abort at start ("no Qt platform plugin could be initialized")
  libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
  libxcb-util1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
  # tests, the demo's checks and operations: a virtual X server, window lookup, screenshots,
  # the SQLite shell (backups), curl (/health)
  xvfb xdotool imagemagick sqlite3 curl
  # the PDF reports: Pango for WeasyPrint; pdftoppm and pdffonts to check them in tests
  libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
  # browser tests
  chromium chromium-driver
  # the voice: sox to inspect a recorded voice pack (soxi), a PulseAudio sound server (and its
  # null sink in the voice tests, which record what was played with parecord)
  sox pulseaudio pulseaudio-utils
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    # Package lists are refreshed only when something has to be installed.
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: warning: cannot install ${missing[*]} (not root, no sudo); the apps may not start on a screen and Chinese may render as boxes" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.hall-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing the project into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,dev]"
  touch "$stamp"
fi
