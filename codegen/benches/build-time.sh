#!/usr/bin/env bash
# Build time of the generated crates, beside a peer, all in one run:
#
#   bash codegen/benches/build-time.sh [repeats]
#
# Prints, per repeat, seconds of wall time for:
#   - fg-debug:    `cargo build -p functiongraph` (debug);
#   - fg-release:  `cargo build -p functiongraph --release`;
#   - peer-debug:  the typify-based crate `huawei-cloud-api-definitions-FunctionGraph`
#                  0.1.20260313 with its 91 operation features that compile (all but
#                  `UpdateTrigger`, whose schema makes the macro panic), debug;
#   - ecs-check:   `cargo check` of the ECS sample (`tests/samples/ECS`, 123 operations);
# and the ratio peer-debug / fg-debug.
#
# Each figure is the crate alone, from scratch: dependencies are built once beforehand,
# then `cargo clean -p <crate>` precedes every timed command, so neither incremental
# caches nor earlier artifacts of the crate are reused. The machine may be shared: compare
# figures of the same run, and repeat when they are noisy.
#
# Figures measured with it are in README.md ("Build cost").
#
# `BENCH_TARGET=<dir>` keeps the target folder (and its dependency builds) between runs;
# by default a temporary one is used and removed. `BASELINE=<rev>` measures that revision
# of the repository (its `generated/` and ECS output) too, beside the working tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
repeats=${1:-2}
if [ -n "${BENCH_TARGET:-}" ]; then
  target=$BENCH_TARGET
  mkdir -p "$target"
else
  target=$(mktemp -d)
  trap 'rm -rf "$target"' EXIT
fi
# The peer: a one-line crate depending on it, outside this workspace.
peer=$target/peer
mkdir -p "$peer/src"
: >"$peer/src/lib.rs"
{
  cat <<'EOF'
[package]
name = "peer"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies.huawei-cloud-api-definitions-FunctionGraph]
version = "=0.1.20260313"
features = [
EOF
  for op in AsyncInvokeFunction BatchDeleteFunctionTriggers BatchDeleteWorkflows \
    CancelAsyncInvocation CreateCallbackWorkflow CreateDependencyVersion CreateEvent \
    CreateFunction CreateFunctionApp CreateFunctionTrigger CreateFunctionVersion CreateTags \
    CreateVersionAlias CreateVpcEndpoint CreateWorkflow DeleteDependencyVersion DeleteEvent \
    DeleteFunction DeleteFunctionApp DeleteFunctionAsyncInvokeConfig DeleteFunctionTrigger \
    DeleteTags DeleteVersionAlias DeleteVpcEndpoint EnableAsyncStatusLog EnableLtsLogs \
    ExportFunction ImportFunction InvokeFunction ListActiveAsyncInvocations ListAppTemplates \
    ListAsyncInvocations ListBridgeFunctions ListBridgeVersions ListDependencies \
    ListDependencyVersion ListEvents ListFunctionApplications ListFunctionAsMetric \
    ListFunctionAsyncInvokeConfig ListFunctionReservedInstances ListFunctionStatistics \
    ListFunctionTags ListFunctionTemplate ListFunctionTriggers ListFunctionVersions \
    ListFunctions ListQuotas ListReservedInstanceConfigs ListStatistics ListVersionAliases \
    ListWorkflow ListWorkflowExecutions RetryWorkFlow ShowAppTemplate ShowDependencyVersion \
    ShowEvent ShowFuncReservedInstanceMetrics ShowFuncSnapshotState ShowFunctionApp \
    ShowFunctionAsyncInvokeConfig ShowFunctionCode ShowFunctionConfig ShowFunctionMetrics \
    ShowFunctionTemplate ShowFunctionTrigger ShowLtsLogDetails ShowProjectAsyncStatusLogInfo \
    ShowProjectTagsList ShowResInstanceInfo ShowTenantMetric ShowTracing ShowVersionAlias \
    ShowWorkFlow ShowWorkFlowMetric ShowWorkflowExecution ShowWorkflowExecutionForPage \
    StartSyncWorkflowExecution StartWorkflowExecution StopWorkFlow UpdateEvent \
    UpdateFuncSnapshot UpdateFunctionAsyncInvokeConfig UpdateFunctionCode \
    UpdateFunctionCollectState UpdateFunctionConfig UpdateFunctionMaxInstanceConfig \
    UpdateFunctionReservedInstancesCount UpdateTracing UpdateVersionAlias UpdateWorkFlow; do
    echo "  \"$op\","
  done
  echo "]"
} >"$peer/Cargo.toml"

