//! Tool sets: which plugins to load, read from RON and validated.
//!
//! `assets/toolsets/default.toolset.ron` is used when none is given. A tool set is never read
//! from the project being analysed.

mod apply;
mod locate;
mod parse;

pub use apply::{diff_changes, library_path, load_changes};
pub use locate::{
    DEFAULT_TOOLSET, LibraryLocator, crate_dirs_in, crate_name, crates_in, is_workspace,
    no_workspace, profile_dir, running_workspace, workspace_build_args, workspace_crates,
    workspace_root,
};
pub use parse::{
    DEFAULT_MAX_FILE_BYTES, IndexSettings, PluginEntry, PluginSource, Toolset, ToolsetError,
    WatchSettings, load_toolset, locate_reason, parse_toolset, parse_toolset_with,
};
