#!/usr/bin/env bash
# The README's test command: installs what the test suite needs beyond cargo, then runs it.
#
#   - Debian's chromium + chromium-driver, for the web pages' end-to-end tests;
#   - Python's openapi-spec-validator (checks /openapi.json independently) and icalendar
#     (parses the ICS agendas independently);
#   - axe-core from npm, injected into pages for the accessibility audit.
#
# Nothing is skipped when a tool is missing: the tests that need it fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for py in openapi_spec_validator:openapi-spec-validator icalendar:icalendar; do
  mod="${py%%:*}"; pkg="${py##*:}"
  if ! python3 -c "import $mod" 2>/dev/null; then
    echo "test.sh: installing $pkg" >&2
    python3 -m pip install -q "$pkg"
  fi
done

AXE_DIR="target/npm"
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  echo "test.sh: installing axe-core" >&2
  mkdir -p "$AXE_DIR"
  npm install --silent --no-audit --no-fund --prefix "$AXE_DIR" axe-core@4 >/dev/null
fi
export ESSOR_AXE_JS="$PWD/$AXE_DIR/node_modules/axe-core/axe.min.js"

cargo test --locked "$@"
