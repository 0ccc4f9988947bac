//! The plugins the engine has loaded: one slot per plugin name, holding its serving generation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;

use super::generation::Generation;

/// One plugin: its serving generation and what a rollback would restore.
pub struct PluginSlot {
    /// Serving generation.
    pub current: Generation,
    /// A copy of the previous good generation's library, for rollback.
    pub previous: Option<PathBuf>,
    /// Number of the last generation prepared for this plugin (committed or not).
    pub last_number: u64,
    /// The tools a tool set enabled for it (`None`: all), kept for rollbacks.
    pub enabled: Option<Vec<String>>,
}

/// Every loaded plugin, by name: a resource of the engine's `World`, so the loop's systems can
/// reload. It holds library handles; the engine unloads every plugin (unregistering everything
/// that points into a library) before the `World` is dropped.
#[derive(Resource)]
pub struct Plugins {
    /// Slots by plugin name.
    pub slots: BTreeMap<String, PluginSlot>,
    copies_dir: PathBuf,
    copies: u64,
    schema: fn(&mut World),
}

impl Plugins {
    /// An empty registry whose library copies go to `copies_dir` (created if needed); `schema`
    /// registers every type of the engine's `World` on the scratch `World` new generations are
    /// checked against.
    ///
    /// # Errors
    ///
    /// When `copies_dir` cannot be created.
    pub fn new(copies_dir: PathBuf, schema: fn(&mut World)) -> std::io::Result<Self> {
        // Readable by this user only: it holds the code the engine runs.
        std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
            .create(&copies_dir)?;
        Ok(Plugins {
            slots: BTreeMap::new(),
            copies_dir,
            copies: 0,
            schema,
        })
    }

    /// Registers the engine's `World` types (for scratch-World checks).
    pub fn schema(&self) -> fn(&mut World) {
        self.schema
    }

    /// A fresh path for the next library copy of `source`.
    pub fn next_copy_path(&mut self, source: &Path) -> PathBuf {
        static COPIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        // Unique in the process, even when several engines share a directory.
        self.copies = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let stem = super::prepare::crate_name_of(source);
        let pid = std::process::id();
        self.copies_dir
            .join(format!("{stem}-{pid}-{}.so", self.copies))
    }

    /// Where the previous good library of `plugin` is archived.
    pub fn previous_path(&self, plugin: &str) -> PathBuf {
        let pid = std::process::id();
        self.copies_dir.join(format!("{plugin}-{pid}.previous.so"))
    }

    /// The directory library copies go to.
    pub fn copies_dir(&self) -> &Path {
        &self.copies_dir
    }

    /// The generation number a new load of `plugin` would get.
    pub fn next_number(&self, plugin: &str) -> u64 {
        self.slots.get(plugin).map_or(1, |s| s.last_number + 1)
    }

    /// Serving generations, by plugin name.
    pub fn generations(&self) -> impl Iterator<Item = &Generation> {
        self.slots.values().map(|s| &s.current)
    }
}
