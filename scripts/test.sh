#!/usr/bin/env bash
# The whole test suite, from a fresh clone: builds the release engine and every plugin in one
# cargo invocation, the debug build of one fixture (for the profile check), checks the rebuild
# rules, then runs every unit and integration test (the integration tests run each scenario file
# through `omnysys scenario`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

bash scripts/install-test-tools.sh
echo "== build: release engine and every plugin"
cargo build --release --workspace --locked
echo "== build: a debug fixture (a library of another profile)"
cargo build --locked -p fixture_v2
echo "== rebuild rules"
bash scripts/check-rebuild.sh
echo "== tests"
log="$(mktemp)"
cargo test --release --workspace --locked 2>&1 | tee "$log"
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
bash scripts/test-mcp-clients.sh
