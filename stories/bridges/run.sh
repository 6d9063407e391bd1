#!/usr/bin/env bash
# "Which methods bridge two fields": protein design and speech papers, two methods invented in
# one field and reused in the other. See README.md beside this file.
#
#   stories/bridges/run.sh                    # writes into a new temporary folder
#   OUT=/tmp/bridges stories/bridges/run.sh   # or into $OUT (the snapshot is $OUT/kg)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v paperkg >/dev/null || { echo "paperkg is not on PATH (pip install . or activate .venv)" >&2; exit 1; }
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/paperkg-bridges.XXXXXX")}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
KG="$OUT/kg"

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "Build three days of a mixed feed (protein design and speech)"
show paperkg build "$HERE/feed" --out "$KG" --fresh -q

step "Two broad topics (level 1), the clusters inside them below"
show paperkg clusters --level 1 --out "$KG"

step "Papers and entities that connect the clusters"
show paperkg bridges --out "$KG"

step "Methods, most-linked first, with the paper that introduced each"
show paperkg entities --kind method --out "$KG"

step "The picture"
show paperkg view bridges --out "$KG" -o "$OUT/bridges.html"
echo
echo "Snapshot in $KG; open $OUT/bridges.html in a browser."
