#!/usr/bin/env bash
# ntk-explainer: install what is missing, then run the explainer's command line (pipeline/cli.py).
#
#   ./render.sh            render every chapter and stitch the full video (media/ntk_explainer.mp4)
#   ./render.sh test       run the test suite
#   ./render.sh --help     every command and option (each command has its own --help)
#
# This script only sets up: Debian packages, the virtual environment .venv, reveal.js for slides.
# Then it hands over to `.venv/bin/python -m pipeline "$@"`.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
VENV="$ROOT/.venv"
# Everything here runs on the CPU; skip JAX's probing for accelerators.
export JAX_PLATFORMS="${JAX_PLATFORMS:-cpu}"

# Debian packages: headers to build pycairo/manimpango (no Linux wheels), LaTeX + dvisvgm for
# MathTex (article-class template, so texlive-latex-extra is not needed), a font for Text.
BASE_PKGS=(libcairo2-dev libpango1.0-dev pkg-config texlive-latex-base dvisvgm fonts-dejavu-core)

log() { printf '%s\n' "$*" >&2; }

# A Python >= 3.11 (JAX and the settings files' tomllib need it): python3, or python3.1x on PATH.
pick_python() {
  local p
  for p in python3 python3.13 python3.12 python3.11; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$p"; return 0
    fi
  done
  local have
  have=$(python3 --version 2>&1 || echo "no python3")
  log "error: ntk-explainer needs Python 3.11 or newer; this machine has: $have"
  log "  On Ubuntu 22.04: sudo apt-get install python3.11 python3.11-venv python3.11-dev, then run ./render.sh again."
  exit 2
}

missing_apt() {  # the packages of "$@" (plus compilers/headers for the chosen Python) not installed
  local pkgs=("$@") p
  command -v cc >/dev/null 2>&1 || pkgs+=(gcc)
  local ver
  ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then pkgs+=("python$ver-venv"); fi
  if ! "$PY" -c 'import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' >/dev/null 2>&1; then
    pkgs+=("python$ver-dev")
  fi
  for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      printf '%s\n' "$p"
    fi
  done
}

ensure_apt() {  # ensure_apt PKG...: install the missing ones (root, or passwordless sudo)
  command -v dpkg-query >/dev/null 2>&1 || { log "note: not a Debian/Ubuntu system; install the equivalents of: $*"; return 0; }
  local missing
  mapfile -t missing < <(missing_apt "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  log "[setup] installing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      log "error: these Debian packages are missing and I cannot install them without root:"
      log "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      log "Run that, then run ./render.sh again."
      exit 2
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {  # ensure_venv [EXTRA...]: .venv with pip install -e '.[test,EXTRA...]'
  local extras="test${1:+,$1}" stamp="$VENV/.pyproject.sha256" want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1) $extras"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && grep -qxF "$want" "$stamp"; then
    return 0
  fi
  log "[setup] installing into .venv: pip install -e '.[$extras]' (a few minutes the first time)"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local logf="$VENV/install.log"
  if ! { "$VENV/bin/python" -m pip install -q --upgrade pip &&
         "$VENV/bin/python" -m pip install -q -e ".[$extras]"; } >"$logf" 2>&1; then
    tail -n 30 "$logf" >&2
    log "error: pip install failed; the whole log is in $logf"
    exit 1
  fi
  echo "$want" >> "$stamp"
}

REVEALJS_VERSION=6.0.1  # from the npm registry, served next to the HTML: no CDN at show time

ensure_revealjs() {
  [ -f "$ROOT/.cache/npm/node_modules/reveal.js/dist/reveal.js" ] && return 0
  command -v npm >/dev/null 2>&1 || ensure_apt nodejs npm
  log "[setup] installing reveal.js $REVEALJS_VERSION from the npm registry into .cache/npm"
  mkdir -p "$ROOT/.cache/npm"
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.cache/npm" "reveal.js@$REVEALJS_VERSION" >/dev/null
}

# The deck test (tests/test_slides.py) opens a deck in Debian's chromium, driven by playwright (its own
# browser download needs the internet; this is the distribution's package, about 110 MB, a minute to
# install).  Installed for `test` where we may (root, or sudo without a password); elsewhere that
# one test says it skips and why.
ensure_browser() {
  [ -x /usr/bin/chromium ] && return 0
  command -v dpkg-query >/dev/null 2>&1 || return 0
  if [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    log "note: no /usr/bin/chromium; the deck's browser test will skip (sudo apt-get install chromium runs it)"
    return 0
  fi
  ensure_apt chromium || log "note: chromium did not install; the deck's browser test will skip"
}

PY=$(pick_python)
# Check the arguments before installing anything (exit 2 with a message if they are wrong) and ask
# what the command needs; --help and --list need nothing installed.
needs=$("$PY" -m pipeline --preflight "$@")
if [ -z "$needs" ]; then
  exec "$PY" -m pipeline "$@"
fi
ensure_apt "${BASE_PKGS[@]}"
extras=""
case " $needs " in *" voice "*) extras="voice" ;; esac   # the narrated edition's offline voice
case " $needs " in *" plot "*) extras="${extras:+$extras,}plot" ;; esac   # report --plot: matplotlib
ensure_venv "$extras"
for need in $needs; do
  case "$need" in
    revealjs) ensure_revealjs ;;
    browser) ensure_browser ;;
  esac
done
exec "$VENV/bin/python" -m pipeline "$@"
