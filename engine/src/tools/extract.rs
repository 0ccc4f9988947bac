//! A plugin extractor wrapped into a system that extracts a batch of files in parallel, on
//! worker threads owned by the extractor's generation.

use std::sync::Arc;

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

fn extract_in_parallel(extractor: &LoadedExtractor, jobs: Vec<ExtractJob>) -> Vec<ExtractResult> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(jobs.len().max(1));
    let chunk = jobs.len().div_ceil(workers).max(1);
    let name = thread_name(&extractor.plugin, extractor.generation);
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|batch| {
                let builder = std::thread::Builder::new().name(name.clone());
                builder.spawn_scoped(scope, move || {
                    batch
                        .iter()
                        .map(|j| extract_one(extractor, j))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h {
                Ok(handle) => handle.join().unwrap_or_default(),
                Err(e) => {
                    tracing::error!(error = %e, "cannot start an extractor thread");
                    Vec::new()
                }
            })
            .collect()
    })
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
