#!/usr/bin/env bash
# ntk-explainer: set up what is missing, then render the explainer or run the tests.
#
#   ./render.sh                 install what is missing, render every chapter (-ql) into media/
#   ./render.sh NAME...         render only these chapters (./render.sh --list shows the names)
#   ./render.sh -qh             quality flags pass through to manim: -ql (default) -qm -qh -qk
#   ./render.sh --list          print the chapters in story order
#   ./render.sh test [ARGS]     install what is missing, run the test suite (extra args go to pytest)
#   ./render.sh --format webm   clip format: mp4 (default), webm or gif; -t for a transparent background
#   ./render.sh --config F.toml change any example's settings or colours (see examples/*.toml)
#   ./render.sh posters [-qh]   a poster frame (last frame, PNG) per chapter into media/posters/
#   ./render.sh slides          each chapter's pauses as slides: offline HTML + PDF in media/slides/
#   ./render.sh stills          the README's pictures: each chapter's last frame into docs/
#   ./render.sh bench [--qh]    render and NTK timings: a table and media/bench.json
#   ./render.sh setup           only install what is missing
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
VENV="$ROOT/.venv"
# Everything here runs on the CPU; skip JAX's probing for accelerators.
export JAX_PLATFORMS="${JAX_PLATFORMS:-cpu}"

# Debian packages: headers to build pycairo/manimpango (no Linux wheels), LaTeX + dvisvgm for
# MathTex (article-class template, so texlive-latex-extra is not needed), a font for Text.
APT_PKGS=(libcairo2-dev libpango1.0-dev pkg-config texlive-latex-base dvisvgm fonts-dejavu-core)

log() { printf '%s\n' "$*" >&2; }

missing_apt() {
  local pkgs=("${APT_PKGS[@]}") p
  command -v cc >/dev/null 2>&1 || pkgs+=(gcc)
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then pkgs+=(python3-venv); fi
  if ! python3 -c 'import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' >/dev/null 2>&1; then
    pkgs+=(python3-dev)
  fi
  for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      printf '%s\n' "$p"
    fi
  done
}

ensure_system() {
  command -v python3 >/dev/null 2>&1 || { log "error: python3 is required (sudo apt-get install python3)"; exit 2; }
  command -v dpkg-query >/dev/null 2>&1 || { log "note: not a Debian/Ubuntu system; install the equivalents of: ${APT_PKGS[*]}"; return 0; }
  local missing
  mapfile -t missing < <(missing_apt)
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

ensure_venv() {
  local stamp="$VENV/.pyproject.sha256" want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "[setup] creating the virtual environment .venv (pip install -e '.[test]'; a few minutes the first time)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  local log="$VENV/install.log"
  if ! { "$VENV/bin/python" -m pip install -q --upgrade pip &&
         "$VENV/bin/python" -m pip install -q -e '.[test]'; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    log "error: pip install failed; the whole log is in $log"
    exit 1
  fi
  echo "$want" > "$stamp"
}

REVEALJS_VERSION=6.0.1  # from the npm registry, served next to the HTML: no CDN at show time

ensure_revealjs() {
  [ -f "$ROOT/.cache/npm/node_modules/reveal.js/dist/reveal.js" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    APT_PKGS=(nodejs npm)
    ensure_system
  fi
  log "[setup] installing reveal.js $REVEALJS_VERSION from the npm registry into .cache/npm"
  mkdir -p "$ROOT/.cache/npm"
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.cache/npm" "reveal.js@$REVEALJS_VERSION" >/dev/null
}

setup() {
  ensure_system
  ensure_venv
}

# Pure argument handling first, so that --list and bad names answer before any install.
case "${1:-}" in
  --list|-l)
    exec python3 -c 'import runpy, sys; sys.path.insert(0, "."); from scenes.chapters import main_list; sys.exit(main_list())'
    ;;
  -h|--help)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

case "${1:-}" in
  setup)
    setup
    ;;
  slides)
    shift
    python3 -c 'import sys; sys.path.insert(0, "."); from scenes.chapters import main_check; sys.exit(main_check(sys.argv[1:]))' "$@"
    setup
    ensure_revealjs
    exec "$VENV/bin/python" -m scenes.slides "$@"
    ;;
  bench)
    shift
    setup
    exec "$VENV/bin/python" benchmarks/bench.py "$@"
    ;;
  stills|posters)
    python3 -c 'import sys; sys.path.insert(0, "."); from scenes.chapters import main_check; sys.exit(main_check(sys.argv[1:]))' "$@"
    setup
    exec "$VENV/bin/python" -m scenes.render "$@"
    ;;
  test)
    shift
    setup
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    # Check chapter names before installing or rendering anything.
    python3 -c 'import sys; sys.path.insert(0, "."); from scenes.chapters import main_check; sys.exit(main_check(sys.argv[1:]))' "$@"
    setup
    exec "$VENV/bin/python" -m scenes.render "$@"
    ;;
esac
