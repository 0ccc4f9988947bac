//! Keeping [`EngineStatus`] current: the part of the engine's state that status tools read.

use std::time::UNIX_EPOCH;

use bevy_ecs::world::World;
use omnysys_api::schema::{EngineStatus, PluginInfo, ReloadSummary};

use crate::plugin::{Generation, PluginSlot, Plugins};
use crate::reload::ReloadHistory;
use crate::tools::ExtractorCatalog;

/// Rebuilds the plugin part of the status resource from the plugins, the reload history and the
/// catalogs (the loop's part is kept by the loop).
pub fn refresh_status(world: &mut World) {
    let plugins = match world.get_resource::<Plugins>() {
        Some(plugins) => {
            let mapped = crate::proc_maps::mapped_copies(plugins.copies_dir());
            plugins
                .slots
                .values()
                .map(|s| plugin_info(s, &mapped))
                .collect()
        }
        None => Vec::new(),
    };
    let history = world.resource::<ReloadHistory>();
    let last_reloads = history
        .records
        .iter()
        .rev()
        .take(10)
        .rev()
        .map(summary)
        .collect();
    let extractor_versions = world
        .resource::<ExtractorCatalog>()
        .extractors
        .iter()
        .map(|(name, e)| (name.clone(), e.version.clone()))
        .collect();
    let quarantined = quarantined(world);
    let mut status = world.resource_mut::<EngineStatus>();
    status.quarantined = quarantined;
    status.engine_version = env!("CARGO_PKG_VERSION").to_owned();
    status.plugins = plugins;
    status.last_reloads = last_reloads;
    status.extractor_versions = extractor_versions;
}

/// The quarantine entries that kept a library out.
fn quarantined(world: &World) -> Vec<omnysys_api::schema::QuarantinedPlugin> {
    world
        .get_resource::<crate::plugin::quarantine::Quarantine>()
        .map(|q| {
            q.applied
                .iter()
                .map(|e| omnysys_api::schema::QuarantinedPlugin {
                    name: e.plugin.clone(),
                    generation: e.generation,
                    reason: e.reason.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn plugin_info(
    slot: &PluginSlot,
    mapped: &std::collections::BTreeMap<String, usize>,
) -> PluginInfo {
    let g: &Generation = &slot.current;
    let krate = crate::plugin::prepare::crate_name_of(g.library.copy_path());
    let krate = krate.split('-').next().unwrap_or_default().to_owned();
    PluginInfo {
        name: g.plugin.clone(),
        generation: g.number,
        version: g.info.version.clone(),
        loaded_at_ms: g
            .loaded_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64),
        library_bytes: g.library.size,
        mapped_generations: mapped.get(&krate).copied().unwrap_or(1),
        rollback_available: slot.previous.as_ref().is_some_and(|p| p.exists()),
        systems: g.systems.iter().map(|s| s.label()).collect(),
    }
}

fn summary(r: &crate::reload::ReloadRecord) -> ReloadSummary {
    let outcome = serde_json::to_value(r.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    ReloadSummary {
        plugin: r.plugin.clone(),
        generation: r.generation,
        outcome,
        reason: r.reason.chars().take(200).collect(),
    }
}
