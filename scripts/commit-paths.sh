#!/usr/bin/env bash
# Commits only the given paths, holding a lock so that several people (or helpers) sharing one
# work tree never race on git's index. Usage: scripts/commit-paths.sh "message" path [path...]
set -euo pipefail
message="$1"; shift
exec 9>"$(git rev-parse --git-common-dir)/commit-paths.lock"
flock 9
git add -A -- "$@"
git commit -q -m "$message" -- "$@"
git log --oneline -1
