//! `omnysys new tool`: a new tool scaffolded into a workspace, and the tool set told to serve
//! it. Knows nothing of the command line.
//!
//! A [`Plan`] checks everything first — the name, the workspace, the tool set (it must parse,
//! and the edit must be possible), that no crate, file or tool of that name exists, that the
//! crate's registration point is found — so a refusal leaves the workspace as it was. Then:
//!
//! 1. [`Plan::write_sources`]: a new plugin crate `systems/<tool>_tools` from the template in
//!    `assets/templates/tool_plugin/` (placed whole, by one rename), or, for an existing crate,
//!    `src/<tool>.rs` created and two lines added to its `src/lib.rs`;
//! 2. [`build_workspace`]: the build command build on save runs, so that the library exists
//!    before a running server is told to load it (a tool set naming a library that is not
//!    there is refused);
//! 3. [`Plan::add_to_toolset`]: `(crate: "…")` appended to the tool set's `plugins` (or the
//!    tool to the crate's `tools` list), text inserted so comments and layout stay, checked
//!    with the engine's own parser, written atomically. A running server sees the edit, loads
//!    the plugin and sends `notifications/tools/list_changed`.

mod cargo;
mod existing;
mod files;
mod name;
mod register;
mod ron_text;
mod template;
mod toolset_edit;

use std::path::{Path, PathBuf};

pub use cargo::{build_workspace, command_line};
pub use name::MAX_NAME_LEN;
pub use toolset_edit::Addition;

use crate::toolset::{
    DEFAULT_TOOLSET, Toolset, ToolsetError, crates_in, is_workspace, parse_toolset_with,
    running_workspace,
};

/// Why a tool was not scaffolded (each names the problem and where).
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name is not a snake_case Rust identifier fit for a module, function and crate.
    #[error("invalid tool name `{name}`: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Why.
        reason: String,
    },
    /// No omnysys workspace where one was looked for.
    #[error("workspace not found: {0}")]
    WorkspaceNotFound(String),
    /// The tool set cannot be read or parsed.
    #[error("tool set unusable: {0}")]
    Toolset(#[from] ToolsetError),
    /// The tool set parses, but the addition cannot be inserted.
    #[error("cannot add `{krate}` to the tool set `{}`: {reason}", file.display())]
    ToolsetEdit {
        /// The tool-set file.
        file: PathBuf,
        /// The crate.
        krate: String,
        /// What was not found, or what the edit would break.
        reason: String,
    },
    /// A plugin crate of that name exists already.
    #[error("a plugin crate `{krate}` already exists: {}", dir.display())]
    CrateExists {
        /// The crate.
        krate: String,
        /// Its directory.
        dir: PathBuf,
    },
    /// A tool of that name is registered already.
    #[error("a tool `{tool}` already exists: {}:{line}", file.display())]
    ToolExists {
        /// The tool.
        tool: String,
        /// The file registering it.
        file: PathBuf,
        /// The line of its name.
        line: usize,
    },
    /// `--plugin` names no crate of the workspace.
    #[error("no plugin crate `{krate}` in `{}`; its crates: {}", workspace.display(), known.join(", "))]
    UnknownPlugin {
        /// The crate named.
        krate: String,
        /// The workspace.
        workspace: PathBuf,
        /// The crates it has.
        known: Vec<String>,
    },
    /// The existing crate's registration point is not where it can be edited safely.
    #[error("cannot register the tool in `{}`: {reason}; add `mod {tool};` and `r.add_tool({tool}::spec(), {tool}::{tool});` by hand", file.display())]
    RegistrationNotFound {
        /// The crate root file.
        file: PathBuf,
        /// The tool.
        tool: String,
        /// What was not found.
        reason: String,
    },
    /// The existing crate lacks a dependency the tool's code needs.
    #[error("`{}` has no `{dependency}` dependency, which the tool's code uses; add `{dependency}.workspace = true` to its [dependencies]", manifest.display())]
    MissingDependency {
        /// The crate's manifest.
        manifest: PathBuf,
        /// The dependency.
        dependency: &'static str,
    },
    /// A file or directory that would be written exists already.
    #[error("`{}` already exists; nothing is overwritten", .0.display())]
    Exists(PathBuf),
    /// A file changed between reading and writing it.
    #[error("`{}` changed while the tool was being added; run the command again", .0.display())]
    Changed(PathBuf),
    /// The workspace did not build.
    #[error("`{command}` in `{}` failed: {reason}", dir.display())]
    Build {
        /// The command.
        command: String,
        /// Where it ran.
        dir: PathBuf,
        /// Its exit status, or why it could not run.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// What to scaffold.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The tool's name.
    pub tool: String,
    /// An existing plugin crate to add it to; `None` makes `<tool>_tools`.
    pub plugin: Option<String>,
    /// The workspace; `None`: the one the running binary belongs to, else the one around the
    /// current directory.
    pub workspace: Option<PathBuf>,
    /// The tool set to add it to; `None`: the workspace's default (what `serve` uses).
    pub toolset: Option<PathBuf>,
}

/// Where the tool goes.
#[derive(Clone, Debug)]
enum Target {
    /// A new crate in this (not yet existing) directory.
    NewCrate(PathBuf),
    /// An existing crate: its `src/lib.rs`, read as `old`, becomes `new`.
    Existing {
        dir: PathBuf,
        lib: PathBuf,
        old: String,
        new: String,
    },
}

/// A checked scaffold: nothing has been written yet.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The tool.
    pub tool: String,
    /// The plugin crate serving it.
    pub krate: String,
    /// The workspace root.
    pub workspace: PathBuf,
    /// The tool-set file.
    pub toolset: PathBuf,
    target: Target,
}

