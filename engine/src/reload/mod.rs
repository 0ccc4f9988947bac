//! The reload coordinator: a batch of plugin changes applied as one transaction.
//!
//! The seed's flow, with the World owning all state:
//!
//! 1. **Prepare** every change completely ([`crate::plugin::prepare`]): copy, open, verify,
//!    register, scratch-World check, state migrations. Nothing touches the live `World`.
//! 2. If any change failed, **abort** the batch: drop what was prepared; every old generation
//!    keeps serving. Each change gets a record saying why.
//! 3. **Commit** at a point where no plugin code runs (the engine thread, between requests):
//!    write migrated state, register the new tool and extractor systems, swap catalog entries.
//! 4. **Retire** each old generation: unregister its systems, archive its library for rollback,
//!    drop it (closing the library once nothing points into it).

mod commit;
mod history;
mod quarantined;

use std::path::PathBuf;
use std::time::SystemTime;

use bevy_ecs::world::World;
use omnysys_api::state::PluginStates;

use crate::plugin::prepare::{PrepareRequest, Prepared, prepare};
use crate::plugin::{LoadError, Plugins};
use crate::tools::ToolCatalog;

pub use history::{ReloadHistory, ReloadOutcome, ReloadRecord};

/// Initialises the resources this module owns.
pub fn init_resources(world: &mut World) {
    world.init_resource::<ReloadHistory>();
    world.init_resource::<crate::plugin::quarantine::Quarantine>();
}

/// One change in a reload batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReloadChange {
    /// Load (or replace) a plugin from a library file.
    Load {
        /// The library as built.
        source: PathBuf,
        /// The plugin name it must declare, when replacing a known plugin.
        expect: Option<String>,
        /// Tools to serve; `None` serves every tool the plugin registers.
        tools: Option<Vec<String>>,
    },
    /// Restore the previous good library of a plugin, as a new generation.
    Rollback {
        /// The plugin.
        plugin: String,
    },
    /// Remove a plugin.
    Unload {
        /// The plugin.
        plugin: String,
    },
}

/// What a reload batch did.
#[derive(Clone, Debug, Default)]
pub struct ReloadReport {
    /// One record per change.
    pub records: Vec<ReloadRecord>,
}

impl ReloadReport {
    /// True when every change was committed.
    pub fn committed(&self) -> bool {
        self.records.iter().all(|r| {
            matches!(
                r.outcome,
                ReloadOutcome::Loaded
                    | ReloadOutcome::RolledBack
                    | ReloadOutcome::Unloaded
                    | ReloadOutcome::Quarantined
            )
        })
    }
}

struct Pending {
    label: String,
    rollback: bool,
    result: Result<Prepared, (LoadError, crate::plugin::prepare::Phases)>,
}

/// Applies `changes` as one transaction.
pub fn reload(
    world: &mut World,
    plugins: &mut Plugins,
    changes: Vec<ReloadChange>,
) -> ReloadReport {
    let (loads, unloads): (Vec<_>, Vec<_>) = changes
        .into_iter()
        .partition(|c| !matches!(c, ReloadChange::Unload { .. }));
    let mut pending = prepare_all(world, plugins, loads);
    let kept_out = quarantined::take(world, &mut pending);
    check_tool_conflicts(world, &mut pending);
    if pending.iter().any(|p| p.result.is_err()) {
        let mut report = abort(world, pending);
        report.records.extend(kept_out);
        return report;
    }
    let mut report = ReloadReport { records: kept_out };
    for p in pending {
        let Ok(prepared) = p.result else { continue };
        let record = commit::commit(world, plugins, prepared, p.rollback);
        quarantined::note_commit(world, plugins, &record);
        report.records.push(record);
    }
    for change in unloads {
        if let ReloadChange::Unload { plugin } = change {
            report.records.push(commit::unload(world, plugins, &plugin));
        }
    }
    report
}

