//! Keeping quarantined libraries out of a reload batch ([`crate::plugin::quarantine`]).

use bevy_ecs::world::World;

use super::{Pending, ReloadHistory, ReloadOutcome, ReloadRecord, record};
use crate::plugin::Plugins;
use crate::plugin::quarantine::{KeptOut, LedgerLine, Quarantine};

/// Removes the prepared changes whose library is quarantined (dropping them closes the library
/// before any of its tools ran); returns their records, already in the history. The rest of the
/// batch goes on without them.
pub(super) fn take(world: &mut World, pending: &mut Vec<Pending>) -> Vec<ReloadRecord> {
    let Some(quarantine) = world.get_resource::<Quarantine>() else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    pending.retain(|p| {
        let Ok(prepared) = &p.result else { return true };
        let g = &prepared.generation;
        match quarantine.find(&g.plugin, g.content_hash) {
            Some(entry) => {
                let kept = KeptOut {
                    plugin: g.plugin.clone(),
                    source: g.source.clone(),
                    tools: g.enabled.clone(),
                };
                hits.push((entry.clone(), kept, g.library.size));
                false
            }
            None => true,
        }
    });
    hits.into_iter()
        .map(|(entry, kept, bytes)| keep_out(world, entry, kept, bytes))
        .collect()
}

fn keep_out(
    world: &mut World,
    entry: crate::plugin::quarantine::QuarantineEntry,
    kept: KeptOut,
    bytes: u64,
) -> ReloadRecord {
    let reason = format!(
        "quarantined: generation {} of this library crashed the engine ({}); not loaded until its library changes",
        entry.generation, entry.reason
    );
    tracing::warn!(plugin = %entry.plugin, %reason, "plugin library quarantined");
    let r = record(
        &entry.plugin,
        None,
        ReloadOutcome::Quarantined,
        reason,
        &Vec::new(),
        bytes,
    );
    world.resource_mut::<Quarantine>().applied(entry, kept);
    world.resource_mut::<ReloadHistory>().push(r.clone());
    r
}

/// Writes a committed generation to the crash ledger and lifts its plugin's quarantine.
pub(super) fn note_commit(world: &mut World, plugins: &Plugins, record: &ReloadRecord) {
    let (Some(generation), Some(slot)) = (record.generation, plugins.slots.get(&record.plugin))
    else {
        return;
    };
    if let Some(mut quarantine) = world.get_resource_mut::<Quarantine>() {
        quarantine.committed(&LedgerLine {
            plugin: record.plugin.clone(),
            generation,
            content_hash: slot.current.content_hash,
        });
    }
}
