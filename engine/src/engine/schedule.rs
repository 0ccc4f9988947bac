//! The engine's loop: one bevy `Schedule` that every runner runs, tick by tick.
//!
//! Its sets run in the order of [`EngineSet::ALL`]: admin requests, one batch of the queue, link,
//! status, snapshot. In each set the engine's own system runs first, then the systems plugins
//! added to that set. Plugin systems join and leave through [`LoopEdits`], applied between runs.

use std::collections::BTreeMap;

use bevy_ecs::prelude::IntoScheduleConfigs;
use bevy_ecs::resource::Resource;
use bevy_ecs::schedule::{
    Schedule, ScheduleCleanupPolicy, ScheduleLabel, SingleThreadedExecutor, SystemSet,
};
use bevy_ecs::system::Local;
use bevy_ecs::world::World;
use omnysys_api::graph::DependencyGraph;
use omnysys_api::schedule::{EngineSet, RunWhen};
use omnysys_api::schema::{EngineStatus, LoopSetStatus};

use crate::plugin::LoadedSystem;
use crate::tools::{LoopEdits, loop_system};

/// The label of the engine's loop.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct EngineLoop;

/// Inside each [`EngineSet`]: the engine's own system, then the plugins'.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Part {
    Engine(EngineSet),
    Plugins(EngineSet),
}

/// How often the loop and each of its sets ran, and the plugin systems in each set.
#[derive(Resource, Default, Debug)]
pub struct LoopStats {
    /// Ticks run.
    pub ticks: u64,
    /// Runs per set.
    pub runs: BTreeMap<EngineSet, u64>,
    /// Plugin systems per set, as `plugin.gN:name`.
    pub plugin_systems: BTreeMap<EngineSet, Vec<String>>,
    /// The lists changed since status last copied them.
    relist: bool,
}

impl LoopStats {
    /// Counts a run of `set`.
    pub fn ran(world: &mut World, set: EngineSet) {
        *world
            .resource_mut::<LoopStats>()
            .runs
            .entry(set)
            .or_default() += 1;
    }
}

/// The engine's system in each set, by name.
const ENGINE_SYSTEMS: [(EngineSet, &str); 5] = [
    (EngineSet::Admin, "apply_admin_requests"),
    (EngineSet::Index, "index_batch"),
    (EngineSet::Link, "link_batch"),
    (EngineSet::Status, "refresh_status"),
    (EngineSet::Snapshot, "mark_snapshot_dirty"),
];

/// Adds the loop, with the engine's systems, to `world`.
pub fn add_engine_loop(world: &mut World) {
    let mut schedule = Schedule::new(EngineLoop);
    schedule.set_executor(SingleThreadedExecutor::new());
    for pair in EngineSet::ALL.windows(2) {
        schedule.configure_sets(pair[1].after(pair[0]));
    }
    for set in EngineSet::ALL {
        schedule.configure_sets(Part::Engine(set).in_set(set).before(Part::Plugins(set)));
        schedule.configure_sets(Part::Plugins(set).in_set(set));
    }
    schedule.add_systems((
        super::systems::apply_admin_requests.in_set(Part::Engine(EngineSet::Admin)),
        super::systems::index_batch.in_set(Part::Engine(EngineSet::Index)),
        super::systems::link_batch.in_set(Part::Engine(EngineSet::Link)),
        super::systems::refresh_status.in_set(Part::Engine(EngineSet::Status)),
        super::systems::mark_snapshot_dirty.in_set(Part::Engine(EngineSet::Snapshot)),
    ));
    world.add_schedule(schedule);
    world.init_resource::<LoopStats>();
}

