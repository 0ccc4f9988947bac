//! The integration tests: one binary, shared helpers in `util`.
//!
//! They drive the release binary `target/release/omnysys` that the test command
//! (`scripts/test.sh`) builds together with every plugin, so the engine and the plugins it
//! loads come from one cargo invocation.

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
// Hostile files in .omnysys and hostile libraries: links, FIFOs, forged snapshots.
mod hostile;
// The MCP transports against hostile clients: idle sockets, sessions, Host, token, big lines.
mod transport;
// Bounded fuzzing of the tool-set, scenario and snapshot parsers.
mod fuzz;
// Crash attribution in the engine child: the signal, the plugin generation and the tool.
mod crashes;
