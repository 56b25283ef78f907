#!/bin/sh
# CTest entry for the browser tests (tests/CMakeLists.txt). Never skips: anything missing
# (Chromium, node, playwright-core, axe-core, SIPp for the console test; the test itself checks the binary) is a failure naming it.
set -eu
if [ ! -x /usr/bin/chromium ]; then
  echo "FAIL: /usr/bin/chromium is missing (Debian package chromium; scripts/install-deps.sh installs it)" >&2
  exit 1
fi
cd "$(dirname "$0")"
NODE="${NODE:-node}"
if ! command -v "$NODE" >/dev/null 2>&1; then
  echo "FAIL: node is not on PATH (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
major="$("$NODE" -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "FAIL: node $("$NODE" --version) is too old; playwright-core needs node >= 20" >&2
  exit 1
fi
if [ ! -f node_modules/playwright-core/package.json ]; then
  echo "FAIL: playwright-core is not installed in tests/browser/node_modules (run scripts/install-deps.sh)" >&2
  exit 1
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "FAIL: axe-core is not installed in tests/browser/node_modules (run scripts/install-deps.sh)" >&2
  exit 1
fi
if [ "${1:-}" = console.test.mjs ] && ! command -v sipp >/dev/null 2>&1; then
  echo "FAIL: sipp is missing (Debian package sip-tester; scripts/install-deps.sh installs it): the console test places a SIP call" >&2
  exit 1
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec "$NODE" --test --test-reporter=spec --test-timeout=270000 ${1:-link_journey.test.mjs}
