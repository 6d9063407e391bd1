#!/usr/bin/env bash
# "Follow a topic every morning": tag the papers you care about once, then each morning add the
# day's feed, rank its papers for your tag and read them as a digest. See README.md beside this.
#
#   stories/follow-a-topic/run.sh                   # writes into a new temporary folder
#   OUT=/tmp/follow stories/follow-a-topic/run.sh   # or into $OUT (the snapshot is $OUT/kg)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v paperkg >/dev/null || { echo "paperkg is not on PATH (pip install . or activate .venv)" >&2; exit 1; }
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/paperkg-follow.XXXXXX")}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
KG="$OUT/kg"
TAG=on-device-speech

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
build() {  # the build table's incremental rows only (-q: no progress bars)
    printf '$ paperkg build %s --out %s --year 2026 -q%s\n' "$1" "$KG" "${2:+ $2}"
    paperkg build "$1" --out "$KG" --year 2026 -q ${2:-} \
        | grep -E 'papers added|papers embedded|embeddings reused'
}

step "Monday: the papers you already have"
build "$HERE/feed/1-mon-apr-13.txt" --fresh   # --fresh: the story can be run again

step "Tag what you care about, and one thumbs down"
show paperkg tag add "$TAG" "SqueezeCTC: Sub-10" "PocketSpeech: A Benchmark" \
    "Streaming Transducers" "Distilling Whisper-Scale" "Federated Adaptation" --out "$KG"
show paperkg tag add "$TAG" --negative "MobileViT-Q" --out "$KG"
show paperkg tag list "$TAG" --out "$KG"

step "What else in the library"
show paperkg recommend --tag "$TAG" -k 5 --out "$KG"

step "Tuesday morning"
build "$HERE/feed/2-tue-apr-14.txt"
show paperkg recommend --tag "$TAG" --since 2026-04-14 -k 5 --out "$KG"
show paperkg digest --tag "$TAG" --since 2026-04-14 -k 5 --out "$KG" -o "$OUT/tuesday.html" --force

step "Wednesday morning"
build "$HERE/feed/3-wed-apr-15.txt"
show paperkg recommend --tag "$TAG" --since 2026-04-15 -k 5 --out "$KG"
show paperkg digest --tag "$TAG" --since 2026-04-15 -k 5 --out "$KG" -o "$OUT/wednesday.md" --force

step "The tag survived every build"
show paperkg tag list --out "$KG"
echo
echo "Snapshot in $KG; open $OUT/tuesday.html in a browser, read $OUT/wednesday.md anywhere."