impl Plan {
    /// Checks `request` against the workspace and its tool set.
    ///
    /// # Errors
    ///
    /// Every [`ScaffoldError`] but `Build`, `Changed` and (mostly) `Io`.
    pub fn new(request: &Request) -> Result<Self, ScaffoldError> {
        let tool = request.tool.clone();
        name::check(&tool).map_err(|reason| ScaffoldError::InvalidName {
            name: tool.clone(),
            reason,
        })?;
        let workspace = find_workspace(request.workspace.as_deref())?;
        let toolset = request
            .toolset
            .clone()
            .unwrap_or_else(|| workspace.join(DEFAULT_TOOLSET));
        if let Some(found) = existing::registered_tool(&workspace, &tool) {
            return Err(ScaffoldError::ToolExists {
                tool,
                file: found.file,
                line: found.line,
            });
        }
        let (krate, target) = match &request.plugin {
            None => new_crate(&workspace, &tool)?,
            Some(krate) => (krate.clone(), existing_crate(&workspace, krate, &tool)?),
        };
        let plan = Plan {
            tool,
            krate,
            workspace,
            toolset,
            target,
        };
        plan.toolset_edit()?;
        Ok(plan)
    }

    /// Writes the crate, or the tool file and the edited `lib.rs`; returns the paths written.
    ///
    /// # Errors
    ///
    /// [`ScaffoldError::Exists`] or [`ScaffoldError::Changed`] when something appeared or
    /// changed since the plan was made; I/O errors. A failure leaves nothing half-written.
    pub fn write_sources(&self) -> Result<Vec<PathBuf>, ScaffoldError> {
        match &self.target {
            Target::NewCrate(dir) => {
                let files = template::crate_files(&self.krate, &self.tool);
                let staging = self.workspace.join("target/omnysys-new");
                files::create_dir_with(dir, &staging, &files)?;
                Ok(files.into_iter().map(|(p, _)| dir.join(p)).collect())
            }
            Target::Existing { dir, lib, old, new } => {
                let (relative, text) = template::tool_file(&self.krate, &self.tool);
                let file = dir.join(relative);
                files::create_new(&file, &text)?;
                if let Err(e) = files::replace(lib, old, new) {
                    let _ = std::fs::remove_file(&file);
                    return Err(e);
                }
                Ok(vec![file, lib.clone()])
            }
        }
    }

    /// Where the plugin's library will be once built.
    pub fn library(&self) -> PathBuf {
        cargo::library_of(&self.workspace, &self.krate)
    }

    /// Makes the tool set serve the tool (re-read now: it may have changed since the plan).
    ///
    /// # Errors
    ///
    /// The tool set no longer parses or can no longer be edited; I/O errors.
    pub fn add_to_toolset(&self) -> Result<Addition, ScaffoldError> {
        let (text, edit) = self.toolset_edit()?;
        if edit.addition != Addition::AlreadyServed {
            files::replace(&self.toolset, &text, &edit.text)?;
        }
        Ok(edit.addition)
    }

