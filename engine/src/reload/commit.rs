//! Committing a prepared generation into the live `World`, and retiring the one it replaces.

use std::time::Instant;

use bevy_ecs::world::World;
use omnysys_api::state::{PluginStates, StateMigration, StoredState};

use super::{ReloadHistory, ReloadOutcome, ReloadRecord, record};
use crate::plugin::prepare::Prepared;
use crate::plugin::thread::{run_on_plugin_thread, thread_name};
use crate::plugin::{Generation, PluginSlot, Plugins};
use crate::tools::{
    CatalogEntry, ExtractorCatalog, ExtractorEntry, LoopEdits, ToolCatalog, extractor_system,
    tool_system,
};

/// Swaps `prepared` in for its plugin's serving generation and retires the old one.
pub fn commit(
    world: &mut World,
    plugins: &mut Plugins,
    prepared: Prepared,
    rollback: bool,
) -> ReloadRecord {
    let Prepared {
        mut generation,
        mut phases,
    } = prepared;
    let started = Instant::now();
    let old = plugins.slots.remove(&generation.plugin);
    let notes = apply_migrations(world, &generation);
    let surface_before = surface_of(world, &generation.plugin);
    register_tools(world, &mut generation);
    register_extractors(world, &mut generation);
    register_loop_systems(world, &mut generation);
    run_setups(world, &generation);
    let tools_changed = surface_before != surface_of(world, &generation.plugin);
    if tools_changed {
        world.resource_mut::<ToolCatalog>().revision += 1;
    }
    phases.push(("swap", started.elapsed()));
    let retire_started = Instant::now();
    let (previous, last) = match old {
        Some(slot) => (retire(world, plugins, slot.current), slot.last_number),
        None => (None, 0),
    };
    phases.push(("retire", retire_started.elapsed()));
    let outcome = if rollback {
        ReloadOutcome::RolledBack
    } else {
        ReloadOutcome::Loaded
    };
    let mut rec = record(
        &generation.plugin,
        Some(generation.number),
        outcome,
        notes.join("; "),
        &phases,
        generation.library.size,
    );
    rec.tools_changed = tools_changed;
    tracing::info!(plugin = %generation.plugin, generation = generation.number, ?outcome, swap_us = rec.phase("swap").map_or(0, |d| d.as_micros() as u64), "plugin generation serving");
    let number = generation.number.max(last + 1);
    generation.number = number;
    let previous = previous.or_else(|| {
        plugins
            .slots
            .get(&generation.plugin)
            .and_then(|s| s.previous.clone())
    });
    plugins.slots.insert(
        generation.plugin.clone(),
        PluginSlot {
            enabled: generation.enabled.clone(),
            current: generation,
            previous,
            last_number: number,
        },
    );
    world.resource_mut::<ReloadHistory>().push(rec.clone());
    rec
}

/// Removes a plugin entirely.
pub fn unload(world: &mut World, plugins: &mut Plugins, plugin: &str) -> ReloadRecord {
    let rec = match plugins.slots.remove(plugin) {
        Some(slot) => {
            let number = slot.current.number;
            world
                .resource_mut::<ToolCatalog>()
                .tools
                .retain(|_, e| e.plugin != plugin);
            world
                .resource_mut::<ExtractorCatalog>()
                .extractors
                .retain(|_, e| e.plugin != plugin);
            retire(world, plugins, slot.current);
            world.resource_mut::<ToolCatalog>().revision += 1;
            record(
                plugin,
                Some(number),
                ReloadOutcome::Unloaded,
                String::new(),
                &Vec::new(),
                0,
            )
        }
        None => record(
            plugin,
            None,
            ReloadOutcome::Refused,
            format!("no plugin `{plugin}` is loaded"),
            &Vec::new(),
            0,
        ),
    };
    world.resource_mut::<ReloadHistory>().push(rec.clone());
    rec
}

/// Writes migrated state; returns a note per reset.
fn apply_migrations(world: &mut World, generation: &Generation) -> Vec<String> {
    let mut notes = Vec::new();
    let mut states = world.resource_mut::<PluginStates>();
    for (key, type_name, migration) in &generation.migrations {
        let value = match migration {
            StateMigration::Kept => continue,
            StateMigration::Initialized(v) | StateMigration::Migrated(v) => v.clone(),
            StateMigration::Reset { value, reason } => {
                tracing::warn!(plugin = %generation.plugin, key = %key, %reason, "plugin state does not fit its new type; reset to default");
                notes.push(format!("state `{key}` reset to default: {reason}"));
                value.clone()
            }
        };
        states.0.insert(
            key.clone(),
            StoredState {
                type_name: type_name.clone(),
                value,
            },
        );
    }
    notes
}