/// Prepares `loads`, each library on its own thread when there are several (reading, checking
/// and copying a library is most of a start-up's time, and libraries are independent until
/// they are committed, in `loads`' order).
fn prepare_all(world: &World, plugins: &mut Plugins, loads: Vec<ReloadChange>) -> Vec<Pending> {
    let plans: Vec<Planned> = loads.into_iter().map(|c| plan_change(plugins, c)).collect();
    let plugins = &*plugins;
    if plans.len() < 2 {
        return plans
            .into_iter()
            .map(|planned| planned.prepare(world, plugins))
            .collect();
    }
    std::thread::scope(|scope| {
        let started: Vec<Started<'_>> = plans
            .into_iter()
            .map(|planned| {
                let Planned::Ready(plan) = planned else {
                    return Started::Done(planned);
                };
                let builder = std::thread::Builder::new().name("omnysys-prepare".to_owned());
                let inline = plan.clone();
                match builder.spawn_scoped(scope, move || prepare_planned(world, plugins, plan)) {
                    Ok(handle) => Started::Thread(handle),
                    // No thread to be had: this one prepares it, after the others started.
                    Err(_) => Started::Done(Planned::Ready(inline)),
                }
            })
            .collect();
        started
            .into_iter()
            .map(|started| match started {
                Started::Done(planned) => planned.prepare(world, plugins),
                Started::Thread(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            })
            .collect()
    })
}

/// A change planned, or refused before anything was read.
enum Planned {
    Ready(Plan),
    Refused(Box<Pending>),
}

impl Planned {
    fn prepare(self, world: &World, plugins: &Plugins) -> Pending {
        match self {
            Planned::Ready(plan) => prepare_planned(world, plugins, plan),
            Planned::Refused(pending) => *pending,
        }
    }
}

/// A change being prepared on its own thread, or to prepare (or refused) on this one.
enum Started<'scope> {
    Thread(std::thread::ScopedJoinHandle<'scope, Pending>),
    Done(Planned),
}

/// What preparing one change needs, decided (and its copy path taken) before any library is read.
#[derive(Clone)]
struct Plan {
    source: PathBuf,
    copy: PathBuf,
    expect: Option<String>,
    rollback: bool,
    tools: Option<Vec<String>>,
}

fn plan_change(plugins: &mut Plugins, change: ReloadChange) -> Planned {
    let (source, expect, rollback, tools) = match change {
        ReloadChange::Load {
            source,
            expect,
            tools,
        } => (source, expect, false, tools),
        ReloadChange::Rollback { plugin } => {
            match plugins.slots.get(&plugin).and_then(|s| s.previous.clone()) {
                Some(previous) => {
                    let tools = plugins.slots.get(&plugin).and_then(|s| s.enabled.clone());
                    (previous, Some(plugin), true, tools)
                }
                None => {
                    let err = LoadError::Io {
                        path: PathBuf::from(&plugin),
                        message: format!("no previous good library of `{plugin}` to roll back to"),
                    };
                    return Planned::Refused(Box::new(Pending {
                        label: plugin,
                        rollback: true,
                        result: Err((err, Vec::new())),
                    }));
                }
            }
        }
        ReloadChange::Unload { .. } => unreachable!("unloads are partitioned out"),
    };
    let copy = plugins.next_copy_path(&source);
    Planned::Ready(Plan {
        source,
        copy,
        expect,
        rollback,
        tools,
    })
}

fn prepare_planned(world: &World, plugins: &Plugins, plan: Plan) -> Pending {
    let empty = PluginStates::default();
    let states = world.get_resource::<PluginStates>().unwrap_or(&empty);
    let number_for = |name: &str| plugins.next_number(name);
    let req = PrepareRequest {
        source: &plan.source,
        copy: plan.copy,
        number_for: &number_for,
        expect_name: plan.expect.as_deref(),
        states,
        schema: plugins.schema(),
    };
    let result = prepare(req).and_then(|p| enable_only(p, plan.tools));
    let label = match &result {
        Ok(p) => p.generation.plugin.clone(),
        Err(_) => plan
            .expect
            .unwrap_or_else(|| crate::plugin::prepare::crate_name_of(&plan.source)),
    };
    Pending {
        label,
        rollback: plan.rollback,
        result,
    }
}

/// Keeps only the enabled tools of a prepared generation.
fn enable_only(
    mut prepared: Prepared,
    enabled: Option<Vec<String>>,
) -> Result<Prepared, (LoadError, crate::plugin::prepare::Phases)> {
    let Some(enabled) = enabled else {
        return Ok(prepared);
    };
    let available = prepared.generation.tool_names();
    let unknown: Vec<String> = enabled
        .iter()
        .filter(|t| !available.contains(t))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        let plugin = prepared.generation.plugin.clone();
        let err = LoadError::UnknownTools {
            plugin,
            unknown,
            available,
        };
        return Err((err, prepared.phases));
    }
    prepared
        .generation
        .tools
        .retain(|t| enabled.contains(&t.decl.spec.name));
    prepared.generation.enabled = Some(enabled);
    Ok(prepared)
}

