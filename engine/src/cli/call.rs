//! `omnysys call TOOL JSON`: a headless one-shot call, for scripts.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use omnysys::index::index_project;

use super::ProjectArgs;
use super::startup::start_engine;

/// Indexes the project, calls the tool, prints its structured result as JSON on stdout.
/// A tool error is printed on stderr and exits with status 2.
///
/// # Errors
///
/// Bad JSON arguments, an unknown tool, or a start-up failure.
pub fn run(project: &ProjectArgs, tool: &str, args: &str) -> anyhow::Result<ExitCode> {
    let args: serde_json::Value =
        serde_json::from_str(args).context("arguments are not valid JSON")?;
    let mut engine = start_engine(project)?;
    index_project(&mut engine.world);
    match engine.call_tool(tool, args)? {
        Ok(value) => {
            writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&value.value)?
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("tool error: {err}");
            Ok(ExitCode::from(2))
        }
    }
}
