//! `ChangeLog`: every change the watcher classified, and what it did about it.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::SystemTime;

use bevy_ecs::resource::Resource;
use serde::Serialize;

use super::classify::ChangeClass;

/// One classified change.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeEntry {
    /// The path that changed.
    pub path: PathBuf,
    /// What it is.
    #[serde(flatten)]
    pub class: ChangeClass,
    /// What the engine did (reloaded, ignored and why, what to run).
    pub action: String,
    /// When it was handled.
    #[serde(skip)]
    pub at: SystemTime,
}

/// The most recent classified changes, oldest first.
#[derive(Resource, Default, Debug)]
pub struct ChangeLog {
    /// Entries, at most [`ChangeLog::CAPACITY`].
    pub entries: VecDeque<ChangeEntry>,
}

impl ChangeLog {
    /// How many entries are kept.
    pub const CAPACITY: usize = 256;

    /// Appends an entry.
    pub fn push(&mut self, path: PathBuf, class: ChangeClass, action: String) {
        if self.entries.len() == Self::CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(ChangeEntry {
            path,
            class,
            action,
            at: SystemTime::now(),
        });
    }
}
