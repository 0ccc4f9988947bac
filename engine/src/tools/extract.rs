//! A plugin extractor wrapped into a system that extracts a batch of files in parallel, on
//! worker threads owned by the extractor's generation.

use std::sync::Arc;

use bevy_ecs::system::{In, SystemId};
use omnysys_api::extractor::ExtractInput;
use omnysys_api::facts::FileFacts;

use crate::plugin::LoadedExtractor;
use crate::plugin::thread::thread_name;

/// One file to extract.
#[derive(Debug, Clone)]
pub struct ExtractJob {
    /// Project-relative path.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The outcome for one file.
#[derive(Debug, Clone)]
pub struct ExtractResult {
    /// Project-relative path.
    pub path: String,
    /// Facts, or why there are none.
    pub outcome: Result<FileFacts, String>,
}

/// The id of an extractor's system.
pub type ExtractSystemId = SystemId<In<Vec<ExtractJob>>, Vec<ExtractResult>>;

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
