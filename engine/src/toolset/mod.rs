//! Tool sets: which plugins to load, read from RON and validated.
//!
//! `assets/toolsets/default.toolset.ron` is used when none is given. A tool set is never read
//! from the project being analysed.

mod locate;
mod parse;

pub use locate::{LibraryLocator, profile_dir, workspace_root};
pub use parse::{PluginSource, Toolset, ToolsetError, load_toolset};
