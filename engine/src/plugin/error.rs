//! Why a plugin library was refused.

use std::path::PathBuf;

/// A library that could not become a plugin generation. Every variant names the problem in
/// words a user can act on; the old generation keeps serving.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// Reading or copying the file failed.
    #[error("cannot read `{path}`: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// The file may be written by others than the user running the engine (owned by another
    /// user, or world-writable): whoever can write it could run code in the engine.
    #[error("{0}")]
    Untrusted(String),
    /// `dlopen` refused the file, or it is not an ELF shared object.
    #[error("not a loadable library: {0}")]
    NotALibrary(String),
    /// The library has no entry symbol.
    #[error("the library has no `{0}` symbol: is it an omnysys plugin (declare_plugin!)?")]
    NoEntry(&'static str),
    /// The entry symbol is not an omnysys entry.
    #[error("the `OMNYSYS_PLUGIN_ENTRY` symbol does not start with the omnysys magic")]
    BadMagic,
    /// Plugin API versions differ.
    #[error("plugin API version {plugin}, engine speaks {engine}")]
    ApiVersion {
        /// The plugin's.
        plugin: u32,
        /// The engine's.
        engine: u32,
    },
    /// Built by another compiler.
    #[error("built with {plugin}, engine was built with {engine}")]
    Rustc {
        /// The plugin's compiler.
        plugin: String,
        /// The engine's compiler.
        engine: String,
    },
    /// Built with another profile.
    #[error("built with profile {plugin}, engine is {engine}; rebuild it with {hint}")]
    Profile {
        /// The plugin's profile.
        plugin: String,
        /// The engine's profile.
        engine: String,
        /// The command that fixes it.
        hint: String,
    },
    /// Type identities or layouts differ: another cargo invocation or feature set.
    #[error(
        "type `{type_name}` differs from the engine's ({detail}): the plugin was built in a \
         cargo invocation with other features; rebuild it with {hint}"
    )]
    Fingerprint {
        /// The first type that differs.
        type_name: String,
        /// What differs.
        detail: String,
        /// The command that fixes it.
        hint: String,
    },
    /// The plugin's `build` panicked.
    #[error("registration failed: {0}")]
    Registration(String),
    /// A setup function registered a component or resource type.
    #[error(
        "setup registered {0} new component or resource type(s) ({1}); plugins may not define World types"
    )]
    RegistersTypes(usize, String),
    /// A setup function panicked on the scratch World.
    #[error("setup failed on the scratch World: {0}")]
    Setup(String),
    /// The plugin's name is not the one expected for this slot.
    #[error("the library declares plugin `{found}`, expected `{expected}`")]
    WrongName {
        /// Expected name.
        expected: String,
        /// Declared name.
        found: String,
    },
    /// A tool set enables tools the plugin does not have.
    #[error("plugin `{plugin}` has no tool {}; it has: {}", unknown.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "), available.join(", "))]
    UnknownTools {
        /// The plugin.
        plugin: String,
        /// The names it lacks.
        unknown: Vec<String>,
        /// The names it has.
        available: Vec<String>,
    },
    /// Two plugins declare the same tool.
    #[error("tool `{tool}` is already served by plugin `{owner}`")]
    DuplicateTool {
        /// The tool.
        tool: String,
        /// Its current owner.
        owner: String,
    },
}
