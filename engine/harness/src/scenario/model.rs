//! The scenario file format.

use serde::Deserialize;

/// A scenario file.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What it shows.
    pub description: String,
    /// The fixture project, relative to the workspace root.
    #[serde(default)]
    pub project: Option<String>,
    /// Instead of a fixture: a generated JavaScript project of this many files (see
    /// [`crate::synthetic::write_javascript_project`]), written to the scenario's scratch directory.
    #[serde(default)]
    pub generated_project: Option<usize>,
    /// Steps, run in order.
    pub steps: Vec<Step>,
}

/// Where a library comes from.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub enum Library {
    /// `lib<crate>.so` in the engine's own target directory.
    Crate(String),
    /// `lib<crate>.so` in `target/debug` (a library of another profile).
    DebugCrate(String),
    /// A file, relative to the workspace root.
    Path(String),
    /// `lib<crate>.so` with this many zero bytes appended: a distinct build of the same code.
    Padded(String, usize),
    /// A file in the scenario's scratch directory (see [`Step::WriteLibrary`]).
    Scratch(String),
}

/// The expected outcome of a load, reload or rollback.
#[derive(Deserialize, Debug, Clone, PartialEq, Default)]
pub enum LoadExpect {
    /// The new generation serves.
    #[default]
    Loaded,
    /// Refused, with a reason containing this text.
    Refused(String),
    /// Restored from the previous good library.
    RolledBack,
    /// Loaded, with a note (such as a state reset) containing this text.
    LoadedWith(String),
}

/// The expected answer of a call.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub enum CallExpect {
    /// The structured result equals this value.
    Ok(serde_json::Value),
    /// The structured result contains these fields with these values (recursively).
    Contains(serde_json::Value),
    /// An `isError` result whose message contains this text.
    Error(String),
    /// The tool is not served.
    UnknownTool,
}

/// One step.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub enum Step {
    /// Load or replace a plugin from a library, as one reload transaction.
    Load {
        /// The library.
        library: Library,
        /// Expected outcome.
        #[serde(default)]
        expect: LoadExpect,
    },
    /// Load several libraries as one transaction.
    LoadBatch {
        /// The libraries.
        libraries: Vec<Library>,
        /// Expected outcome of the whole batch.
        #[serde(default)]
        expect: LoadExpect,
    },
    /// Roll a plugin back to its previous good library.
    Rollback {
        /// The plugin.
        plugin: String,
        /// Expected outcome.
        #[serde(default = "rolled_back")]
        expect: LoadExpect,
    },
    /// Index the project with the loaded extractors.
    Index,
    /// Call a tool.
    Call {
        /// Tool name.
        tool: String,
        /// Arguments.
        args: serde_json::Value,
        /// Expected answer.
        expect: CallExpect,
    },
    /// The served tool names are exactly these.
    Tools(Vec<String>),
    /// The plugin's serving generation.
    Generation {
        /// The plugin.
        plugin: String,
        /// Its generation number.
        is: u64,
    },
    /// The last reload record has a time for each named phase (no bounds on the times).
    PhasesRecorded(Vec<String>),
    /// The last reload record says the tool surface changed (or not).
    ToolsChanged(bool),
    /// Remember the state digest under a name.
    SaveDigest(String),
    /// The digest equals the one saved under this name.
    DigestUnchanged(String),
    /// The digest differs from the one saved under this name.
    DigestChanged(String),
    /// Change persistent state.
    Mutate(Mutation),
    /// The plugin systems in a set of the engine's loop are exactly these (`plugin.gN:name`).
    LoopSystems {
        /// The set: `admin`, `index`, `link`, `status` or `snapshot`.
        set: String,
        /// The systems, in the order they joined.
        is: Vec<String>,
    },
    /// Remember a plugin state value (it must exist) under a name.
    SavePluginState {
        /// Full key `plugin:KEY`.
        key: String,
        /// The name to remember it by.
        name: String,
    },
    /// A plugin state value differs (or not) from the one remembered under `saved`.
    PluginState {
        /// Full key `plugin:KEY`.
        key: String,
        /// The name it was remembered by.
        saved: String,
        /// Whether it must have changed.
        changed: bool,
    },
    /// An engine counter that plugins add to has this value.
    Counter {
        /// Counter name.
        name: String,
        /// Expected value.
        is: u64,
    },
    /// Start watching (plugin libraries, the tool set, plugin sources) with this debounce.
    Watch {
        /// Quiet time before acting, in ms.
        debounce_ms: u64,
    },
    /// Write a library's bytes to a file of the scratch directory, in place; with `pause_ms`,
    /// write the first half, wait, then the second.
    WriteLibrary {
        /// The bytes to write.
        library: Library,
        /// File name in the scratch directory.
        to: String,
        /// Pause between the two halves.
        #[serde(default)]
        pause_ms: Option<u64>,
    },
    /// Write a text file into the scratch directory (in place).
    WriteFile {
        /// File name in the scratch directory.
        to: String,
        /// Its text.
        text: String,
    },
    /// Load a tool set from the scratch directory, as `omnysys serve --toolset` does.
    UseToolset(String),
    /// Wait (bounded) until a plugin's generation reaches a number.
    WaitGeneration {
        /// The plugin.
        plugin: String,
        /// The generation.
        is: u64,
        /// Give up after this long.
        within_ms: u64,
    },
    /// Sleep.
    Sleep(u64),
    /// Queue a project file as a user edit would (high priority).
    Enqueue(String),
    /// Apply pending admin requests and drain the queue, as the engine thread does between
    /// requests.
    Tick,
    /// The watcher logged a change of a path ending with `path` whose action contains `action`.
    ChangeLogged {
        /// Path suffix.
        path: String,
        /// Text the action contains.
        action: String,
    },
    /// The most recent reload record has this outcome and a reason containing this text.
    LastRecord {
        /// Outcome, e.g. `ConfigRejected`.
        outcome: String,
        /// Text the reason contains.
        reason: String,
    },
    /// Swap a plugin back and forth while callers keep calling a tool from other threads.
    Stress(Stress),
    /// Swap a plugin many times and check memory, mapped libraries and file descriptors.
    Soak(Soak),
    /// Upgrade an extractor while callers query every file; count the queries inside the window.
    UpgradeWindow(UpgradeWindow),
    /// Start threads calling a tool over and over, until [`Step::StopCalling`].
    KeepCalling {
        /// Tool name.
        tool: String,
        /// Arguments.
        args: serde_json::Value,
        /// Number of calling threads.
        callers: usize,
    },
    /// Stop the callers: at least this many calls were made, and none failed.
    StopCalling {
        /// Fewest calls.
        min_calls: u64,
    },
}

