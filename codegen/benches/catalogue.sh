#!/usr/bin/env bash
# Speed and memory of `codegen --catalogue`:
#   bash codegen/benches/catalogue.sh <folder of service folders> [jobs...]
#
# The API Explorer export (the `schemas/` folder of `huawei-cloud-api-definitions`) is the
# catalogue this is meant for. For each jobs count (default: 1, then one per CPU) the
# release build generates the whole catalogue into a fresh folder, and the script prints
# the wall time, spec files per second, CPU time, and the peak resident memory of the
# process (all workers together; `/usr/bin/time -v` when present). Generation keeps no
# more than one service per worker in memory, so the peak per worker is about the total
# divided by the jobs count. Other load on the machine shows in the wall time: compare
# figures taken in one run.
set -euo pipefail
if [ "$#" -lt 1 ]; then
  echo "usage: $0 <folder of service folders> [jobs...]" >&2
  exit 2
fi
catalogue=$(cd "$1" && pwd)
shift
cd "$(dirname "$0")/../.."
jobs=("$@")
if [ "${#jobs[@]}" -eq 0 ]; then
  jobs=(1 "$(nproc 2>/dev/null || echo 2)")
fi
cargo build --release -q -p codegen
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
codegen="$target_dir/release/codegen"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

files=$(find "$catalogue" -mindepth 2 -maxdepth 3 -name '*.json' | wc -l)
services=$(find "$catalogue" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)
echo "catalogue: $catalogue ($services service folders, $files spec files)"
printf '%5s %9s %9s %9s %14s\n' jobs wall files/s "CPU s" "peak RSS"
for n in "${jobs[@]}"; do
  out="$scratch/out-$n"
  stats="$scratch/time-$n"
  # Exit status 1 only means some services were refused; the counts are on stdout.
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$codegen" --catalogue "$catalogue" --out "$out" --jobs "$n" --quiet \
      >"$scratch/stdout-$n" 2>"$stats" || true
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$stats")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$stats")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f MiB", $2 / 1024 }' "$stats")
  else
    start=$(date +%s%N)
    "$codegen" --catalogue "$catalogue" --out "$out" --jobs "$n" --quiet >"$scratch/stdout-$n" 2>/dev/null || true
    wall=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.2f", ns / 1e9 }')
    cpu=-
    rss=-
  fi
  rate=$(awk -v f="$files" -v w="$wall" 'BEGIN { printf "%.0f", f / w }')
  printf '%5s %8.1fs %9s %9s %14s\n' "$n" "$wall" "$rate" "$cpu" "$rss"
  rm -rf "$out"
done
echo "last run: $(tail -n 1 "$scratch/stdout-${jobs[-1]}")"
