//! `omnysys call TOOL JSON`: a headless one-shot call, for scripts.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use super::ProjectArgs;

/// Indexes the project, calls the tool, prints its structured result as JSON on stdout.
/// A tool error is printed on stderr and exits with status 2.
///
/// # Errors
///
/// Bad JSON arguments, an unknown tool, or a start-up failure.
pub fn run(project: &ProjectArgs, tool: &str, args: &str) -> anyhow::Result<ExitCode> {
    let args: serde_json::Value =
        serde_json::from_str(args).context("arguments are not valid JSON")?;
    let (mut engine, _) = omnysys_engine::startup::start_indexed(&project.options(), |_, _| {})?;
    match engine.call_tool(tool, args) {
        Ok(value) => {
            writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&value.value)?
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(omnysys_engine::plugin::CallError::Tool(err)) => {
            eprintln!("tool error: {err}");
            Ok(ExitCode::from(2))
        }
        Err(err) => Err(err.into()),
    }
}
