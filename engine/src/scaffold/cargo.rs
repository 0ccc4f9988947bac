//! The build `omnysys new tool` runs before it touches the tool set: the README's build
//! command, `cargo build --release --workspace` — the one build on save runs, so the same
//! profile and feature resolution as the engine (never `-p`: it resolves features differently
//! and rebuilds every dependency).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::ScaffoldError;
use crate::build::CARGO_ENV;
use crate::toolset::{LibraryLocator, running_workspace, workspace_build_args};

/// The build command as it is shown (`OMNYSYS_CARGO` when set, else `cargo`).
pub fn command_line() -> String {
    format!("{} {}", program(), workspace_build_args().join(" "))
}

fn program() -> String {
    std::env::var(CARGO_ENV).unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs the build command in `root`; cargo's progress and errors go to stderr.
///
/// # Errors
///
/// [`ScaffoldError::Build`] when it cannot run or fails.
pub fn build_workspace(root: &Path) -> Result<(), ScaffoldError> {
    let failed = |reason: String| ScaffoldError::Build {
        command: command_line(),
        dir: root.to_path_buf(),
        reason,
    };
    let status = Command::new(program())
        .args(workspace_build_args())
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|e| failed(format!("cannot run it: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(failed(status.to_string()))
    }
}

/// Where a server running from the workspace at `root` loads plugin `krate` from: beside the
/// running binary when `root` is its workspace, else `<root>/target/<profile>`.
pub fn library_of(root: &Path, krate: &str) -> PathBuf {
    let running = running_workspace().is_some_and(|w| same_dir(&w, root));
    let locator = if running {
        LibraryLocator::default()
    } else {
        LibraryLocator {
            dir: root.join("target").join(omnysys_api::manifest::PROFILE),
        }
    };
    locator.library_of(krate)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
