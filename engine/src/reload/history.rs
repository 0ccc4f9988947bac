//! `ReloadHistory`: what every reload did, and how long each phase took.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use bevy_ecs::resource::Resource;
use serde::Serialize;

/// How a reload ended for one plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReloadOutcome {
    /// The new generation is serving.
    Loaded,
    /// A previous good library was restored as a new generation.
    RolledBack,
    /// The library was refused; the old generation keeps serving.
    Refused,
    /// This change was fine, but another change of the same batch was refused.
    Aborted,
    /// The plugin was removed.
    Unloaded,
    /// A configuration change was refused.
    ConfigRejected,
    /// The library crashed an engine before; it is not loaded again (a new build lifts this).
    Quarantined,
}

/// One reload of one plugin.
#[derive(Clone, Debug, Serialize)]
pub struct ReloadRecord {
    /// Plugin name (or the library file when the name was never read).
    pub plugin: String,
    /// The generation it became, when it became one.
    pub generation: Option<u64>,
    /// How it ended.
    pub outcome: ReloadOutcome,
    /// Why (empty when loaded).
    pub reason: String,
    /// Time of each phase, in microseconds.
    pub phases_us: Vec<(String, u64)>,
    /// Library size in bytes.
    pub library_bytes: u64,
    /// Whether the tool surface (names, schemas, descriptions) changed.
    pub tools_changed: bool,
    /// When it finished.
    #[serde(with = "unix_ms")]
    pub at: SystemTime,
}

impl ReloadRecord {
    /// Total time of the phases up to and including `last`.
    pub fn time_until(&self, last: &str) -> Duration {
        let mut total = 0;
        for (name, us) in &self.phases_us {
            total += us;
            if name == last {
                break;
            }
        }
        Duration::from_micros(total)
    }

    /// The time of one phase.
    pub fn phase(&self, name: &str) -> Option<Duration> {
        let us = self.phases_us.iter().find(|(n, _)| n == name)?.1;
        Some(Duration::from_micros(us))
    }
}

/// The most recent reloads, oldest first.
#[derive(Resource, Default, Debug)]
pub struct ReloadHistory {
    /// Records, at most [`ReloadHistory::CAPACITY`].
    pub records: VecDeque<ReloadRecord>,
}

impl ReloadHistory {
    /// How many records are kept.
    pub const CAPACITY: usize = 512;

    /// Appends a record, dropping the oldest past capacity.
    pub fn push(&mut self, record: ReloadRecord) {
        if self.records.len() == Self::CAPACITY {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }
}

mod unix_ms {
    use std::time::{SystemTime, UNIX_EPOCH};

    pub fn serialize<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        let ms = t
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        s.serialize_u64(ms)
    }
}
