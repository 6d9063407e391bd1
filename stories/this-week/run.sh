#!/usr/bin/env bash
# "What happened this week in my feed": five daily listing pages built one day at a time into
# one snapshot, with what each day did to the topic clusters. See README.md beside this file.
#
#   stories/this-week/run.sh                  # writes into a new temporary folder
#   OUT=/tmp/week stories/this-week/run.sh    # or into $OUT (the snapshot is $OUT/kg)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v paperkg >/dev/null || { echo "paperkg is not on PATH (pip install . or activate .venv)" >&2; exit 1; }
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/paperkg-this-week.XXXXXX")}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
KG="$OUT/kg"

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

fresh=--fresh   # the first day starts the snapshot over, so the story can be run again
for page in "$HERE"/feed/*.txt; do
    day="$(sed -n '/^[A-Z][a-z][a-z] [0-9]*$/{p;q;}' "$page")"
    step "$day: $(basename "$page")"
    printf '$ paperkg build %s --out %s --year 2026 -q%s\n' "$page" "$KG" "${fresh:+ $fresh}"
    # --year: listing pages print "Apr 6" without a year. -q: no progress bars; keep the
    # build table's incremental rows only.
    paperkg build "$page" --out "$KG" --year 2026 -q $fresh \
        | grep -E 'papers added|papers embedded|embeddings reused'
    if [ -z "$fresh" ]; then
        show paperkg clusters --changes --out "$KG"
    fi
    fresh=
done

step "The week's snapshot"
show paperkg stats --out "$KG"

step "Trending on Friday"
show paperkg trends --out "$KG"

step "New since Wednesday"
show paperkg trends --since 2026-04-08 --out "$KG"

step "The week's digest"
show paperkg digest --since 2026-04-06 --out "$KG" -o "$OUT/this-week.html" --force

step "The picture"
show paperkg view overview --out "$KG" -o "$OUT/overview.html"
echo
echo "Snapshot in $KG; open $OUT/overview.html and $OUT/this-week.html in a browser."