/// Applies waiting [`LoopEdits`] to the loop; returns false (leaving them waiting) while the
/// loop is running.
pub fn apply_loop_edits(world: &mut World) -> bool {
    if world.resource::<LoopEdits>().is_empty() {
        return true;
    }
    let edits = std::mem::take(&mut *world.resource_mut::<LoopEdits>());
    let applied = world.try_schedule_scope(EngineLoop, |world, schedule| {
        for set in &edits.remove {
            let _ = schedule.remove_systems_in_set(
                set.clone(),
                world,
                ScheduleCleanupPolicy::RemoveSetAndSystemsAllowBreakages,
            );
        }
        for (set, systems) in &edits.add {
            for system in systems {
                add_plugin_system(schedule, set.clone(), system.clone());
            }
        }
        // Rebuilt now, so removed systems (and what they hold of their library) drop now.
        if let Err(e) = schedule.initialize(world) {
            tracing::error!(error = %e, "the engine's loop could not be rebuilt");
        }
    });
    if applied.is_err() {
        *world.resource_mut::<LoopEdits>() = edits;
        return false;
    }
    record_plugin_systems(world, &edits);
    report_loop(world);
    true
}

fn add_plugin_system(
    schedule: &mut Schedule,
    generation: crate::plugin::GenerationSystems,
    system: std::sync::Arc<LoadedSystem>,
) {
    let set = system.decl.spec.set;
    let when = system.decl.spec.when;
    let config = loop_system(system)
        .in_set(Part::Plugins(set))
        .in_set(generation);
    match when {
        RunWhen::EveryTick => schedule.add_systems(config),
        RunWhen::GraphSettled => schedule.add_systems(config.run_if(graph_settled)),
    };
}

/// A run condition: the graph's edges changed since the system last ran, and no file waits
/// for analysis (so a derived view is rebuilt once per indexing pass, not once per batch).
fn graph_settled(world: &World, mut seen: Local<Option<u64>>) -> bool {
    if crate::index::has_queued(world) {
        return false;
    }
    let fingerprint = world.resource::<DependencyGraph>().fingerprint();
    if *seen == Some(fingerprint) {
        return false;
    }
    *seen = Some(fingerprint);
    true
}

fn record_plugin_systems(world: &mut World, edits: &LoopEdits) {
    let mut stats = world.resource_mut::<LoopStats>();
    stats.relist = true;
    for set in &edits.remove {
        let prefix = format!("{}.g{}:", set.plugin, set.generation);
        for names in stats.plugin_systems.values_mut() {
            names.retain(|n| !n.starts_with(&prefix));
        }
    }
    for (set, systems) in &edits.add {
        for s in systems {
            let name = format!("{}.g{}:{}", set.plugin, set.generation, s.decl.spec.name);
            stats
                .plugin_systems
                .entry(s.decl.spec.set)
                .or_default()
                .push(name);
        }
    }
}

/// Copies the loop's counts into [`EngineStatus`] (the lists only when they changed).
pub fn report_loop(world: &mut World) {
    let relist = std::mem::take(&mut world.resource_mut::<LoopStats>().relist);
    if relist || world.resource::<EngineStatus>().engine_loop.sets.is_empty() {
        let listed = listed_sets(world);
        world.resource_mut::<EngineStatus>().engine_loop.sets = listed;
    }
    let stats = world.resource::<LoopStats>();
    let ticks = stats.ticks;
    let runs: Vec<u64> = EngineSet::ALL
        .iter()
        .map(|s| stats.runs.get(s).copied().unwrap_or(0))
        .collect();
    let mut status = world.resource_mut::<EngineStatus>();
    status.engine_loop.ticks = ticks;
    for (entry, runs) in status.engine_loop.sets.iter_mut().zip(runs) {
        entry.runs = runs;
    }
}

fn listed_sets(world: &World) -> Vec<LoopSetStatus> {
    let stats = world.resource::<LoopStats>();
    ENGINE_SYSTEMS
        .iter()
        .map(|(set, engine_system)| {
            let mut systems = vec![(*engine_system).to_owned()];
            systems.extend(stats.plugin_systems.get(set).cloned().unwrap_or_default());
            LoopSetStatus {
                name: set.name().to_owned(),
                runs: 0,
                systems,
            }
        })
        .collect()
}
