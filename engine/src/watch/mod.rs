//! Watching: plugin libraries, plugin sources, the tool-set file and the engine binary.
//!
//! A notify watcher sees raw events; after `debounce` of quiet, the batch is classified
//! ([`classify`]) and acted on as one reload transaction:
//!
//! | change | class | what happens |
//! | --- | --- | --- |
//! | a loaded plugin's library | tool / extractor plugin | wait until the file is a complete ELF of stable size, skip it if its bytes equal the serving generation's, else reload that plugin |
//! | the tool-set file in force | tool set | parse and validate; an error is logged and recorded (`ConfigRejected`, with file:line:column) and changes nothing; a valid edit loads, reloads and unloads plugins in one transaction |
//! | a `.rs`/`.toml` file of a workspace plugin crate | plugin source | built on save ([`crate::build`]: the workspace build command; the libraries it writes reload as one batch), or, with build on save off, logged with the command that rebuilds it |
//! | a `.rs`/`.toml` file of an engine crate (`engine/`, `engine/api`, `engine/cli`, `engine/harness`), the workspace `Cargo.toml` or `Cargo.lock` | engine source (critical) | built on save with the same one command (never `-p`: another feature resolution would rebuild the world); it rewrites the engine binary (next row) and, after an API change, every plugin. Under a front, library changes seen once the binary on disk is newer than the running one are not loaded ("waiting for the new engine", info): the new engine loads them. A failed build leaves this engine serving and is reported like a plugin build failure. Alone (`--single-process`): built, then logged as critical (restart omnysys). With build on save off: logged with the command |
//! | the engine binary | engine | under a front: logged; the front hands over to it. Alone (`--single-process`): logged as critical with what to do, restart omnysys |
//! | anything else | other | ignored |
//!
//! Directories are watched rather than files: cargo replaces files, which would orphan a watch
//! on the old inode.
//!
//! # Known problems
//!
//! - inotify watches are per directory; a library in a directory the engine cannot read is
//!   never seen.
//! - A library that never becomes a complete ELF within 10 s is reported and skipped.

mod binary;
mod classify;
mod complete;
pub mod control;
mod log;
mod project;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

pub use binary::{binary_replaced, running_binary};
pub use classify::{ChangeClass, ENGINE_CRATES, WATCH_ENGINE_DIR, WatchContext, classify};
pub use complete::{elf_complete, read_when_complete};
pub use log::{ChangeEntry, ChangeLog};
pub use project::spawn_project_watcher;

use crate::build::{BuildSettings, Builder, HeldLibraries};
use crate::engine::Engine;
use crate::handle::EngineHandle;
use crate::reload::{ReloadChange, ReloadOutcome, record};
use crate::toolset::{LibraryLocator, Toolset, diff_changes, load_toolset, running_workspace};

