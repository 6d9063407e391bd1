#!/usr/bin/env bash
# "Where is the code": repositories found in abstracts (GitHub, GitLab, Codeberg, Hugging Face)
# and in a Papers with Code links file, official and unofficial. See README.md beside this file.
#
#   stories/code/run.sh                 # writes into a new temporary folder
#   OUT=/tmp/code stories/code/run.sh   # or into $OUT (the snapshot is $OUT/kg)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v paperkg >/dev/null || { echo "paperkg is not on PATH (pip install . or activate .venv)" >&2; exit 1; }
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/paperkg-code.XXXXXX")}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
KG="$OUT/kg"

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "Build two listing pages and a Papers with Code links file"
show paperkg build "$HERE/feed" --out "$KG" --fresh -q

step "Every repository, model, dataset and space, most-linked first"
show paperkg entities --kind repo --out "$KG"

step "One paper: its code from the abstract and from Papers with Code"
show paperkg paper "QuillKV" --out "$KG"

step "A project page is a link, not a repository"
show paperkg paper "Sightline" --out "$KG"

step "Cypher queries about code, to run once the snapshot is in Neo4j"
show paperkg query list --pack code
echo
echo "Snapshot in $KG. With Neo4j running: paperkg push --out $KG --neo4j bolt://localhost:7687"
echo "then: paperkg query run code-owners --neo4j bolt://localhost:7687"
