#!/usr/bin/env bash
# Fails when a tracked file is larger than 1 MB: build outputs (a 31 MB binary once) and data dumps
# belong in .gitignore, not in every clone.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((1024 * 1024))
command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "check-tracked-sizes: not a git checkout, skipped"; exit 0; }
big=$(git ls-files -z | xargs -0 -r stat -c '%s %n' 2>/dev/null | awk -v limit="$limit" '$1 > limit { printf "  %s (%.1f MB)\n", $2, $1 / 1048576 }')
if [ -n "$big" ]; then
  echo "tracked files larger than 1 MB (ignore build outputs instead of committing them):"
  echo "$big"
  exit 1
fi
