//! `omnysys export`: the project's snapshot as readable RON.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

/// Reads the snapshot of `project` (checksum verified) and writes it as pretty RON to `output`
/// or stdout.
///
/// # Errors
///
/// No snapshot, a corrupt or incompatible one (the message says which), or an unwritable output.
pub fn run(project: &Path, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    let project = project
        .canonicalize()
        .with_context(|| format!("project `{}`", project.display()))?;
    let dir = omnysys_engine::EngineSettings::for_project(project).state_dir;
    let file = dir.join(omnysys_engine::snapshot::FILE_NAME);
    if !file.exists() {
        anyhow::bail!(
            "no snapshot at {}: `omnysys index` or `omnysys serve` writes one",
            file.display()
        );
    }
    let state = omnysys_engine::snapshot::read_snapshot(&dir)
        .with_context(|| format!("snapshot {}", file.display()))?;
    let text = ron::ser::to_string_pretty(&state, ron::ser::PrettyConfig::default())?;
    match output {
        Some(path) => std::fs::write(path, text + "\n")
            .with_context(|| format!("writing {}", path.display()))?,
        None => writeln!(std::io::stdout().lock(), "{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}
