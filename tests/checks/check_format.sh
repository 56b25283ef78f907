#!/bin/sh
# Fails when a C++ file in src/, tests/, bench/ or fuzz/ is not as clang-format (.clang-format) writes
# it, naming each file and line. Fix with:
#   find src tests bench fuzz -name '*.cc' -o -name '*.h' | xargs clang-format -i
set -eu
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root"
files=$(find src tests bench fuzz \( -name '*.cc' -o -name '*.h' \) -not -path '*/node_modules/*' | sort)
[ -n "$files" ] || { echo "check_format: no C++ files under $root" >&2; exit 1; }
count=$(echo "$files" | wc -l)
if echo "$files" | xargs clang-format --dry-run -Werror; then
  echo "check_format: $count files formatted"
else
  echo "check_format: run clang-format -i on the files above" >&2
  exit 1
fi