/// Refuses a prepared generation whose tool names another plugin already serves.
fn check_tool_conflicts(world: &World, pending: &mut [Pending]) {
    let catalog = world.resource::<ToolCatalog>();
    let replaced: Vec<String> = pending.iter().map(|p| p.label.clone()).collect();
    let mut claimed: Vec<(String, String)> = catalog
        .tools
        .iter()
        .filter(|(_, e)| !replaced.contains(&e.plugin))
        .map(|(name, e)| (name.clone(), e.plugin.clone()))
        .collect();
    for p in pending.iter_mut() {
        let Ok(prepared) = &p.result else { continue };
        let conflict = prepared
            .generation
            .tool_names()
            .into_iter()
            .find_map(|tool| {
                claimed
                    .iter()
                    .find(|(t, _)| *t == tool)
                    .map(|(_, owner)| (tool, owner.clone()))
            });
        if let Some((tool, owner)) = conflict {
            p.result = Err((LoadError::DuplicateTool { tool, owner }, Vec::new()));
            continue;
        }
        claimed.extend(
            prepared
                .generation
                .tool_names()
                .into_iter()
                .map(|t| (t, p.label.clone())),
        );
    }
}

fn abort(world: &mut World, pending: Vec<Pending>) -> ReloadReport {
    let first_error = pending
        .iter()
        .find_map(|p| {
            p.result
                .as_ref()
                .err()
                .map(|(e, _)| format!("{}: {e}", p.label))
        })
        .unwrap_or_default();
    let mut report = ReloadReport::default();
    for p in pending {
        let record = match p.result {
            Err((error, phases)) => {
                tracing::warn!(plugin = %p.label, reason = %error, "reload refused; the old generation keeps serving");
                record(
                    &p.label,
                    None,
                    ReloadOutcome::Refused,
                    error.to_string(),
                    &phases,
                    0,
                )
            }
            Ok(prepared) => {
                let reason = format!("another change in this batch was refused ({first_error})");
                record(
                    &p.label,
                    None,
                    ReloadOutcome::Aborted,
                    reason,
                    &prepared.phases,
                    prepared.generation.library.size,
                )
            }
        };
        world.resource_mut::<ReloadHistory>().push(record.clone());
        report.records.push(record);
    }
    report
}

/// Builds a history record (for the reload coordinator and the watcher).
pub fn record(
    plugin: &str,
    generation: Option<u64>,
    outcome: ReloadOutcome,
    reason: String,
    phases: &crate::plugin::prepare::Phases,
    library_bytes: u64,
) -> ReloadRecord {
    ReloadRecord {
        plugin: plugin.to_owned(),
        generation,
        outcome,
        reason,
        phases_us: phases
            .iter()
            .map(|(n, d)| ((*n).to_owned(), d.as_micros() as u64))
            .collect(),
        library_bytes,
        tools_changed: false,
        at: SystemTime::now(),
    }
}
