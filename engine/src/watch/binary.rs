//! The engine's own binary: the path it was started from, and whether a newer build has
//! replaced it on disk.
//!
//! `std::env::current_exe` reads `/proc/self/exe`, which names `… (deleted)` once cargo has
//! replaced the file; the path is therefore taken once, early, and compared by inode with the
//! running image afterwards.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The path this process's executable was started from (taken at the first call; call it at
/// start-up).
pub fn running_binary() -> Option<&'static Path> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let text = exe.to_string_lossy();
        let kept = text.strip_suffix(" (deleted)").map(PathBuf::from);
        Some(kept.unwrap_or(exe))
    })
    .as_deref()
}

/// Whether the file at [`running_binary`] is no longer the image this process runs (a build
/// wrote a new engine binary). False when either cannot be read.
pub fn binary_replaced() -> bool {
    let Some(path) = running_binary() else {
        return false;
    };
    let (Ok(on_disk), Ok(running)) = (std::fs::metadata(path), std::fs::metadata("/proc/self/exe"))
    else {
        return false;
    };
    (on_disk.dev(), on_disk.ino()) != (running.dev(), running.ino())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_binary_left_in_place_is_not_replaced() {
        assert!(running_binary().is_some_and(Path::is_file));
        assert!(!binary_replaced());
    }
}