    /// The tool set's text and its edit (the new crate counted as known).
    fn toolset_edit(&self) -> Result<(String, toolset_edit::Edit), ScaffoldError> {
        let text = std::fs::read_to_string(&self.toolset).map_err(|e| {
            ScaffoldError::Toolset(ToolsetError::Read(self.toolset.clone(), e.to_string()))
        })?;
        let mut known = crates_in(&self.workspace);
        if !known.contains(&self.krate) {
            known.push(self.krate.clone());
        }
        let old: Toolset = parse_toolset_with(&self.toolset, &text, &known)?;
        let edit =
            toolset_edit::add_tool(&self.toolset, &text, &old, &known, &self.krate, &self.tool)
                .map_err(|reason| ScaffoldError::ToolsetEdit {
                    file: self.toolset.clone(),
                    krate: self.krate.clone(),
                    reason,
                })?;
        Ok((text, edit))
    }
}

/// The workspace named (it must be one), else the running binary's, else the nearest around
/// the current directory.
fn find_workspace(named: Option<&Path>) -> Result<PathBuf, ScaffoldError> {
    if let Some(dir) = named {
        return if is_workspace(dir) {
            Ok(dir.to_path_buf())
        } else {
            Err(ScaffoldError::WorkspaceNotFound(format!(
                "`{}` is not an omnysys workspace (it needs Cargo.toml and engine/api/Cargo.toml)",
                dir.display()
            )))
        };
    }
    let around_cwd = || {
        let cwd = std::env::current_dir().ok()?;
        cwd.ancestors()
            .find(|d| is_workspace(d))
            .map(Path::to_path_buf)
    };
    running_workspace().or_else(around_cwd).ok_or_else(|| {
        ScaffoldError::WorkspaceNotFound(
            "this binary is not inside an omnysys workspace and neither is the current \
             directory; pass --workspace DIR"
                .to_owned(),
        )
    })
}

/// The crate `<tool>_tools` in `systems/`, which must not exist by name or directory.
fn new_crate(workspace: &Path, tool: &str) -> Result<(String, Target), ScaffoldError> {
    let krate = format!("{tool}_tools");
    let dir = workspace.join("systems").join(&krate);
    let by_name = existing::crate_dir(workspace, &krate);
    if let Some(dir) = by_name.or_else(|| dir.symlink_metadata().is_ok().then(|| dir.clone())) {
        return Err(ScaffoldError::CrateExists { krate, dir });
    }
    Ok((krate, Target::NewCrate(dir)))
}

/// The existing crate `krate`, its new tool file free and its `lib.rs` edited in memory.
fn existing_crate(workspace: &Path, krate: &str, tool: &str) -> Result<Target, ScaffoldError> {
    let dir =
        existing::crate_dir(workspace, krate).ok_or_else(|| ScaffoldError::UnknownPlugin {
            krate: krate.to_owned(),
            workspace: workspace.to_path_buf(),
            known: crates_in(workspace),
        })?;
    for taken in [format!("src/{tool}.rs"), format!("src/{tool}")] {
        if dir.join(&taken).symlink_metadata().is_ok() {
            return Err(ScaffoldError::Exists(dir.join(taken)));
        }
    }
    let manifest = dir.join("Cargo.toml");
    let deps = std::fs::read_to_string(&manifest).unwrap_or_default();
    for needed in ["omnysys_api", "serde", "schemars"] {
        if !deps.lines().any(|l| l.trim_start().starts_with(needed)) {
            return Err(ScaffoldError::MissingDependency {
                manifest,
                dependency: needed,
            });
        }
    }
    let lib = dir.join("src/lib.rs");
    let old = std::fs::read_to_string(&lib).map_err(|source| ScaffoldError::Io {
        path: lib.clone(),
        source,
    })?;
    let new =
        register::register(&old, tool).map_err(|reason| ScaffoldError::RegistrationNotFound {
            file: lib.clone(),
            tool: tool.to_owned(),
            reason,
        })?;
    Ok(Target::Existing { dir, lib, old, new })
}
