#!/usr/bin/env bash
# Builds the Debian package of callgate from an already built binary: `make package`, or
#   scripts/build-deb.sh BUILD_DIR OUT_DIR
# and prints the path of the .deb. Plain dpkg-deb (no debhelper, no source package): the layout
# is small and fixed, and the build stays a few seconds. CALLGATE_DEB_XZ_LEVEL (0-9, default 6,
# dpkg's own) sets the xz level; the package test uses 1, since xz -6 of a sanitizer build's
# stripped binary (500 MB) takes two minutes. The layout and control files do not depend on it.
# The installed layout:
#   /usr/bin/callgate                      stripped binary (web assets are compiled in)
#   /etc/callgate/callgate.toml            demo/callgate.toml with installed paths (conffile)
#   /usr/share/callgate/flows/             the shipped flows
#   /usr/share/callgate/speech/            the speech recognizer's dictionaries
#   /lib/systemd/system/callgate.service   deploy/systemd/callgate.service
#   /etc/logrotate.d/callgate              deploy/logrotate/callgate (conffile)
#   /usr/share/doc/callgate/               copyright, changelog, README and OPERATIONS
#   /usr/share/man/man1/callgate.1.gz      packaging/debian/callgate.1
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="$(cd "${1:-$ROOT/build}" && pwd)"
OUT_DIR="${2:-$BUILD_DIR/package}"
BIN="$BUILD_DIR/callgate"

if [ ! -x "$BIN" ]; then
  echo "build-deb: no binary at $BIN (build it first: make build)" >&2
  exit 1
fi
for tool in dpkg-deb dpkg-shlibdeps strip gzip; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-deb: $tool is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
done

# "callgate 0.1.0" -> 0.1.0: the binary's own version, so package and binary always agree.
VERSION="$("$BIN" --version | awk '{print $2}')"
ARCH="$(dpkg --print-architecture)"
# The date of the last commit, so building the same commit twice gives the same changelog.
DATE="$(git -C "$ROOT" log -1 --format=%cD 2>/dev/null || date -R)"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
STAGE="$OUT_DIR/callgate_${VERSION}_${ARCH}"
DEB="$OUT_DIR/callgate_${VERSION}_${ARCH}.deb"
rm -rf "$STAGE" "$DEB"

install -d "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/etc/callgate" "$STAGE/etc/logrotate.d" \
  "$STAGE/usr/share/callgate/flows" "$STAGE/usr/share/callgate/speech" \
  "$STAGE/lib/systemd/system" "$STAGE/usr/share/doc/callgate"

strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$STAGE/usr/bin/callgate" "$BIN"
chmod 0755 "$STAGE/usr/bin/callgate"
install -m 0644 "$ROOT"/flows/*.json "$STAGE/usr/share/callgate/flows/"
find "$ROOT/share/speech" -maxdepth 1 -type f ! -name '*.md' \
  -exec install -m 0644 {} "$STAGE/usr/share/callgate/speech/" \;
install -m 0644 "$ROOT/deploy/systemd/callgate.service" "$STAGE/lib/systemd/system/"
install -m 0644 "$ROOT/deploy/logrotate/callgate" "$STAGE/etc/logrotate.d/callgate"

# The config: the demo one (every key, commented) with state in /var/lib/callgate, the audit log
# in /var/log/callgate and shipped data in /usr/share/callgate. Absolute, so the CLI run from any
# directory (sudo -u callgate callgate ...) uses the service's files.
CONFIG="$STAGE/etc/callgate/callgate.toml"
{
  echo "# /etc/callgate/callgate.toml: callgate's configuration (every key and its default; see"
  echo "# /usr/share/doc/callgate/OPERATIONS.md.gz). Secrets belong in /etc/callgate/environment"
  echo "# (root-only, read by systemd), e.g. CALLGATE_TWILIO_AUTH_TOKEN=... After a change:"
  echo "# systemctl restart callgate (flows: systemctl reload callgate)."
  sed -e '1{/^# callgate configuration/d}' \
      -e 's#"var/audit.jsonl"#"/var/log/callgate/audit.jsonl"#' \
      -e 's#"var/#"/var/lib/callgate/#g' \
      -e 's#"outbox:var/#"outbox:/var/lib/callgate/#g' \
      -e 's#"flows/#"/usr/share/callgate/flows/#g' \
      -e 's#= "flows"#= "/usr/share/callgate/flows"#g' \
      -e 's#"share/speech/#"/usr/share/callgate/speech/#g' \
      -e 's#^prompts_dir = "prompts"#prompts_dir = "/etc/callgate/prompts"#' \
      "$ROOT/demo/callgate.toml"
} > "$CONFIG"
chmod 0644 "$CONFIG"
# A relative path left in a setting would resolve against the working directory, which differs
# between the service and an operator's shell: refuse to build until the rule above covers it.
if relative="$(grep -nE '^[^#]*=[[:space:]]*"[A-Za-z_.-]+/' "$CONFIG")"; then
  echo "build-deb: relative paths left in the packaged config (add a rule above):" >&2
  echo "$relative" >&2
  exit 1
fi

# Documentation: copyright, a Debian changelog for this native version, the operator's guides.
install -m 0644 "$ROOT/packaging/debian/copyright" "$STAGE/usr/share/doc/callgate/copyright"
{
  echo "callgate ($VERSION) unstable; urgency=medium"
  echo
  echo "  * Release $VERSION of callgate, built from the repository."
  echo
  echo " -- callgate maintainers <maintainers@users.noreply.r-seed-a8a9d4cb.example>  $DATE"
} | gzip -9n > "$STAGE/usr/share/doc/callgate/changelog.gz"
for doc in README.md docs/OPERATIONS.md; do
  gzip -9n < "$ROOT/$doc" > "$STAGE/usr/share/doc/callgate/$(basename "$doc").gz"
done
chmod 0644 "$STAGE"/usr/share/doc/callgate/*
install -d "$STAGE/usr/share/man/man1"
gzip -9n < "$ROOT/packaging/debian/callgate.1" > "$STAGE/usr/share/man/man1/callgate.1.gz"
chmod 0644 "$STAGE/usr/share/man/man1/callgate.1.gz"

# Control files. Library dependencies as dpkg-shlibdeps finds them (it wants a debian/control).
SHLIBS_DIR="$(mktemp -d)"
trap 'rm -rf "$SHLIBS_DIR"' EXIT
mkdir "$SHLIBS_DIR/debian"
printf 'Source: callgate\n\nPackage: callgate\nArchitecture: any\n' > "$SHLIBS_DIR/debian/control"
SHLIBS="$(cd "$SHLIBS_DIR" && dpkg-shlibdeps -O "$STAGE/usr/bin/callgate" 2>/dev/null \
  | sed -n 's/^shlibs:Depends=//p')"
if [ -z "$SHLIBS" ]; then
  echo "build-deb: dpkg-shlibdeps found no library dependencies" >&2
  exit 1
fi
SIZE="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" -e "s/@SHLIBS@/$SHLIBS/" \
  "$ROOT/packaging/debian/control.in" > "$STAGE/DEBIAN/control"
printf '/etc/callgate/callgate.toml\n/etc/logrotate.d/callgate\n' > "$STAGE/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$ROOT/packaging/debian/$script" "$STAGE/DEBIAN/$script"
done
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 md5sum) > "$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles" "$STAGE/DEBIAN/md5sums"

XZ_LEVEL="${CALLGATE_DEB_XZ_LEVEL:-6}"
if ! [[ "$XZ_LEVEL" =~ ^[0-9]$ ]]; then
  echo "build-deb: CALLGATE_DEB_XZ_LEVEL must be a digit 0-9, not '$XZ_LEVEL'" >&2
  exit 1
fi
dpkg-deb --root-owner-group -Zxz -z"$XZ_LEVEL" --build "$STAGE" "$DEB" >/dev/null
rm -rf "$STAGE"
echo "$DEB"
