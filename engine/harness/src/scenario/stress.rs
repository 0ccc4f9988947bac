//! Stress and soak steps: many swaps with calls in flight, and the cost of many swaps.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::model::{Soak, Stress};
use omnysys_engine::handle::EngineHandle;
use omnysys_engine::plugin::ToolInvocation;
use omnysys_engine::reload::{ReloadChange, ReloadOutcome, ReloadRecord};

use super::StepResult;

/// Swaps once to `source` and returns the record; an error unless it loaded.
pub fn swap(handle: &EngineHandle, source: PathBuf) -> Result<ReloadRecord, (String, String)> {
    let report = handle
        .run(move |e| {
            e.reload(vec![ReloadChange::Load {
                source,
                expect: None,
                tools: None,
            }])
        })
        .map_err(|e| ("a running engine".to_owned(), e.to_string()))?;
    match report.records.into_iter().next() {
        Some(r) if r.outcome == ReloadOutcome::Loaded => Ok(r),
        other => Err(("a loaded swap".to_owned(), format!("{other:?}"))),
    }
}

fn generation(handle: &EngineHandle, plugin: &str) -> Result<u64, (String, String)> {
    let p = plugin.to_owned();
    handle
        .run(move |e| e.generation_of(&p))
        .ok()
        .flatten()
        .ok_or((format!("plugin `{plugin}` loaded"), "not loaded".to_owned()))
}

