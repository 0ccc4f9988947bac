//! A plugin generation: one loaded copy of a library and everything it registered.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use bevy_ecs::system::{In, SystemId};

use super::call::ToolSystemId;
use omnysys_api::extractor::ExtractorDecl;
use omnysys_api::facts::FileFacts;
use omnysys_api::registrar::SetupFn;
use omnysys_api::schedule::SystemDecl;
use omnysys_api::state::StateMigration;
use omnysys_api::tool::ToolDecl;

use super::library::{EntryInfo, LoadedLibrary};

/// One file to extract.
#[derive(Debug, Clone)]
pub struct ExtractJob {
    /// Project-relative path.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The outcome for one file.
#[derive(Debug, Clone)]
pub struct ExtractResult {
    /// Project-relative path.
    pub path: String,
    /// Facts, or why there are none.
    pub outcome: Result<FileFacts, String>,
}

/// The id of an extractor's system in the `World`.
pub type ExtractSystemId = SystemId<In<Vec<ExtractJob>>, Vec<ExtractResult>>;

/// The set holding one generation's systems in the engine's loop, so they leave it together.
#[derive(bevy_ecs::schedule::SystemSet, Clone, Debug, PartialEq, Eq, Hash)]
pub struct GenerationSystems {
    /// Plugin name.
    pub plugin: String,
    /// Generation number.
    pub generation: u64,
}

/// A tool of one generation. Holds its library open for as long as the tool lives; the boxed
/// function (plugin code) is dropped before the library handle.
pub struct LoadedTool {
    /// The plugin's declaration.
    pub decl: ToolDecl,
    /// Owning plugin.
    pub plugin: String,
    /// Owning generation.
    pub generation: u64,
    _library: Arc<LoadedLibrary>,
}

impl std::fmt::Debug for LoadedTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedTool")
            .field("name", &self.decl.spec.name)
            .field("plugin", &self.plugin)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// A system one generation added to the engine's loop.
pub struct LoadedSystem {
    /// The plugin's declaration.
    pub decl: SystemDecl,
    /// Owning plugin.
    pub plugin: String,
    /// Owning generation.
    pub generation: u64,
    /// Set when the generation is retired: a system still in the loop until the loop is next
    /// edited does nothing.
    pub retired: std::sync::atomic::AtomicBool,
    _library: Arc<LoadedLibrary>,
}

impl LoadedSystem {
    /// `set:name`, as status lists it.
    pub fn label(&self) -> String {
        format!("{}:{}", self.decl.spec.set.name(), self.decl.spec.name)
    }
}

/// An extractor of one generation.
pub struct LoadedExtractor {
    /// The plugin's declaration.
    pub decl: ExtractorDecl,
    /// Owning plugin.
    pub plugin: String,
    /// Owning generation.
    pub generation: u64,
    _library: Arc<LoadedLibrary>,
}

/// Everything one generation registered, so retirement can undo all of it (the ledger).
#[derive(Default)]
pub struct Ledger {
    /// Systems registered in the `World` for its tools.
    pub tool_systems: Vec<(String, ToolSystemId)>,
    /// Systems registered in the `World` for its extractors.
    pub extractor_systems: Vec<ExtractSystemId>,
    /// The set its systems were added to the engine's loop under, if it added any.
    pub loop_set: Option<GenerationSystems>,
}

/// One loaded, verified generation of a plugin.
pub struct Generation {
    /// Plugin name (from its manifest).
    pub plugin: String,
    /// Generation number, per plugin, starting at 1.
    pub number: u64,
    /// Header of the entry static.
    pub info: EntryInfo,
    /// Where the library was loaded from.
    pub source: PathBuf,
    /// xxh3 of the library bytes.
    pub content_hash: u64,
    /// When it was committed.
    pub loaded_at: SystemTime,
    /// Tools it serves.
    pub tools: Vec<Arc<LoadedTool>>,
    /// Extractors it serves.
    pub extractors: Vec<Arc<LoadedExtractor>>,
    /// Systems it adds to the engine's loop.
    pub systems: Vec<Arc<LoadedSystem>>,
    /// Setup functions, run on the scratch World, then once on the live one.
    pub setups: Vec<SetupFn>,
    /// State migrations computed while preparing, applied at commit.
    pub migrations: Vec<(String, String, StateMigration)>,
    /// What it registered in the live World.
    pub ledger: Ledger,
    /// The tool names a tool set enabled (`None`: all).
    pub enabled: Option<Vec<String>>,
    /// Kept last, so that it is dropped after everything that points into the library.
    pub library: Arc<LoadedLibrary>,
}

impl Generation {
    /// Wraps the declarations of a freshly registered library.
    pub fn new(
        info: EntryInfo,
        number: u64,
        library: Arc<LoadedLibrary>,
        tools: Vec<ToolDecl>,
        extractors: Vec<ExtractorDecl>,
    ) -> Self {
        let plugin = info.name.clone();
        let tool = |decl| LoadedTool {
            decl,
            plugin: plugin.clone(),
            generation: number,
            _library: library.clone(),
        };
        let tools = tools.into_iter().map(|d| Arc::new(tool(d))).collect();
        let extractor = |decl| LoadedExtractor {
            decl,
            plugin: plugin.clone(),
            generation: number,
            _library: library.clone(),
        };
        let extractors = extractors
            .into_iter()
            .map(|d| Arc::new(extractor(d)))
            .collect();
        Generation {
            plugin: plugin.clone(),
            number,
            info,
            source: PathBuf::new(),
            content_hash: 0,
            loaded_at: SystemTime::now(),
            tools,
            extractors,
            systems: Vec::new(),
            setups: Vec::new(),
            migrations: Vec::new(),
            ledger: Ledger::default(),
            enabled: None,
            library,
        }
    }

    /// Wraps the loop systems the library registered.
    pub fn add_systems(&mut self, decls: Vec<SystemDecl>) {
        let system = |decl| LoadedSystem {
            decl,
            plugin: self.plugin.clone(),
            generation: self.number,
            retired: std::sync::atomic::AtomicBool::new(false),
            _library: self.library.clone(),
        };
        let systems: Vec<_> = decls.into_iter().map(|d| Arc::new(system(d))).collect();
        self.systems = systems;
    }

    /// The set its loop systems are added under.
    pub fn loop_set(&self) -> GenerationSystems {
        GenerationSystems {
            plugin: self.plugin.clone(),
            generation: self.number,
        }
    }

    /// Names of the tools it serves.
    pub fn tool_names(&self) -> Vec<String> {
        self.tools
            .iter()
            .map(|t| t.decl.spec.name.clone())
            .collect()
    }
}
