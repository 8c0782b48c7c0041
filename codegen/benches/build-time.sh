#!/usr/bin/env bash
# Build time of the generated crate: `bash codegen/benches/build-time.sh [feature-sets...]`.
#
# For each profile (debug, release) and feature set, prints:
#   - cold: the crate and all its dependencies, from an empty target folder;
#   - crate: the generated crate alone (dependencies already built), i.e. what a user
#     pays again after regenerating.
# Feature sets are cargo arguments; the default measures the crate with default features
# and with `--no-default-features` when the crate has features.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT

if [ "$#" -gt 0 ]; then
  sets=("$@")
elif grep -q '^\[features\]' generated/Cargo.toml; then
  sets=("" "--no-default-features")
else
  sets=("")
fi

# Wall seconds of a command, to 0.1 s.
timed() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  e=$(date +%s%N)
  awk -v ns=$((e - s)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}

printf '%-8s %-24s %10s %10s\n' profile features "cold (s)" "crate (s)"
for profile in debug release; do
  flag=()
  [ "$profile" = release ] && flag=(--release)
  for set in "${sets[@]}"; do
    # shellcheck disable=SC2086
    args=(build -p functiongraph "${flag[@]}" $set)
    rm -rf "$target"/*
    cold=$(CARGO_TARGET_DIR="$target" timed cargo "${args[@]}")
    touch generated/src/lib.rs
    crate=$(CARGO_TARGET_DIR="$target" timed cargo "${args[@]}")
    printf '%-8s %-24s %10.1f %10.1f\n' "$profile" "${set:-default}" "$cold" "$crate"
  done
done
