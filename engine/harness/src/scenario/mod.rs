//! Headless RON scenarios: load plugins on a fixture project, call tools, swap libraries,
//! and assert on outcomes, reasons, timings and the state digest — with no MCP transport.
//!
//! A scenario file is `Scenario(description: "...", project: Some("dir"), steps: [...])`; the
//! steps are [`Step`]. Paths are relative to the workspace root.

mod check;
mod model;
mod run;
mod stress;
mod watching;
mod window;

pub use model::{CallExpect, Library, LoadExpect, Scenario, Step};
pub use run::{ScenarioFailure, run_scenario_file};

/// What a step gives: a note to print, or `(expected, actual)`.
type StepResult = Result<String, (String, String)>;