/// A running watcher; stops when dropped.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    fn new(stop: Arc<AtomicBool>, thread: std::thread::JoinHandle<()>) -> Self {
        Watcher {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts watching for `handle`'s engine, acting after `debounce` of quiet; plugin source
/// changes are only logged (no build on save).
///
/// # Errors
///
/// When the OS watcher cannot be created.
pub fn spawn_watcher(handle: EngineHandle, debounce: Duration) -> notify::Result<Watcher> {
    spawn_watcher_with(handle, debounce, None)
}

/// Starts watching for `handle`'s engine, acting after `debounce` of quiet; with `build`, the
/// plugin crates of its workspace are watched and built on save (see [`crate::build`]), else
/// those of the running workspace are watched and their changes logged.
///
/// # Errors
///
/// When the OS watcher cannot be created.
pub fn spawn_watcher_with(
    handle: EngineHandle,
    debounce: Duration,
    build: Option<BuildSettings>,
) -> notify::Result<Watcher> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res
            && !event.kind.is_access()
        {
            for path in event.paths {
                let _ = tx.send(path);
            }
        }
    })?;
    // The first watches are in place before this returns: a library rebuilt right after the
    // server starts answering is seen (registering them on the thread raced with the first
    // client's first swap).
    let workspace = match &build {
        Some(b) => Some(b.workspace.clone()),
        None => running_workspace(),
    };
    // Taken now, before a build can replace the file (see [`binary`]).
    let _ = running_binary();
    let context = move |e: &Engine| watch_context_in(e, workspace.as_deref());
    let ctx = handle
        .read(context.clone())
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    let mut watched = BTreeSet::new();
    rewatch(&mut watcher, &mut watched, &ctx);
    let builder = build.and_then(|settings| start_builder(settings, &handle));
    // The last library's event can follow cargo's exit by a moment.
    let settle = debounce + Duration::from_millis(100);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("omnysys-watch".into())
        .spawn(move || {
            let mut held = HeldLibraries::default();
            while !flag.load(Ordering::SeqCst) {
                let Ok(ctx) = handle.read(context.clone()) else {
                    return;
                };
                rewatch(&mut watcher, &mut watched, &ctx);
                // Held libraries are handed over as soon as the gate opens.
                let poll = if held.is_empty() { POLL } else { debounce };
                let mut batch = collect_batch(&rx, poll, debounce, &flag);
                if let Some(b) = &builder {
                    batch = held.admit(batch, b.gate(), settle, |p| is_library(&ctx, p));
                }
                if !batch.is_empty() {
                    act_on(&handle, &ctx, batch, builder.as_ref());
                }
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(Watcher {
        stop,
        thread: Some(thread),
    })
}

/// Logs `error` at warning level unless it is the one logged last (the watcher retries every
/// 200 ms; one line per new problem is enough).
fn warn_once(error: &str, what: &str) {
    static LAST: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if last.as_deref() != Some(error) {
        tracing::warn!(%error, "{what}");
        *last = Some(error.to_owned());
    }
}

/// Starts build on save, or logs why it cannot.
fn start_builder(settings: BuildSettings, handle: &EngineHandle) -> Option<Builder> {
    let command = settings.command.to_string();
    match Builder::spawn(settings, handle.clone()) {
        Ok(builder) => {
            tracing::info!(%command, "building plugin sources on save");
            Some(builder)
        }
        Err(e) => {
            tracing::warn!(error = %e, "no build on save");
            None
        }
    }
}

/// Whether `path` is the library of a loaded plugin.
fn is_library(ctx: &WatchContext, path: &Path) -> bool {
    ctx.libraries.iter().any(|(p, _, _)| p == path)
}

/// What the watcher needs to know from the engine, with the plugin crates of the running
/// workspace.
pub fn watch_context(engine: &Engine) -> WatchContext {
    watch_context_in(engine, running_workspace().as_deref())
}

/// What the watcher needs to know from the engine, with the plugin crates of `workspace`.
pub fn watch_context_in(engine: &Engine, workspace: Option<&Path>) -> WatchContext {
    let quarantined = engine
        .world()
        .get_resource::<crate::plugin::quarantine::Quarantine>()
        .map(|q| q.kept_out.clone())
        .unwrap_or_default();
    let libraries = engine
        .plugins()
        .generations()
        .map(|g| (g.source.clone(), g.plugin.clone(), !g.extractors.is_empty()))
        .chain(quarantined.into_iter().map(|k| (k.source, k.plugin, false)))
        .collect();
    // A binary outside its workspace watches no plugin sources (it builds nothing either).
    let crate_dirs = crate::build::dependents::CRATE_DIRS
        .iter()
        .filter_map(|d| std::fs::read_dir(workspace?.join(d)).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| (e.path(), e.file_name().to_string_lossy().into_owned()))
        .collect();
    let control_dir = engine.settings().state_dir.join("control");
    // Made beneath the state directory with no link on the way (a linked `.omnysys` is refused);
    // not while the project root is gone (that is reported once, as a project error).
    if engine.settings().project.is_dir()
        && let Err(e) = control::open_control_dir(&engine.settings().state_dir, true)
    {
        warn_once(
            &e,
            "no control directory; `omnysys rollback` cannot reach this server",
        );
    }
    WatchContext {
        libraries,
        toolset: engine.toolset().map(|t| t.file.clone()),
        engine_binary: running_binary().map(Path::to_path_buf),
        crate_dirs,
        control_dir: Some(control_dir),
        workspace: workspace.map(Path::to_path_buf),
    }
}

fn rewatch(
    watcher: &mut notify::RecommendedWatcher,
    watched: &mut BTreeSet<(PathBuf, bool)>,
    ctx: &WatchContext,
) {
    let mut wanted: BTreeSet<(PathBuf, bool)> = BTreeSet::new();
    let parents = ctx
        .libraries
        .iter()
        .map(|(p, _, _)| p.as_path())
        .chain(ctx.toolset.as_deref())
        .chain(ctx.engine_binary.as_deref());
    wanted.extend(ctx.control_dir.iter().map(|d| (d.clone(), false)));
    wanted.extend(
        parents
            .filter_map(Path::parent)
            .map(|p| (p.to_path_buf(), false)),
    );
    wanted.extend(ctx.crate_dirs.iter().map(|(d, _)| (d.clone(), true)));
    if let Some(ws) = &ctx.workspace {
        // The root manifest and lock file, and every engine crate below `engine/`.
        wanted.insert((ws.clone(), false));
        wanted.insert((ws.join(WATCH_ENGINE_DIR), true));
    }
    for (dir, recursive) in wanted.difference(watched).cloned().collect::<Vec<_>>() {
        let mode = if recursive {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        match watcher.watch(&dir, mode) {
            Ok(()) => {
                watched.insert((dir, recursive));
            }
            Err(e) => tracing::debug!(dir = %dir.display(), error = %e, "cannot watch"),
        }
    }
}

/// How long the watchers wait for a first event before looking at the engine again.
pub(crate) const POLL: Duration = Duration::from_millis(200);

/// Waits (at most `poll`) for a first event, then for `debounce` without events; returns the
/// distinct paths.
pub(crate) fn collect_batch(
    rx: &crossbeam_channel::Receiver<PathBuf>,
    poll: Duration,
    debounce: Duration,
    stop: &AtomicBool,
) -> BTreeSet<PathBuf> {
    let mut batch = BTreeSet::new();
    match rx.recv_timeout(poll) {
        Ok(path) => batch.insert(path),
        Err(_) => return batch,
    };
    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(debounce) {
            Ok(path) => batch.insert(path),
            Err(_) => break,
        };
    }
    batch
}

/// Classifies a batch and applies it as one reload transaction.
fn act_on(
    handle: &EngineHandle,
    ctx: &WatchContext,
    batch: BTreeSet<PathBuf>,
    builder: Option<&Builder>,
) {
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let mut new_toolset = None;
    for path in batch {
        let class = classify(&path, ctx);
        let action = match &class {
            ChangeClass::ToolPlugin { plugin } | ChangeClass::ExtractorPlugin { plugin } => {
                library_changed(handle, &path, plugin, &mut changes)
            }
            ChangeClass::Toolset => toolset_changed(handle, &path, &mut changes, &mut new_toolset),
            ChangeClass::PluginSource { krate } => source_changed(krate, builder),
            ChangeClass::EngineSource { krate } => engine_source_changed(krate, builder),
            ChangeClass::Engine => engine_changed(&path),
            ChangeClass::RollbackRequest => control::rollback_requested(&path, &mut changes),
            ChangeClass::Other => continue,
        };
        notes.push((path, class, action));
    }
    let _ = handle.run(move |engine| {
        if !changes.is_empty() {
            let report = engine.reload(changes);
            control::answer(engine, &report);
            match new_toolset {
                Some(toolset) if report.committed() => engine.set_toolset(toolset),
                Some(toolset) => reject_toolset(engine, &toolset.file, &report),
                None => {}
            }
        }
        let mut log = engine.world_mut().get_resource_or_init::<ChangeLog>();
        for (path, class, action) in notes {
            log.push(path, class, action);
        }
    });
}

/// A tool-set edit whose plugins were refused: record it against the file, with a location.
fn reject_toolset(engine: &mut Engine, file: &Path, report: &crate::reload::ReloadReport) {
    let refused = report
        .records
        .iter()
        .find(|r| r.outcome == ReloadOutcome::Refused);
    let reason = refused.map_or_else(
        || "refused".to_owned(),
        |r| format!("{}: {}", r.plugin, r.reason),
    );
    let located = crate::toolset::locate_reason(file, &reason);
    tracing::error!(reason = %located, "tool-set edit rejected; the previous tool set keeps serving");
    let rec = record(
        &file.display().to_string(),
        None,
        ReloadOutcome::ConfigRejected,
        located,
        &Vec::new(),
        0,
    );
    engine.record_refusal("config", rec);
}

fn library_changed(
    handle: &EngineHandle,
    path: &Path,
    plugin: &str,
    changes: &mut Vec<ReloadChange>,
) -> String {
    if crate::front::is_engine_child() && binary_replaced() {
        // After an API change these libraries carry the new engine's fingerprint: this engine
        // would refuse them. The new engine loads them when it starts.
        tracing::info!(plugin, library = %path.display(), "library rebuilt; waiting for the new engine to load it");
        return "waiting for the new engine".to_owned();
    }
    let Some(bytes) = read_when_complete(path, Duration::from_millis(2), Duration::from_secs(10))
    else {
        tracing::warn!(file = %path.display(), "the library never became complete; not loading it");
        let subject = path.display().to_string();
        let _ = handle.run(move |e| {
            e.record_error(
                "watcher",
                &subject,
                "never became a complete library within 10 s",
            );
        });
        return "ignored: never became a complete library within 10 s".to_owned();
    };
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let name = plugin.to_owned();
    let current = handle
        .read(move |e| {
            let loaded = e
                .plugins()
                .slots
                .get(&name)
                .map(|s| (s.current.content_hash, s.enabled.clone()));
            loaded.or_else(|| quarantined_tools(e, &name).map(|tools| (0, tools)))
        })
        .ok()
        .flatten();
    match current {
        Some((loaded, _)) if loaded == hash => {
            tracing::info!(
                plugin,
                "library rebuilt with identical bytes; nothing to reload"
            );
            "ignored: identical bytes".to_owned()
        }
        Some((_, tools)) => {
            changes.push(ReloadChange::Load {
                source: path.to_path_buf(),
                expect: Some(plugin.to_owned()),
                tools,
            });
            "reload".to_owned()
        }
        None => "ignored: plugin no longer loaded".to_owned(),
    }
}

/// The enabled tools of a quarantined plugin whose library is watched for a new build.
fn quarantined_tools(engine: &Engine, plugin: &str) -> Option<Option<Vec<String>>> {
    let quarantine = engine
        .world()
        .get_resource::<crate::plugin::quarantine::Quarantine>()?;
    Some(quarantine.kept_out(plugin)?.tools.clone())
}

fn toolset_changed(
    handle: &EngineHandle,
    path: &Path,
    changes: &mut Vec<ReloadChange>,
    new: &mut Option<Toolset>,
) -> String {
    match load_toolset(path) {
        Ok(toolset) => {
            let locator = LibraryLocator::default();
            let ts = toolset.clone();
            let diff = handle
                .read(move |e| diff_changes(e.plugins(), &ts, &locator))
                .unwrap_or_default();
            let action = format!("apply tool set: {} change(s)", diff.len());
            changes.extend(diff);
            *new = Some(toolset);
            action
        }
        Err(error) => {
            let reason = error.to_string();
            tracing::error!(%reason, "tool-set edit rejected; the previous tool set keeps serving");
            let rec = record(
                &path.display().to_string(),
                None,
                ReloadOutcome::ConfigRejected,
                reason.clone(),
                &Vec::new(),
                0,
            );
            let _ = handle.run(move |e| e.record_refusal("config", rec));
            format!("rejected: {reason}")
        }
    }
}

/// Builds on save, or (with build on save off) says what to run.
fn source_changed(krate: &str, builder: Option<&Builder>) -> String {
    if let Some(builder) = builder {
        builder.request(krate);
        return "build on save".to_owned();
    }
    let cmd = format!("cargo {}", crate::toolset::workspace_build_args().join(" "));
    tracing::info!(krate, command = %cmd, "plugin source changed; rebuild it to reload");
    format!("rebuild with `{cmd}`")
}

/// Builds an engine crate's change on save (the front then hands over to the binary it
/// writes), or says what to run.
fn engine_source_changed(krate: &str, builder: Option<&Builder>) -> String {
    let under_front = crate::front::is_engine_child();
    let then = if under_front {
        "the front hands over to the new engine"
    } else {
        "restart omnysys to run the new engine (`omnysys serve` without --single-process hands over by itself)"
    };
    let Some(builder) = builder else {
        let cmd = format!("cargo {}", crate::toolset::workspace_build_args().join(" "));
        tracing::warn!(krate, command = %cmd, "engine source changed; build it, then {then}");
        return format!("rebuild with `{cmd}`, then {then}");
    };
    builder.request(krate);
    if under_front {
        tracing::info!(
            krate,
            "engine source changed; building the engine, then {then}"
        );
    } else {
        tracing::warn!(krate, "engine source changed; building it, then {then}");
    }
    format!("build on save, then {then}")
}

fn engine_changed(path: &Path) -> String {
    if crate::front::is_engine_child() {
        tracing::info!(binary = %path.display(), "the engine binary was rebuilt: the front hands the session over to it");
        return "the front hands over to the new engine".to_owned();
    }
    tracing::error!(binary = %path.display(), "the engine binary was rebuilt: restart omnysys to run it (plugins reload by themselves; the engine does not; `omnysys serve` without --single-process hands over by itself)");
    "restart omnysys to run the new engine".to_owned()
}
