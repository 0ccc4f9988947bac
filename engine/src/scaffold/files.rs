//! Writing without overwriting: a new crate is made in a staging directory and moved into
//! place with a rename that refuses an existing target; a new file is created exclusively; an
//! edited file is replaced atomically (a temporary file in its directory, renamed over it), and
//! only if it still holds the text the edit started from.

use std::io::Write;
use std::path::{Path, PathBuf};

use rustix::fs::{CWD, RenameFlags, renameat_with};

use super::ScaffoldError;
use super::template::Rendered;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ScaffoldError + '_ {
    move |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` into a new directory `dir` that must not exist: staged in `staging` (a
/// directory on the same file system, made if missing), then renamed into place in one step,
/// so a watcher never sees a half-made crate and a failure leaves nothing behind.
///
/// # Errors
///
/// [`ScaffoldError::Exists`] when `dir` exists (also when it appeared meanwhile), or the I/O
/// error of the step that failed.
pub fn create_dir_with(
    dir: &Path,
    staging: &Path,
    files: &[Rendered],
) -> Result<(), ScaffoldError> {
    if dir.symlink_metadata().is_ok() {
        return Err(ScaffoldError::Exists(dir.to_path_buf()));
    }
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    let name = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let stage = staging.join(format!("{name}.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&stage);
    let placed = write_files(&stage, files).and_then(|()| {
        renameat_with(CWD, &stage, CWD, dir, RenameFlags::NOREPLACE).map_err(|e| {
            if e == rustix::io::Errno::EXIST || e == rustix::io::Errno::NOTEMPTY {
                ScaffoldError::Exists(dir.to_path_buf())
            } else {
                io(dir)(e.into())
            }
        })
    });
    if placed.is_err() {
        let _ = std::fs::remove_dir_all(&stage);
    }
    placed
}

fn write_files(dir: &Path, files: &[Rendered]) -> Result<(), ScaffoldError> {
    for (relative, text) in files {
        create_new(&dir.join(relative), text)?;
    }
    Ok(())
}

/// Creates the file `path` (and missing parent directories) with `text`; never replaces one.
///
/// # Errors
///
/// [`ScaffoldError::Exists`] when it exists, or the I/O error.
pub fn create_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.to_path_buf()),
            _ => io(path)(e),
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io(path))
}

/// Replaces `path`, which held `old`, with `new`: a temporary file beside it (same
/// permissions) renamed over it.
///
/// # Errors
///
/// [`ScaffoldError::Changed`] when the file no longer holds `old`, or the I/O error.
pub fn replace(path: &Path, old: &str, new: &str) -> Result<(), ScaffoldError> {
    let now = std::fs::read_to_string(path).map_err(io(path))?;
    if now != old {
        return Err(ScaffoldError::Changed(path.to_path_buf()));
    }
    let tmp = temporary_beside(path);
    let written = create_new(&tmp, new).and_then(|()| {
        let perms = std::fs::metadata(path).map_err(io(path))?.permissions();
        std::fs::set_permissions(&tmp, perms).map_err(io(&tmp))?;
        std::fs::rename(&tmp, path).map_err(io(path))
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.omnysys-new.{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("omnysys-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_directory_is_placed_whole_and_never_over_an_existing_one() {
        let root = scratch("place");
        let files = vec![("src/a.rs".to_owned(), "a".to_owned())];
        create_dir_with(&root.join("c"), &root.join("stage"), &files).unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("c/src/a.rs")).unwrap(),
            "a"
        );
        std::fs::create_dir(root.join("empty")).unwrap();
        let again = create_dir_with(&root.join("empty"), &root.join("stage"), &files);
        assert!(matches!(again, Err(ScaffoldError::Exists(_))), "{again:?}");
        assert_eq!(std::fs::read_dir(root.join("stage")).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_replacement_needs_the_text_it_started_from() {
        let root = scratch("replace");
        let f = root.join("lib.rs");
        std::fs::write(&f, "old").unwrap();
        assert!(matches!(
            replace(&f, "other", "new"),
            Err(ScaffoldError::Changed(_))
        ));
        replace(&f, "old", "new").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert!(matches!(create_new(&f, "x"), Err(ScaffoldError::Exists(_))));
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1);
        let _ = std::fs::remove_dir_all(&root);
    }
}
