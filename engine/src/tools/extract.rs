//! A plugin extractor wrapped into a system that extracts a batch of files in parallel, on
//! worker threads owned by the extractor's generation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bevy_ecs::system::In;
use omnysys_api::extractor::ExtractInput;

use crate::plugin::thread::thread_name;
use crate::plugin::{ExtractJob, ExtractResult, LoadedExtractor};

/// The system for `extractor`.
pub fn extractor_system(
    extractor: Arc<LoadedExtractor>,
) -> impl FnMut(In<Vec<ExtractJob>>) -> Vec<ExtractResult> + Send + Sync + 'static {
    move |In(jobs)| extract_in_parallel(&extractor, jobs)
}

/// Extracts `jobs` on up to one worker per core. Workers take the next file from a shared
/// cursor, largest files first, so no worker idles while another still holds a long list: a
/// batch ends when its largest file does, not when the unluckier half of a static split does.
/// Results come back in `jobs`' order.
fn extract_in_parallel(extractor: &LoadedExtractor, jobs: Vec<ExtractJob>) -> Vec<ExtractResult> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(jobs.len().max(1));
    let order = largest_first(&jobs);
    let cursor = AtomicUsize::new(0);
    let take = || {
        let k = cursor.fetch_add(1, Ordering::Relaxed);
        order.get(k).map(|&i| (i, extract_one(extractor, &jobs[i])))
    };
    let name = thread_name(&extractor.plugin, extractor.generation);
    let mut done: Vec<(usize, ExtractResult)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                let builder = std::thread::Builder::new().name(name.clone());
                builder
                    .spawn_scoped(scope, || std::iter::from_fn(take).collect::<Vec<_>>())
                    .inspect_err(
                        |e| tracing::error!(error = %e, "cannot start an extractor thread"),
                    )
                    .ok()
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// The indices of `jobs`, largest file first.
fn largest_first(jobs: &[ExtractJob]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].bytes.len()));
    order
}

fn extract_one(extractor: &LoadedExtractor, job: &ExtractJob) -> ExtractResult {
    let input = ExtractInput {
        path: &job.path,
        bytes: &job.bytes,
    };
    let outcome = match (extractor.decl.run)(&input) {
        Ok(result) => result,
        Err(panicked) => Err(panicked.to_string()),
    };
    ExtractResult {
        path: job.path.clone(),
        outcome,
    }
}
