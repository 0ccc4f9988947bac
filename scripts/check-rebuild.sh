#!/usr/bin/env bash
# Cargo feature unification changes TypeIds. This checks, against a copy of the running release
# engine, that a plugin rebuilt the documented way (`-p omnysys -p PLUGIN`) and with `--workspace`
# loads, and that one rebuilt alone (`-p PLUGIN`) is refused with the command that fixes it.
set -euo pipefail
cd "$(dirname "$0")/.."
running="$(mktemp -d)/omnysys"
cp target/release/omnysys "$running"
scenario() { OMNYSYS_LOG=warn "$running" scenario "tests/fixtures/scenarios/$1.scenario.ron"; }
rebuild() { touch tests/fixtures/plugins/fixture_v1/src/lib.rs; cargo build --release --quiet "$@"; }

echo "== rebuilt alone: refused with the rebuild command"
rebuild -p fixture_v1
scenario rebuilt_alone_is_refused
echo "== rebuilt the documented way: loads"
rebuild -p omnysys -p fixture_v1
scenario rebuilt_plugin_loads
echo "== rebuilt with --workspace: loads"
rebuild --workspace
scenario rebuilt_plugin_loads
cmp -s "$running" target/release/omnysys || { echo "the engine binary changed: unification differs"; exit 1; }
rm -rf "$(dirname "$running")"
echo "rebuild checks: 3 passed, 0 failed"
