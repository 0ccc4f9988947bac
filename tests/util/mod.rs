//! Shared helpers: where the binary and the workspace are, and running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The release engine built by the test command: `OMNYSYS_BIN` when set (as for the Python
/// client tests: to run this suite against another build), else `target/release/omnysys`.
///
/// # Panics
///
/// When it has not been built: the tests need the binary and the plugins from one
/// `cargo build --release --workspace`, and never skip silently.
pub fn omnysys() -> PathBuf {
    if let Some(bin) = std::env::var_os("OMNYSYS_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from);
    let bin = target.join("release/omnysys");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --release --workspace` (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// The plugin library of `krate` built beside the engine: in `OMNYSYS_PLUGIN_DIR` when set, else
/// in the binary's directory (where `cargo build --release --workspace` puts them).
pub fn plugin_library(krate: &str) -> PathBuf {
    let dir = std::env::var_os("OMNYSYS_PLUGIN_DIR").map_or_else(
        || {
            omnysys()
                .parent()
                .expect("the binary's directory")
                .to_path_buf()
        },
        PathBuf::from,
    );
    dir.join(format!("lib{krate}.so"))
}

/// Runs the engine with `args` in the workspace, with logs quieted to warnings.
pub fn run(args: &[&str]) -> Output {
    Command::new(omnysys())
        .args(args)
        .current_dir(workspace())
        .env("OMNYSYS_LOG", "warn")
        .output()
        .expect("the omnysys binary runs")
}

/// Both streams of an output, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Copies the directory tree `from` to `to`.
///
/// # Panics
///
/// When a file cannot be read or written.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Writes `text` to `path`, making its directory.
///
/// # Panics
///
/// When it cannot be written.
pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The least that makes `ws` an omnysys workspace (for `OMNYSYS_WORKSPACE` and `--workspace`):
/// a workspace manifest with members `systems/*`, and the plugin API crate's manifest.
pub fn workspace_skeleton(ws: &Path) {
    write(
        &ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"systems/*\"]\n",
    );
    write(
        &ws.join("engine/api/Cargo.toml"),
        "[package]\nname = \"omnysys_api\"\n",
    );
}
