//! `get_server_status`.

use omnysys_api::prelude::*;
use omnysys_api::schema::{
    BuildStatus, EngineStatus, LoopStatus, PluginInfo, QuarantinedPlugin, ReloadSummary,
};

/// No arguments.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// Files waiting, by priority.
#[derive(Serialize, JsonSchema, Default, Debug, PartialEq)]
pub struct QueueCounts {
    /// A tool is waiting for them.
    pub critical: usize,
    /// User edits.
    pub high: usize,
    /// Initial index.
    pub medium: usize,
    /// Re-extraction after an extractor upgrade.
    pub low: usize,
}

/// Indexing progress.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Indexing {
    /// False only when every known file has current facts and the graph is built.
    pub is_indexing: bool,
    /// Files analysed in this pass.
    pub done: u64,
    /// Files in this pass.
    pub total: u64,
    /// `idle`, `scanning`, `extracting`, `linking` or `ready`.
    pub phase: IndexPhase,
}

/// The engine's status.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServerStatus {
    /// Indexing progress.
    pub indexing: Indexing,
    /// Queue by priority.
    pub queue: QueueCounts,
    /// Files known.
    pub files: usize,
    /// Files with extracted facts.
    pub facts: usize,
    /// Facts from an older version of their extractor (served until replaced).
    pub stale_entries: usize,
    /// Age of the last snapshot (snapshots are not written yet: always null).
    pub snapshot_age_ms: Option<u64>,
    /// Loaded plugins and their generations.
    pub plugins: Vec<PluginInfo>,
    /// The last five reloads, newest last.
    pub last_reloads: Vec<ReloadSummary>,
    /// Tool calls that exceeded their time limit.
    pub stuck_calls: u64,
    /// Engine version.
    pub engine_version: String,
    /// The engine's loop: ticks run, and each set in order with its runs and systems.
    pub engine_loop: LoopStatus,
    /// Build on save: `state` (`idle`, `building`, `failed`), the crates of the current or last
    /// build, when it started, whether cargo waits for a lock, and the last error with
    /// file:line:column.
    pub build: BuildStatus,
    /// Plugin libraries not loaded because they crashed an engine process, and why.
    pub quarantined: Vec<QuarantinedPlugin>,
    /// xxh3-128 of all persistent state (files, hashes, facts, queue, indexing state, graph,
    /// plugin state); null while an indexing pass runs. Unchanged by plugin reloads and by an
    /// engine handover (the new engine restores the state the old one handed over).
    pub state_digest: Option<String>,
    /// The engine process serving this call (a handover to a new engine changes it).
    pub engine_pid: u32,
}

/// Reads the status resources and counts files, facts and queue items.
pub fn get_server_status(ctx: &ToolContext<'_>, _: NoArgs) -> Result<ServerStatus, ToolError> {
    let world = ctx.world();
    let engine = world
        .get_resource::<EngineStatus>()
        .cloned()
        .unwrap_or_default();
    let state = world
        .get_resource::<IndexingState>()
        .cloned()
        .unwrap_or_default();
    let (facts, stale_entries) = count_facts(world, &engine);
    let mut last_reloads = engine.last_reloads;
    let drop = last_reloads.len().saturating_sub(5);
    last_reloads.drain(..drop);
    for r in &mut last_reloads {
        r.reason = r.reason.chars().take(120).collect();
    }
    Ok(ServerStatus {
        indexing: Indexing {
            is_indexing: state.is_indexing,
            done: state.done,
            total: state.total,
            phase: state.phase,
        },
        queue: count_queue(world),
        files: world.get_resource::<FileIndex>().map_or(0, |i| i.0.len()),
        facts,
        stale_entries,
        snapshot_age_ms: None,
        plugins: engine.plugins,
        last_reloads,
        stuck_calls: engine.stuck_calls,
        engine_version: engine.engine_version,
        engine_loop: engine.engine_loop,
        build: engine.build,
        quarantined: engine.quarantined,
        state_digest: engine.state_digest,
        engine_pid: std::process::id(),
    })
}

fn count_queue(world: &World) -> QueueCounts {
    let mut counts = QueueCounts::default();
    let Some(mut q) = world.try_query::<&QueueItem>() else {
        return counts;
    };
    for item in q.iter(world) {
        match item.priority {
            Priority::Critical => counts.critical += 1,
            Priority::High => counts.high += 1,
            Priority::Medium => counts.medium += 1,
            Priority::Low => counts.low += 1,
        }
    }
    counts
}

fn count_facts(world: &World, engine: &EngineStatus) -> (usize, usize) {
    let Some(mut q) = world.try_query::<&CacheEntry>() else {
        return (0, 0);
    };
    q.iter(world).fold((0, 0), |(facts, stale), e| {
        let current = engine
            .extractor_versions
            .get(&e.extractor)
            .is_none_or(|v| *v == e.extractor_version);
        (facts + 1, stale + usize::from(!current))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn status_counts_the_queue_by_priority_and_stale_facts() {
        let mut world = World::new();
        world.insert_resource(IndexingState {
            is_indexing: true,
            done: 1,
            total: 3,
            phase: IndexPhase::Extracting,
        });
        let mut status = EngineStatus::default();
        status
            .extractor_versions
            .insert("javascript".into(), "2".into());
        world.insert_resource(status);
        for (priority, seq) in [
            (Priority::Critical, 0),
            (Priority::Low, 1),
            (Priority::Low, 2),
        ] {
            world.spawn(QueueItem {
                path: format!("f{seq}.js"),
                priority,
                reason: QueueReason::Modified,
                seq,
            });
        }
        let entry = |v: &str| CacheEntry {
            facts: Arc::new(FileFacts::default()),
            extractor: "javascript".into(),
            extractor_version: v.into(),
            content_hash: 0,
        };
        world.spawn(entry("1"));
        world.spawn(entry("2"));
        let ctx = ToolContext::new(&world, "status_tools", None);
        let got = get_server_status(&ctx, NoArgs {}).unwrap();
        assert_eq!(
            got.queue,
            QueueCounts {
                critical: 1,
                high: 0,
                medium: 0,
                low: 2
            }
        );
        assert_eq!((got.facts, got.stale_entries), (2, 1));
        assert_eq!(
            got.indexing,
            Indexing {
                is_indexing: true,
                done: 1,
                total: 3,
                phase: IndexPhase::Extracting
            }
        );
    }
}
