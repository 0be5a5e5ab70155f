#!/usr/bin/env bash
# Installs what carnet needs on a fresh machine: Tesseract with French and English data (system
# package manager) and a .venv with carnet and its dependencies. Idempotent and quick the second time.
set -euo pipefail
cd "$(dirname "$0")/.."

need_tesseract() {
  command -v tesseract >/dev/null 2>&1 || return 0
  local langs
  langs=$(tesseract --list-langs 2>/dev/null || true)
  grep -qx fra <<<"$langs" && grep -qx eng <<<"$langs" && grep -qx osd <<<"$langs" && return 1
  return 0
}

if need_tesseract; then
  echo "carnet: installing Tesseract OCR with French and English data..."
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng tesseract-ocr-osd >/dev/null
  elif command -v dnf >/dev/null 2>&1; then
    $SUDO dnf install -y tesseract tesseract-langpack-fra tesseract-langpack-eng tesseract-osd
  elif command -v brew >/dev/null 2>&1; then
    brew install tesseract tesseract-lang
  fi
  if need_tesseract; then
    echo "carnet: could not install Tesseract. Install it, then run this again:" >&2
    echo "  sudo apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng tesseract-ocr-osd" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.carnet-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "carnet: installing Python dependencies into .venv..."
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev,ocr-rapid]"
  touch "$stamp"
fi
