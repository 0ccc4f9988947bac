//! Finding plugin libraries in the cargo target directory, and building missing ones.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use omnysys_api::manifest::PROFILE;

/// The omnysys workspace this engine runs from: `OMNYSYS_WORKSPACE` when set, else the
/// workspace holding the running binary (`<workspace>/target/<profile>/omnysys`); `None` for a
/// binary copied out of its workspace, which then has no default tool set and builds nothing.
pub fn running_workspace() -> Option<PathBuf> {
    static ROOT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        if let Some(dir) = std::env::var_os("OMNYSYS_WORKSPACE") {
            return Some(PathBuf::from(dir)).filter(|d| is_workspace(d));
        }
        let exe = std::env::current_exe().ok()?;
        exe.ancestors()
            .skip(1)
            .find(|d| is_workspace(d))
            .map(Path::to_path_buf)
    })
    .clone()
}

/// Whether `dir` is an omnysys workspace (its manifest and the plugin API crate are there).
pub fn is_workspace(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("engine/api/Cargo.toml").is_file()
}

/// The workspace this engine runs from ([`running_workspace`]), else the one it was built in
/// (only for naming paths in messages: nothing is read or built there).
pub fn workspace_root() -> PathBuf {
    running_workspace().unwrap_or_else(|| {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
    })
}

/// Why a binary outside its workspace cannot do what needs one.
pub fn no_workspace(what: &str) -> String {
    format!(
        "this omnysys binary is not inside an omnysys workspace (it was built in `{}`), so it \
         has no {what}: pass --toolset FILE naming libraries by `path:`, or set \
         OMNYSYS_WORKSPACE to the workspace",
        workspace_root().display()
    )
}

/// The tool set `serve` uses when none is named, relative to the workspace root.
pub const DEFAULT_TOOLSET: &str = "assets/toolsets/default.toolset.ron";

/// Names of the plugin crates of this workspace (`systems/*` and `tests/fixtures/plugins/*`).
pub fn workspace_crates() -> Vec<String> {
    running_workspace().map_or_else(Vec::new, |root| crates_in(&root))
}

/// Names of the plugin crates of the workspace at `root`, sorted (read from the directories
/// each time: a crate made while the engine runs is known at once).
pub fn crates_in(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = crate_dirs_in(root)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    names.sort();
    names
}

/// `(directory, crate name)` of each crate under `systems/` and `tests/fixtures/plugins/` of
/// the workspace at `root`.
pub fn crate_dirs_in(root: &Path) -> Vec<(PathBuf, String)> {
    ["systems", "tests/fixtures/plugins"]
        .iter()
        .filter_map(|dir| std::fs::read_dir(root.join(dir)).ok())
        .flatten()
        .filter_map(|entry| {
            let dir = entry.ok()?.path();
            let name = crate_name(&dir.join("Cargo.toml"))?;
            Some((dir, name))
        })
        .collect()
}

/// The package name a manifest declares (its first `name = "…"` line).
pub fn crate_name(manifest: &Path) -> Option<String> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let line = text.lines().find(|l| l.trim_start().starts_with("name"))?;
    Some(line.split('"').nth(1)?.to_owned())
}

/// The target directory of the engine's own profile (the directory of the running binary, or
/// `<workspace>/target/<profile>` when that cannot be read).
pub fn profile_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .filter(|dir| dir.ends_with(PROFILE) || dir.parent().is_some_and(|p| p.ends_with(PROFILE)))
        .map(|dir| {
            if dir.ends_with("deps") {
                dir.parent().map(Path::to_path_buf).unwrap_or(dir)
            } else {
                dir
            }
        })
        .unwrap_or_else(|| workspace_root().join("target").join(PROFILE))
}

/// The arguments of the README's build command, `cargo build --release --workspace` (without
/// `--release` for a debug engine): every crate of the workspace in the engine's profile, with
/// one feature resolution. Building plugins any other way (`-p omnysys -p X`) resolves
/// features differently, rebuilds dependencies and changes `TypeId`s; startup builds and build
/// on save both use this.
pub fn workspace_build_args() -> Vec<String> {
    let mut args = vec!["build".to_owned(), "--workspace".to_owned()];
    if PROFILE == "release" {
        args.push("--release".to_owned());
    }
    args
}

/// Finds (and if needed builds) plugin libraries of this workspace.
pub struct LibraryLocator {
    /// Where libraries are looked up.
    pub dir: PathBuf,
}

impl Default for LibraryLocator {
    fn default() -> Self {
        LibraryLocator { dir: profile_dir() }
    }
}

impl LibraryLocator {
    /// The library file of `krate`.
    pub fn library_of(&self, krate: &str) -> PathBuf {
        self.dir.join(format!("lib{krate}.so"))
    }

    /// Writes `lib<krate>.so` with `pad` zero bytes appended into `dir`: a distinct build of the
    /// same code (trailing bytes are ignored by the loader).
    ///
    /// # Errors
    ///
    /// When the library cannot be read or the copy written.
    pub fn padded_copy(&self, krate: &str, dir: &Path, pad: usize) -> std::io::Result<PathBuf> {
        let mut bytes = std::fs::read(self.library_of(krate))?;
        bytes.extend(std::iter::repeat_n(0u8, pad));
        let path = dir.join(format!("lib{krate}.pad{pad}.so"));
        std::fs::write(&path, bytes)?;
        Ok(path)
    }

    /// Builds the crates whose libraries are missing, with the whole workspace so cargo unifies
    /// features exactly as for the engine ([`workspace_build_args`]). Cargo's output goes to
    /// stderr.
    ///
    /// # Errors
    ///
    /// When cargo cannot run or the build fails.
    pub fn build_missing(&self, crates: &[String]) -> Result<(), String> {
        let missing: Vec<&String> = crates
            .iter()
            .filter(|c| !self.library_of(c).exists())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let Some(root) = running_workspace() else {
            return Err(no_workspace("plugin crates to build"));
        };
        tracing::info!(crates = ?missing, "building missing plugins");
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(root).args(workspace_build_args());
        let status = cmd
            .stdout(Stdio::from(std::io::stderr()))
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| format!("cargo build failed ({status})"))
    }
}