# The ECS sample crate of a source tree, generated outside any workspace with the
# workspace's lock file.
ecs_crate() {
  local tree=$1 out=$2
  # Each tree's generator in a target folder of its own: two trees share the name of
  # the binary, and cargo runs whichever it copied there last.
  (cd "$tree" && CARGO_TARGET_DIR="$target/codegen-$(basename "$out")" \
    cargo run -q -p codegen -- --specs tests/samples/ECS --out "$out" --force \
    --crate-name ecs --runtime-dep "path = \"$tree/codegen/runtime\"" --quiet)
  cp "$tree/Cargo.lock" "$out/Cargo.lock"
  printf '\n[workspace]\n' >>"$out/Cargo.toml"
}

export CARGO_TARGET_DIR=$target/target
variants=(now)
ecs_crate "$root" "$target/ecs-now"
declare -A trees=([now]="$root")
if [ -n "${BASELINE:-}" ]; then
  # The same figures for an earlier revision (`BASELINE=<rev>`), in the same run.
  rm -rf "$target/base"
  mkdir -p "$target/base"
  git archive "$BASELINE" | tar -x -C "$target/base"
  trees[base]=$target/base
  variants+=(base)
  ecs_crate "$target/base" "$target/ecs-base"
fi

# Wall seconds of a command, to 0.1 s.
timed() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  e=$(date +%s%N)
  awk -v ns=$((e - s)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}

# One target folder per tree: cargo names the artifacts of a path package after its path
# relative to the workspace, so the two trees' runtimes would overwrite each other's.
in_tree() { local v=$1; shift; CARGO_TARGET_DIR="$target/target-$v" "$@"; }
fg() { (cd "${trees[$1]}" && in_tree "$1" cargo build -p functiongraph "${@:2}"); }
peer_build() { (cd "$peer" && cargo build "$@"); }
ecs_check() { (cd "$target/ecs-$1" && in_tree "$1" cargo check); }

# Dependencies, once.
for v in "${variants[@]}"; do
  timed fg "$v" >/dev/null
  timed fg "$v" --release >/dev/null
  timed ecs_check "$v" >/dev/null
done
timed peer_build >/dev/null

printf '%-6s %-8s %9s %11s %10s %11s %8s\n' repeat tree fg-debug fg-release ecs-check peer-debug peer/fg
for i in $(seq "$repeats"); do
  (cd "$peer" && cargo clean -q -p huawei-cloud-api-definitions-FunctionGraph)
  peer_debug=$(timed peer_build)
  for v in "${variants[@]}"; do
    (cd "${trees[$v]}" && in_tree "$v" cargo clean -q -p functiongraph)
    debug=$(timed fg "$v")
    (cd "${trees[$v]}" && in_tree "$v" cargo clean -q -p functiongraph --release)
    release=$(timed fg "$v" --release)
    (cd "$target/ecs-$v" && in_tree "$v" cargo clean -q -p ecs)
    check=$(timed ecs_check "$v")
    ratio=$(awk -v p="$peer_debug" -v f="$debug" 'BEGIN { printf "%.2f", p / f }')
    printf '%-6s %-8s %9s %11s %10s %11s %8s\n' "$i" "$v" "$debug" "$release" "$check" "$peer_debug" "$ratio"
  done
done
