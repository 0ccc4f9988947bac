//! The extractor-upgrade window: after an extractor is swapped for a new version, every file is
//! re-extracted in the background while queries keep answering from the previous facts. This
//! step opens the window with a (deliberately slow) new extractor, lets callers query every file
//! in turn, and counts the queries that provably land inside it — answered on the engine thread
//! after the swap, while some entry is still stale — and the files each of them found with no
//! facts at all (there must be none).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use omnysys_api::schema::{CacheEntry, FileIndex};

use super::model::UpgradeWindow;
use super::stress::swap;
use omnysys_engine::engine::Engine;
use omnysys_engine::handle::EngineHandle;
use omnysys_engine::tools::ExtractorCatalog;

use super::StepResult;

/// What one query saw, read on the engine thread in the same job as the call.
#[derive(Default)]
struct Probe {
    /// After the swap, with stale entries left: inside the window.
    inside: bool,
    /// Project files with no cache entry at that moment.
    without_facts: usize,
    /// The tool's error, if it failed.
    error: Option<String>,
}

/// What all callers saw.
#[derive(Default)]
struct Tally {
    queries: u64,
    inside: u64,
    without_facts: usize,
    errors: Vec<String>,
}

/// Runs [`UpgradeWindow`].
///
/// # Errors
///
/// A failed swap or query, a file seen without facts, too few queries inside the window, stale
/// entries left, or re-extraction not done within the step's time.
pub fn run_upgrade_window(handle: &EngineHandle, w: &UpgradeWindow, source: PathBuf) -> StepResult {
    let (paths, before) = handle
        .run(|e| (files(e), extractor_versions(e)))
        .map_err(|e| ("a running engine".to_owned(), e.to_string()))?;
    if paths.is_empty() {
        return Err(("an indexed project".to_owned(), "no files".to_owned()));
    }
    let before = Arc::new(before);
    let stop = Arc::new(AtomicBool::new(false));
    let callers: Vec<_> = (0..w.callers)
        .map(|i| spawn_caller(handle, w.tool.clone(), &paths, i, &before, &stop))
        .collect();
    let ticks = swap(handle, source).and_then(|_| drain(handle, w));
    stop.store(true, Ordering::SeqCst);
    let stale_after = handle
        .run(|e| omnysys_engine::index::stale_count(e.world()))
        .map_err(|e| ("a running engine".to_owned(), e.to_string()))?;
    if stale_after > 0 {
        return Err((
            "every entry re-extracted".to_owned(),
            format!("{stale_after} stale"),
        ));
    }
    let tally = callers
        .into_iter()
        .filter_map(|c| c.join().ok())
        .fold(Tally::default(), merge);
    judge(&tally, ticks?, w.min_inside)
}

fn files(e: &Engine) -> Vec<String> {
    e.world()
        .resource::<FileIndex>()
        .0
        .keys()
        .cloned()
        .collect()
}

fn extractor_versions(e: &Engine) -> BTreeMap<String, String> {
    let catalog = e.world().resource::<ExtractorCatalog>();
    catalog
        .extractors
        .iter()
        .map(|(name, x)| (name.clone(), x.version.clone()))
        .collect()
}

fn spawn_caller(
    handle: &EngineHandle,
    tool: String,
    paths: &[String],
    offset: usize,
    before: &Arc<BTreeMap<String, String>>,
    stop: &Arc<AtomicBool>,
) -> std::thread::JoinHandle<Tally> {
    let (handle, paths, before, stop) =
        (handle.clone(), paths.to_vec(), before.clone(), stop.clone());
    std::thread::spawn(move || {
        let mut tally = Tally::default();
        let mut next = offset;
        while !stop.load(Ordering::SeqCst) {
            let (tool, path, before) = (
                tool.clone(),
                paths[next % paths.len()].clone(),
                before.clone(),
            );
            next += 1;
            match handle.run(move |e| probe(e, &tool, &path, &before)) {
                Ok(p) => tally = merge(tally, p.into()),
                Err(e) => tally.errors.push(e.to_string()),
            }
        }
        tally
    })
}

fn probe(e: &mut Engine, tool: &str, path: &str, before: &BTreeMap<String, String>) -> Probe {
    let swapped = extractor_versions(e) != *before;
    let stale = omnysys_engine::index::stale_count(e.world());
    let index = &e.world().resource::<FileIndex>().0;
    let without_facts = index
        .values()
        .filter(|entity| e.world().get::<CacheEntry>(**entity).is_none())
        .count();
    let error = match e.call_tool(tool, serde_json::json!({ "filePath": path })) {
        Ok(_) => None,
        Err(err) => Some(format!("{path}: {err}")),
    };
    Probe {
        inside: swapped && stale > 0,
        without_facts,
        error,
    }
}

impl From<Probe> for Tally {
    fn from(p: Probe) -> Self {
        Tally {
            queries: 1,
            inside: u64::from(p.inside),
            without_facts: p.without_facts,
            errors: p.error.into_iter().collect(),
        }
    }
}

fn merge(mut a: Tally, b: Tally) -> Tally {
    a.queries += b.queries;
    a.inside += b.inside;
    a.without_facts += b.without_facts;
    a.errors.extend(b.errors);
    a
}

/// Ticks the engine `batch` files at a time until the queue is empty; the number of ticks.
fn drain(handle: &EngineHandle, w: &UpgradeWindow) -> Result<u64, (String, String)> {
    let deadline = Instant::now() + Duration::from_millis(w.within_ms);
    let batch = w.batch.max(1);
    let mut ticks = 0;
    loop {
        let more = handle
            .run(move |e| {
                e.world_mut()
                    .insert_resource(omnysys_engine::index::BatchSize(batch));
                let more = e.tick();
                e.world_mut()
                    .insert_resource(omnysys_engine::index::BatchSize::default());
                more
            })
            .map_err(|e| ("a running engine".to_owned(), e.to_string()))?;
        ticks += 1;
        if !more {
            return Ok(ticks);
        }
        if Instant::now() > deadline {
            let ms = w.within_ms;
            return Err((
                format!("re-extraction within {ms} ms"),
                format!("{ticks} ticks, still queued"),
            ));
        }
    }
}

fn judge(t: &Tally, ticks: u64, min_inside: u64) -> StepResult {
    if let Some(first) = t.errors.first() {
        let n = t.errors.len();
        return Err((
            "every query answered".to_owned(),
            format!("{n} failed, first: {first}"),
        ));
    }
    if t.without_facts > 0 {
        let n = t.without_facts;
        return Err((
            "no file without facts".to_owned(),
            format!("{n} seen without facts"),
        ));
    }
    if t.inside < min_inside {
        let inside = t.inside;
        return Err((
            format!("at least {min_inside} queries inside the window"),
            format!("{inside}"),
        ));
    }
    Ok(format!(
        "{} queries, {} inside the window ({ticks} ticks), 0 saw a file without facts",
        t.queries, t.inside
    ))
}
