#!/usr/bin/env bash
# Installs every Debian package callgate's build, tests and benchmarks need, plus the browser
# tests' npm packages (playwright-core and axe-core, pinned by tests/browser/package-lock.json).
# Idempotent: when everything is present it only checks and returns (well under a second).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config ccache git clang-format
  # libraries
  libphonenumber-dev libsodium-dev libboost-dev libboost-system-dev nlohmann-json3-dev
  libsqlite3-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libcli11-dev
  libcurl4-openssl-dev libssl-dev
  # console staff sign-in: RFC 6238 TOTP (OATH Toolkit); oathtool for checking codes by hand
  liboath-dev oathtool
  # hours of operation in their time zones (date/tz.h over the system tz database)
  libhowardhinnant-date-dev tzdata
  # readiness and reload notifications to systemd (sd_notify) for a Type=notify unit
  libsystemd-dev
  # shared storage for a cluster of nodes: the PostgreSQL client library (libpq) and the server the
  # black-box cluster tests start as a throwaway instance
  libpq-dev postgresql
  # SIP voice channel: SIP/SDP parsing (osip2), G.711 and in-band DTMF (spandsp), prompts (flite),
  # STIR/SHAKEN Identity headers (libsecsipid)
  libosip2-dev libspandsp-dev flite1-dev libsecsipid-dev
  # speech input: recognizer (pocketsphinx + its en-us model), resampler (speexdsp); flite and
  # espeak-ng voice the speech benchmark's corpus and the black-box speech test's audio
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us libspeexdsp-dev espeak-ng flite
  # festival with an HTS voice (slt) and a diphone voice (ked): more voices for the speech
  # benchmark's harder corpus (make bench-asr)
  festival festvox-us-slt-hts festvox-kdlpc16k
  # a human voice for the speech tests and benchmark: Allison Smith's recorded digits (telephone
  # prompts, 8 kHz; asr_bench --voices recorded:allison); two more people for the speech tests
  # (pocketsphinx's own test recordings, 16 kHz)
  asterisk-core-sounds-en-wav pocketsphinx-testdata
  # make speech-adapt: sphinxtrain (bw, mllr_solve), sphinx_fe and pocketsphinx_mdef_convert adapt
  # the en-us model to the telephone line (bench/asr/adapt.sh)
  sphinxtrain sphinxbase-utils pocketsphinx
  # Debian package (make package): dpkg-shlibdeps finds its dependencies, lintian checks it,
  # systemd-analyze verifies its unit
  dpkg-dev lintian systemd
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 curl sqlite3 wrk nginx-light
  # metrics: promtool (in Debian's prometheus) checks what GET /metrics serves
  prometheus
  # SIP peers for the black-box tests and the SIP benchmark; sox makes and checks test audio
  baresip-core sip-tester sox
  # Kannel end-to-end test: bearerbox + smsbox (kannel), the fake SMSC (kannel-extras)
  kannel kannel-extras
  # cluster tests and deploy/kamailio: the SIP dispatcher in front of several callgate nodes
  kamailio
  # LDAP / Active Directory credential verifier: OpenLDAP's client library; the directory server
  # (slapd, started by the black-box test on loopback) and its CLI tools (ldap-utils)
  libldap-dev slapd ldap-utils
  # token test: an independent JWT implementation (EdDSA needs python3-cryptography)
  python3-jwt python3-cryptography
  # browser test: headless Chromium driven by playwright-core, fonts for readable screenshots
  chromium fonts-liberation fonts-dejavu-core
  # console flow diagrams: Graphviz's dot, run as a child process (adapters/platform/graphviz)
  graphviz
)
# Node.js + npm for the browser test. Some machines carry a nodejs that bundles npm, which
# conflicts with Debian's separate npm package: take Debian's only when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # slapd's package starts a system slapd listening on every interface (ldap:///). The tests run
  # their own on loopback; no system directory may be left running. A policy-rc.d that refuses
  # every start (unless one is in place already) keeps it down during the install.
  POLICY=/usr/sbin/policy-rc.d
  own_policy=""
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod 755 "$POLICY"
    own_policy=1
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$own_policy" ]; then $SUDO rm -f "$POLICY"; fi
  # And should one have started anyway (an older install), stop it and keep it from booting.
  if [[ " ${missing[*]} " == *" slapd "* ]] && [ -f /run/slapd/slapd.pid ]; then
    $SUDO systemctl disable --now slapd >/dev/null 2>&1 || $SUDO service slapd stop >/dev/null 2>&1 || true
  fi
fi

# playwright-core into tests/browser/node_modules, exactly as locked. Skipped when the installed
# tree was made from the same lock file (a stamp holds its checksum), so later runs need no
# network. Playwright must never download a browser: the tests use Debian's /usr/bin/chromium.
BROWSER_DIR="$ROOT/tests/browser"
STAMP="$BROWSER_DIR/node_modules/.callgate-lock.sha256"
want="$(sha256sum "$BROWSER_DIR/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ] \
   || [ ! -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ]; then
  echo "install-deps: npm ci in tests/browser (playwright-core, axe-core)" >&2
  (cd "$BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error \
                   --fetch-timeout=60000 --fetch-retries=2)
  echo "$want" > "$STAMP"
fi