type Surface = Vec<(
    String,
    String,
    serde_json::Value,
    serde_json::Value,
    omnysys_api::tool::ToolAnnotations,
)>;

fn surface_of(world: &World, plugin: &str) -> Surface {
    let catalog = world.resource::<ToolCatalog>();
    let entries = catalog.tools.iter().filter(|(_, e)| e.plugin == plugin);
    entries
        .map(|(name, e)| {
            let (d, i, o, a) = e.surface();
            (name.clone(), d.to_owned(), i.clone(), o.clone(), a.clone())
        })
        .collect()
}

fn register_tools(world: &mut World, generation: &mut Generation) {
    let plugin = generation.plugin.clone();
    world
        .resource_mut::<ToolCatalog>()
        .tools
        .retain(|_, e| e.plugin != plugin);
    for tool in &generation.tools {
        let id = world.register_system(tool_system(tool.clone()));
        let decl = &tool.decl;
        let entry = CatalogEntry {
            plugin: plugin.clone(),
            generation: generation.number,
            system: id,
            tool: tool.clone(),
            description: decl.spec.description.clone(),
            input_schema: decl.input_schema.clone(),
            output_schema: decl.output_schema.clone(),
            annotations: decl.spec.annotations.clone(),
        };
        world
            .resource_mut::<ToolCatalog>()
            .tools
            .insert(decl.spec.name.clone(), entry);
        generation
            .ledger
            .tool_systems
            .push((decl.spec.name.clone(), id));
    }
}

fn register_extractors(world: &mut World, generation: &mut Generation) {
    let plugin = generation.plugin.clone();
    world
        .resource_mut::<ExtractorCatalog>()
        .extractors
        .retain(|_, e| e.plugin != plugin);
    for extractor in &generation.extractors {
        let id = world.register_system(extractor_system(extractor.clone()));
        let spec = &extractor.decl.spec;
        let entry = ExtractorEntry {
            name: spec.name.clone(),
            version: spec.version.clone(),
            extensions: spec.extensions.clone(),
            plugin: plugin.clone(),
            generation: generation.number,
            system: id,
        };
        world
            .resource_mut::<ExtractorCatalog>()
            .extractors
            .insert(spec.name.clone(), entry);
        generation.ledger.extractor_systems.push(id);
    }
}

/// Queues the generation's loop systems to join the engine's loop, as one set.
fn register_loop_systems(world: &mut World, generation: &mut Generation) {
    if generation.systems.is_empty() {
        return;
    }
    let set = generation.loop_set();
    world
        .resource_mut::<LoopEdits>()
        .add
        .push((set.clone(), generation.systems.clone()));
    generation.ledger.loop_set = Some(set);
}

fn run_setups(world: &mut World, generation: &Generation) {
    let thread = thread_name(&generation.plugin, generation.number);
    for setup in &generation.setups {
        let outcome = run_on_plugin_thread(&thread, || setup(world));
        if let Err(e) = outcome.and_then(|r| r.map_err(|p| p.to_string())) {
            tracing::error!(plugin = %generation.plugin, error = %e, "setup failed on the live World after passing on the scratch World");
        }
    }
}

/// Unregisters everything `old` registered, archives its library for rollback, and drops it.
/// Returns the archive path.
fn retire(world: &mut World, plugins: &Plugins, old: Generation) -> Option<std::path::PathBuf> {
    for (_, id) in &old.ledger.tool_systems {
        let _ = world.unregister_system(*id);
    }
    for id in &old.ledger.extractor_systems {
        let _ = world.unregister_system(*id);
    }
    for system in &old.systems {
        system
            .retired
            .store(true, std::sync::atomic::Ordering::Release);
    }
    if let Some(set) = &old.ledger.loop_set {
        world.resource_mut::<LoopEdits>().remove.push(set.clone());
    }
    let archive = plugins.previous_path(&old.plugin);
    let archived = std::fs::hard_link(old.library.copy_path(), &archive)
        .or_else(|_| {
            let _ = std::fs::remove_file(&archive);
            std::fs::hard_link(old.library.copy_path(), &archive)
        })
        .is_ok();
    drop(old);
    archived.then_some(archive)
}
