//! `omnysys scenario FILE...`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use omnysys_harness::scenario::run_scenario_file;

/// Runs each file, printing each step with its time; stops at the first failure.
///
/// # Errors
///
/// Writing to stdout failed.
pub fn run(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for file in files {
        writeln!(out, "scenario {}", file.display())?;
        let result = run_scenario_file(file, |step| {
            let note = if step.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", step.note)
            };
            let _ = writeln!(
                out,
                "  [{:>2}] ok {:>9.3} ms  {}{}",
                step.index,
                step.elapsed.as_secs_f64() * 1e3,
                step.step,
                note
            );
        });
        if let Err(failure) = result {
            writeln!(out, "FAILED {failure}")?;
            return Ok(ExitCode::FAILURE);
        }
        writeln!(out, "passed {}", file.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
