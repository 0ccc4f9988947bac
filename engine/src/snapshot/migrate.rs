//! Reading a snapshot written with another shape of [`PersistentState`] (serde migration).
//!
//! A snapshot body is first read as it is. Fields it has that the engine no longer knows are
//! ignored by serde. When that read fails — a field the engine now requires is missing, or a
//! value has another shape — the body is read again part by part, and only what failed is
//! given up:
//!
//! | part that does not read | what happens |
//! | --- | --- |
//! | a file's record (`path`, size, mtime) | the file is dropped; the reconciling scan finds it as new |
//! | a file's hash or cache entry (its facts) | dropped, and the file queued (low priority): it is extracted again |
//! | a queue item | queued again when its path reads, else dropped |
//! | the indexing state, plugin state | their defaults |
//! | the dependency graph or the resolver fingerprint | empty / unknown: the whole graph is linked again |
//!
//! So an incompatible change to the facts re-extracts the files whose facts no longer read,
//! not the project.

use omnysys_api::schema::{CacheEntry, FileHash, Priority, QueueItem, QueueReason, SourceFile};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::state::{FileState, PersistentState};

/// What reading part by part gave up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Migration {
    /// Parts read as their default (`indexing`, `graph`, …).
    pub defaulted: Vec<String>,
    /// Files dropped (their record did not read).
    pub files_dropped: usize,
    /// Files queued to be extracted again.
    pub requeued: usize,
}

/// Reads a snapshot body: as it is when it can, else part by part (`Some` migration).
///
/// # Errors
///
/// When the body is not a JSON object.
pub fn decode(body: &[u8]) -> Result<(PersistentState, Option<Migration>), serde_json::Error> {
    let strict = serde_json::from_slice::<PersistentState>(body);
    let error = match strict {
        Ok(state) => return Ok((state, None)),
        Err(e) => e,
    };
    let value: Value = serde_json::from_slice(body)?;
    let Value::Object(mut parts) = value else {
        return Err(error);
    };
    let mut migration = Migration::default();
    let mut take = |name: &str| parts.remove(name);
    let (files, file_values, queue_values) = (Vec::new(), take("files"), take("queue"));
    let mut state = PersistentState {
        files,
        queue: Vec::new(),
        indexing: part(take("indexing"), "indexing", &mut migration),
        graph: part(take("graph"), "graph", &mut migration),
        plugin_states: part(take("plugin_states"), "plugin_states", &mut migration),
        resolve_config: part(take("resolve_config"), "resolve_config", &mut migration),
    };
    if migration.defaulted.iter().any(|p| p == "graph") {
        state.resolve_config = None;
    }
    let mut requeue = Vec::new();
    read_files(file_values, &mut state, &mut requeue, &mut migration);
    read_queue(queue_values, &mut state, &mut requeue);
    queue_again(&mut state, requeue, &mut migration);
    Ok((state, Some(migration)))
}

/// One part, or its default (noted) when it is missing or does not read.
fn part<T: DeserializeOwned + Default>(value: Option<Value>, name: &str, m: &mut Migration) -> T {
    match value.map(serde_json::from_value) {
        Some(Ok(part)) => part,
        _ => {
            m.defaulted.push(name.to_owned());
            T::default()
        }
    }
}

fn read_files(
    files: Option<Value>,
    state: &mut PersistentState,
    requeue: &mut Vec<String>,
    m: &mut Migration,
) {
    let Some(Value::Array(files)) = files else {
        m.defaulted.push("files".to_owned());
        return;
    };
    for mut file in files {
        let Ok(record) = serde_json::from_value::<SourceFile>(file["file"].take()) else {
            m.files_dropped += 1;
            continue;
        };
        let hash = serde_json::from_value::<Option<FileHash>>(file["hash"].take());
        let cache = serde_json::from_value::<Option<CacheEntry>>(file["cache"].take());
        if hash.is_err() || cache.is_err() {
            requeue.push(record.path.clone());
        }
        let (hash, cache) = match (hash, cache) {
            (Ok(hash), Ok(cache)) => (hash, cache),
            // Facts without the hash they were extracted from cannot be trusted either.
            _ => (None, None),
        };
        state.files.push(FileState {
            file: record,
            hash,
            cache,
        });
    }
}

fn read_queue(queue: Option<Value>, state: &mut PersistentState, requeue: &mut Vec<String>) {
    let Some(Value::Array(items)) = queue else {
        return;
    };
    for item in items {
        match serde_json::from_value::<QueueItem>(item.clone()) {
            Ok(item) => state.queue.push(item),
            Err(_) => requeue.extend(item["path"].as_str().map(str::to_owned)),
        }
    }
}

/// Queues `paths` (once each, after everything queued) to be analysed again.
fn queue_again(state: &mut PersistentState, paths: Vec<String>, m: &mut Migration) {
    let mut seq = state.queue.iter().map(|q| q.seq + 1).max().unwrap_or(0);
    for path in paths {
        if state.queue.iter().any(|q| q.path == path) {
            continue;
        }
        state.queue.push(QueueItem {
            path,
            priority: Priority::Low,
            reason: QueueReason::ExtractorUpgraded,
            seq,
        });
        seq += 1;
        m.requeued += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthetic(n: usize) -> PersistentState {
        let mut world = bevy_ecs::world::World::new();
        crate::schema::register_schema(&mut world);
        crate::index::init_resources(&mut world);
        crate::state::spawn_synthetic_files(&mut world, n);
        crate::state::persistent_state(&world)
    }

    #[test]
    fn a_snapshot_of_the_current_shape_reads_as_it_is() {
        let state = synthetic(3);
        let body = serde_json::to_vec(&state).unwrap();
        assert_eq!(decode(&body).unwrap(), (state, None));
    }

    #[test]
    fn unknown_fields_are_ignored_and_a_part_that_no_longer_reads_is_given_up_alone() {
        let state = synthetic(3);
        let mut value = serde_json::to_value(&state).unwrap();
        value["queue"] = serde_json::json!([]);
        // A field a newer engine wrote, at the top and inside a file.
        value["written_by_a_newer_engine"] = serde_json::json!({"x": 1});
        value["files"][0]["file"]["owner"] = "someone".into();
        // A field this engine requires that an older one did not write.
        value["indexing"].as_object_mut().unwrap().remove("phase");
        // Facts of another shape in one file.
        value["files"][1]["cache"]["facts"] = "facts of another shape".into();
        let body = serde_json::to_vec(&value).unwrap();

        let (got, migration) = decode(&body).unwrap();
        let migration = migration.expect("read part by part");
        assert_eq!(migration.defaulted, vec!["indexing".to_owned()]);
        assert_eq!((migration.files_dropped, migration.requeued), (0, 1));
        assert_eq!(got.files.len(), 3);
        assert_eq!(
            got.files[0], state.files[0],
            "an unknown field changes nothing"
        );
        assert_eq!(got.files[2], state.files[2]);
        assert_eq!((got.files[1].hash, &got.files[1].cache), (None, &None));
        let path = &state.files[1].file.path;
        assert!(
            got.queue
                .iter()
                .any(|q| &q.path == path && q.priority == Priority::Low)
        );
        assert_eq!(got.graph, state.graph, "the graph is kept");
        assert_eq!(got.resolve_config, state.resolve_config);
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert!(decode(b"[1, 2]").is_err());
    }
}