/// Threads calling one tool over and over until stopped, counting calls and failures.
pub struct Callers {
    stop: Arc<AtomicBool>,
    calls: Arc<AtomicU64>,
    failures: Arc<std::sync::Mutex<Vec<String>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

fn start_callers(handle: &EngineHandle, s: &Stress) -> Callers {
    keep_calling(handle, &s.tool, &s.args, s.callers)
}

impl Drop for Callers {
    /// Callers left running (a failed scenario) stop at their next call.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Starts `n` threads calling `tool` with `args` until [`stop_calling`].
pub fn keep_calling(
    handle: &EngineHandle,
    tool: &str,
    args: &serde_json::Value,
    n: usize,
) -> Callers {
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(std::sync::Mutex::new(Vec::new()));
    let threads = (0..n)
        .map(|_| {
            let (handle, stop, calls, failures) = (
                handle.clone(),
                stop.clone(),
                calls.clone(),
                failures.clone(),
            );
            let (tool, args) = (tool.to_owned(), args.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match handle.call_tool_blocking(&tool, ToolInvocation::new(args.clone())) {
                        Ok(_) => {}
                        other => failures
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(format!("{other:?}")),
                    }
                    calls.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    Callers {
        stop,
        calls,
        failures,
        threads,
    }
}

/// Runs [`Stress`]: `swaps` alternating swaps while callers call; every call must succeed and the
/// generation must advance by exactly `swaps`.
pub fn run_stress(handle: &EngineHandle, s: &Stress, sources: Vec<PathBuf>) -> StepResult {
    let before = generation(handle, &s.plugin)?;
    let mut callers = start_callers(handle, s);
    let mut swap_us = Vec::new();
    let mut calls_during = 0;
    for i in 0..s.swaps {
        let at_start = callers.calls.load(Ordering::SeqCst);
        let record = swap(handle, sources[(i as usize + 1) % sources.len()].clone())?;
        swap_us.push(record.time_until("swap").as_micros() as u64);
        calls_during += callers.calls.load(Ordering::SeqCst) - at_start;
    }
    let failures = join(&mut callers);
    let after = generation(handle, &s.plugin)?;
    if after != before + s.swaps {
        return Err((
            format!("generation {}", before + s.swaps),
            format!("generation {after}"),
        ));
    }
    if !failures.is_empty() {
        return Err((
            "every call to succeed".to_owned(),
            format!("{} failed, first: {}", failures.len(), failures[0]),
        ));
    }
    if calls_during == 0 {
        return Err((
            "calls in flight during the swaps".to_owned(),
            "none".to_owned(),
        ));
    }
    swap_us.sort_unstable();
    let total = callers.calls.load(Ordering::SeqCst);
    Ok(format!(
        "{} swaps, {total} calls ({calls_during} during swaps), 0 failed, swap p50 {} us",
        s.swaps,
        swap_us[swap_us.len() / 2]
    ))
}

/// Runs [`Soak`]: many swaps, one call per generation; checks RSS growth, mapped copies, file
/// descriptors and the thread-local destructor count.
pub fn run_soak(handle: &EngineHandle, s: &Soak, sources: Vec<PathBuf>) -> StepResult {
    let call = |handle: &EngineHandle| match handle
        .call_tool_blocking(&s.tool, ToolInvocation::new(s.args.clone()))
    {
        Ok(_) => Ok(()),
        other => Err(("the tool to answer".to_owned(), format!("{other:?}"))),
    };
    let copies = handle
        .run(|e| e.plugins().copies_dir().to_path_buf())
        .map_err(|e| ("engine".to_owned(), e.to_string()))?;
    let crates: Vec<String> = sources
        .iter()
        .map(|p| omnysys_engine::plugin::prepare::crate_name_of(p))
        .collect();
    let mapped = || {
        omnysys_engine::proc_maps::mapped_copies(&copies)
            .iter()
            .filter(|(k, _)| crates.contains(k))
            .map(|(_, v)| v)
            .sum::<usize>()
    };
    for i in 0..10 {
        swap(handle, sources[i % sources.len()].clone())?;
        call(handle)?;
    }
    let counter = s.destructor_counter.clone().unwrap_or_default();
    let (rss0, fds0, dtors0) = (
        crate::soak::rss_bytes(),
        crate::soak::open_fds(),
        omnysys_engine::plugin::host_api::counter(&counter),
    );
    let mut max_mapped = 0;
    for i in 0..s.swaps {
        swap(handle, sources[(i as usize + 1) % sources.len()].clone())?;
        call(handle)?;
        max_mapped = max_mapped.max(mapped());
    }
    let (rss1, fds1, dtors1) = (
        crate::soak::rss_bytes(),
        crate::soak::open_fds(),
        omnysys_engine::plugin::host_api::counter(&counter),
    );
    let growth_mb = (rss1 as f64 - rss0 as f64) / 1e6;
    let summary = format!(
        "{} swaps: RSS {:+.2} MB, max {max_mapped} copies mapped, fds {fds0}->{fds1}, destructors {}",
        s.swaps,
        growth_mb,
        dtors1 - dtors0
    );
    let fail = |expected: String| Err((expected, summary.clone()));
    if growth_mb >= s.max_rss_growth_mb {
        return fail(format!("RSS growth < {} MB", s.max_rss_growth_mb));
    }
    if max_mapped > s.max_mapped {
        return fail(format!("at most {} copies mapped", s.max_mapped));
    }
    if fds1 > fds0 {
        return fail("no file descriptor leaked".to_owned());
    }
    if s.destructor_counter.is_some() && dtors1 - dtors0 != s.swaps {
        return fail(format!(
            "{} thread-local destructors (one per retired generation's call thread)",
            s.swaps
        ));
    }
    Ok(summary)
}

/// Stops the callers and waits for them; the failures they saw.
fn join(callers: &mut Callers) -> Vec<String> {
    callers.stop.store(true, Ordering::SeqCst);
    for t in std::mem::take(&mut callers.threads) {
        let _ = t.join();
    }
    callers
        .failures
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Stops the callers.
///
/// # Errors
///
/// Fewer than `min_calls` calls, or any failed call (the first is quoted).
pub fn stop_calling(mut callers: Callers, min_calls: u64) -> StepResult {
    let failures = join(&mut callers);
    let calls = callers.calls.load(Ordering::SeqCst);
    if let Some(first) = failures.first() {
        let n = failures.len();
        return Err((
            "every call to succeed".to_owned(),
            format!("{n} of {calls} failed, first: {first}"),
        ));
    }
    if calls < min_calls {
        return Err((format!("at least {min_calls} calls"), calls.to_string()));
    }
    Ok(format!("{calls} calls, 0 failed"))
}
