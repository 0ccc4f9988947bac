//! The integration tests: one binary, shared helpers in `util`.
//!
//! They drive the release binary `target/release/omnysys` that the test command
//! (`scripts/test.sh`) builds together with every plugin, so the engine and the plugins it
//! loads come from one cargo invocation. `OMNYSYS_BIN` and `OMNYSYS_PLUGIN_DIR` point them at
//! another build's binary and libraries (how the README's "fails on c63dc19" column was made).

mod util;

// Every scenario file of assets/scenarios, through `omnysys scenario`.
mod scenarios;
// `omnysys call` and the scenario runner's own error reporting.
mod cli;
// Snapshots: crash points, corruption, warm versus cold.
mod snapshot;
// The rollback command against a running server.
mod rollback;
// Module resolution following package.json and tsconfig edits in a running server.
mod resolution;
// The hostile-input suite (README "Reliability" maps every item to its tests): hostile files in
// .omnysys, projects, libraries and requests...
mod hostile;
// ... the MCP transports against hostile clients: idle sockets, sessions, Host, token, big
// lines, 2 000 requests in flight, regex bombs, body and Origin limits...
mod transport;
// ... and bounded fuzzing of the tool-set, scenario and snapshot parsers, tool arguments and
// JSON-RPC lines.
mod fuzz;
// Build on save with a fake cargo: coalescing, cancelling, dependents, errors, lock waits.
mod build;
// Crash attribution in the engine child: the signal, the plugin generation and the tool.
mod crashes;
// `omnysys new tool` in a minimal workspace with a fake cargo: scaffolds, tool-set edits,
// refusals.
mod new_tool;
