//! Turning a tool set into reload changes: all of it at start-up, the difference on an edit.

use std::path::PathBuf;

use super::locate::LibraryLocator;
use super::parse::{PluginEntry, PluginSource, Toolset};
use crate::plugin::Plugins;
use crate::reload::ReloadChange;

/// The library file an entry names.
pub fn library_path(entry: &PluginEntry, locator: &LibraryLocator) -> PathBuf {
    match &entry.source {
        PluginSource::Crate(name) => locator.library_of(name),
        PluginSource::Path(path) => path.clone(),
    }
}

/// Loads every plugin of the tool set (one transaction).
pub fn load_changes(toolset: &Toolset, locator: &LibraryLocator) -> Vec<ReloadChange> {
    toolset
        .plugins
        .iter()
        .map(|e| ReloadChange::Load {
            source: library_path(e, locator),
            expect: None,
            tools: e.tools.clone(),
        })
        .collect()
}

/// What turns the loaded plugins into `toolset`: new entries loaded, entries whose enabled tools
/// changed reloaded, plugins no longer named unloaded.
pub fn diff_changes(
    plugins: &Plugins,
    toolset: &Toolset,
    locator: &LibraryLocator,
) -> Vec<ReloadChange> {
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for entry in &toolset.plugins {
        let source = library_path(entry, locator);
        let loaded = plugins
            .slots
            .iter()
            .find(|(_, s)| s.current.source == source);
        match loaded {
            Some((name, slot)) => {
                kept.push(name.clone());
                if slot.enabled != entry.tools {
                    changes.push(ReloadChange::Load {
                        source,
                        expect: Some(name.clone()),
                        tools: entry.tools.clone(),
                    });
                }
            }
            None => changes.push(ReloadChange::Load {
                source,
                expect: None,
                tools: entry.tools.clone(),
            }),
        }
    }
    for name in plugins.slots.keys().filter(|n| !kept.contains(n)) {
        changes.push(ReloadChange::Unload {
            plugin: name.clone(),
        });
    }
    changes
}
