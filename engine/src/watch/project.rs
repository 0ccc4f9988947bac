//! Watching the project: created, changed, deleted and renamed files become high-priority queue
//! items; the engine thread analyses them between requests. A changed `package.json`,
//! `tsconfig.json` or `jsconfig.json` (or a config one extends) is read again at once and, when
//! resolution changed, every import is resolved again. A deleted project root empties the index
//! (and says so in `get_recent_errors`); when the root comes back it is watched and indexed
//! again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

use super::Watcher;
use crate::handle::EngineHandle;

/// Starts watching `root` recursively.
///
/// # Errors
///
/// When the OS watcher cannot be created or `root` cannot be watched.
pub fn spawn_project_watcher(
    handle: EngineHandle,
    root: PathBuf,
    debounce: Duration,
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
    watcher.watch(&root, RecursiveMode::Recursive)?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("omnysys-project-watch".into())
        .spawn(move || {
            let mut watcher = watcher;
            let mut present = true;
            while !flag.load(Ordering::SeqCst) {
                let batch = super::collect_batch(&rx, super::POLL, debounce, &flag);
                if !batch.is_empty() && queue_batch(&handle, &root, batch).is_err() {
                    return;
                }
                if follow_root(&handle, &mut watcher, &root, &mut present).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(Watcher::new(stop, thread))
}

/// Notices the project root going away (the index is emptied and the loss recorded) and coming
/// back (watched and scanned again). Checked at least every 200 ms (the batch timeout).
fn follow_root(
    handle: &EngineHandle,
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    present: &mut bool,
) -> Result<(), crate::handle::EngineGone> {
    let exists = root.is_dir();
    if exists == *present {
        return Ok(());
    }
    if !exists {
        tracing::warn!(root = %root.display(), "the project root was deleted; its files leave the index");
        handle.run(|engine| engine.project_root_gone())?;
        *present = false;
        return Ok(());
    }
    if let Err(e) = watcher.watch(root, RecursiveMode::Recursive) {
        tracing::warn!(root = %root.display(), error = %e, "the project root is back but cannot be watched yet");
        return Ok(());
    }
    tracing::info!(root = %root.display(), "the project root is back; indexing it again");
    handle.run(|engine| engine.scan())?;
    *present = true;
    Ok(())
}

fn queue_batch(
    handle: &EngineHandle,
    root: &Path,
    batch: BTreeSet<PathBuf>,
) -> Result<(), crate::handle::EngineGone> {
    let root = root.to_path_buf();
    handle.run(move |engine| {
        let extensions = crate::index::extensions(engine.world());
        let mut manifests = false;
        for path in batch {
            if let Some(relative) = crate::index::relative_if_handled(&root, &path, &extensions) {
                crate::index::queue_change(engine.world_mut(), &relative, path.exists());
            }
            manifests |= crate::index::manifests::is_manifest(engine.world(), &root, &path);
        }
        // A `package.json` or `tsconfig.json` changes how imports resolve, not any file's facts.
        if manifests {
            crate::index::manifests_changed(engine.world_mut());
        }
    })
}