fn rolled_back() -> LoadExpect {
    LoadExpect::RolledBack
}

/// A change to persistent state.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub enum Mutation {
    /// Spawn this many synthetic files, each with a hash, a cache entry and a queue item.
    SpawnFiles(usize),
    /// Set a plugin state value.
    SetPluginState {
        /// Full key `plugin:KEY`.
        key: String,
        /// The value.
        value: serde_json::Value,
    },
}

/// Parameters of [`Step::Stress`].
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stress {
    /// The plugin being swapped.
    pub plugin: String,
    /// Libraries to alternate between.
    pub libraries: Vec<Library>,
    /// Number of swaps.
    pub swaps: u64,
    /// Tool the callers call.
    pub tool: String,
    /// Its arguments.
    pub args: serde_json::Value,
    /// Number of calling threads.
    pub callers: usize,
}

/// Parameters of [`Step::Soak`].
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Soak {
    /// The plugin being swapped.
    pub plugin: String,
    /// Libraries to alternate between.
    pub libraries: Vec<Library>,
    /// Number of swaps.
    pub swaps: u64,
    /// Tool called once per generation.
    pub tool: String,
    /// Its arguments.
    pub args: serde_json::Value,
    /// Largest allowed RSS growth, in MB.
    pub max_rss_growth_mb: f64,
    /// Most library copies of this plugin mapped at once.
    pub max_mapped: usize,
    /// Counter the plugin's thread-local destructors add to.
    pub destructor_counter: Option<String>,
}

/// Parameters of [`Step::UpgradeWindow`].
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UpgradeWindow {
    /// The extractor's new library (a new extractor version, so every entry turns stale).
    pub library: Library,
    /// Tool the callers call, with `{"filePath": <each project file in turn>}`.
    pub tool: String,
    /// Number of calling threads.
    pub callers: usize,
    /// Files re-extracted per tick of the engine thread (queries are answered between ticks).
    pub batch: usize,
    /// Fewest queries that must land inside the window.
    pub min_inside: u64,
    /// Give up after this long.
    pub within_ms: u64,
}
