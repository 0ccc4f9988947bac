//! Scenario steps that exercise the watcher: writing files, waiting for reloads.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use omnysys_engine::handle::EngineHandle;
use omnysys_engine::reload::ReloadHistory;
use omnysys_engine::toolset::{LibraryLocator, load_changes, load_toolset};
use omnysys_engine::watch::ChangeLog;

use super::StepResult;

fn io_failure(what: &str, e: impl std::fmt::Display) -> (String, String) {
    (what.to_owned(), e.to_string())
}

/// Writes `bytes` to `path` in place; with a pause, in two halves.
pub fn write_in_place(path: &Path, bytes: &[u8], pause: Option<Duration>) -> StepResult {
    let mut file = std::fs::File::create(path).map_err(|e| io_failure("a writable file", e))?;
    let half = bytes.len() / 2;
    if let Some(pause) = pause {
        file.write_all(&bytes[..half])
            .and_then(|()| file.flush())
            .map_err(|e| io_failure("a write", e))?;
        std::thread::sleep(pause);
        file.write_all(&bytes[half..])
            .map_err(|e| io_failure("a write", e))?;
    } else {
        file.write_all(bytes)
            .map_err(|e| io_failure("a write", e))?;
    }
    Ok(format!("{} bytes", bytes.len()))
}

/// Loads a tool set the way `omnysys serve --toolset` does.
pub fn use_toolset(handle: &EngineHandle, file: &Path) -> StepResult {
    let toolset = load_toolset(file).map_err(|e| io_failure("a valid tool set", e))?;
    let report = handle
        .run(move |e| {
            let report = e.reload(load_changes(&toolset, &LibraryLocator::default()));
            e.set_toolset(toolset);
            report
        })
        .map_err(|e| io_failure("a running engine", e))?;
    if report.committed() {
        Ok(String::new())
    } else {
        Err((
            "the tool set to load".into(),
            format!("{:?}", report.records),
        ))
    }
}

/// Polls until `plugin` reaches generation `is`, for at most `within`.
pub fn wait_generation(
    handle: &EngineHandle,
    plugin: &str,
    is: u64,
    within: Duration,
) -> StepResult {
    let started = Instant::now();
    loop {
        let p = plugin.to_owned();
        let now = handle
            .run(move |e| e.generation_of(&p))
            .map_err(|e| io_failure("a running engine", e))?;
        if now == Some(is) {
            return Ok(format!("after {} ms", started.elapsed().as_millis()));
        }
        if started.elapsed() > within {
            return Err((
                format!("generation {is} within {within:?}"),
                format!("{now:?}"),
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Checks the watcher's change log.
pub fn change_logged(handle: &EngineHandle, path: &str, action: &str) -> StepResult {
    let entries = handle
        .run(|e| {
            e.world()
                .resource::<ChangeLog>()
                .entries
                .iter()
                .map(|c| {
                    (
                        c.path.display().to_string(),
                        c.action.clone(),
                        format!("{:?}", c.class),
                    )
                })
                .collect::<Vec<_>>()
        })
        .map_err(|e| io_failure("a running engine", e))?;
    match entries
        .iter()
        .find(|(p, a, _)| p.ends_with(path) && a.contains(action))
    {
        Some((_, a, class)) => Ok(format!("{class}: {a}")),
        None => Err((
            format!("a change of …{path} with action containing `{action}`"),
            format!("{entries:?}"),
        )),
    }
}

/// Checks the last reload record.
pub fn last_record(handle: &EngineHandle, outcome: &str, reason: &str) -> StepResult {
    let last = handle
        .run(|e| {
            e.world()
                .resource::<ReloadHistory>()
                .records
                .back()
                .map(|r| (format!("{:?}", r.outcome), r.reason.clone()))
        })
        .map_err(|e| io_failure("a running engine", e))?;
    match last {
        Some((o, r)) if o == outcome && r.contains(reason) => Ok(r),
        other => Err((
            format!("{outcome} with reason containing `{reason}`"),
            format!("{other:?}"),
        )),
    }
}
