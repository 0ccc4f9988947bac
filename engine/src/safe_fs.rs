//! Opening files beneath a directory with no link anywhere on the path, never blocking, and
//! typed on the open handle (so a swap after a check cannot slip a pipe or a link in).
//!
//! Project files and the state directory (`.omnysys`) are only ever opened through here. A leaf
//! module: it uses no other module of this crate.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{Mode, OFlags, ResolveFlags};
use rustix::io::Errno;

/// Flags of every read-only open: no link followed, never blocking (a FIFO's would).
const READ: OFlags = OFlags::RDONLY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC);
/// Flags of a directory open.
const DIRECTORY: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// Opens `relative` beneath `dir` with no link on the path (`RESOLVE_BENEATH |
/// RESOLVE_NO_SYMLINKS`); on kernels before 5.6 (no `openat2`), one component at a time with
/// `O_NOFOLLOW`, refusing `..`.
///
/// # Errors
///
/// The OS error: `ELOOP` for a link, `EXDEV` for a path leaving `dir`, …
pub fn open_beneath(
    dir: BorrowedFd<'_>,
    relative: &str,
    flags: OFlags,
    mode: Mode,
) -> rustix::io::Result<OwnedFd> {
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS;
    match rustix::fs::openat2(dir, relative, flags, mode, resolve) {
        Err(Errno::NOSYS) => open_by_components(dir, relative, flags, mode),
        opened => opened,
    }
}

fn open_by_components(
    dir: BorrowedFd<'_>,
    relative: &str,
    flags: OFlags,
    mode: Mode,
) -> rustix::io::Result<OwnedFd> {
    if relative.starts_with('/') {
        return Err(Errno::XDEV);
    }
    let parts: Vec<&str> = relative
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return Err(Errno::XDEV);
    }
    let Some((last, parents)) = parts.split_last() else {
        return Err(Errno::INVAL);
    };
    let mut current: Option<OwnedFd> = None;
    for part in parents {
        let at = current.as_ref().map_or(dir, AsFd::as_fd);
        current = Some(rustix::fs::openat(at, *part, DIRECTORY, Mode::empty())?);
    }
    let at = current.as_ref().map_or(dir, AsFd::as_fd);
    rustix::fs::openat(at, *last, flags | OFlags::NOFOLLOW, mode)
}

/// Opens `relative` beneath `dir` for reading if it is a regular file; `None` if it is missing,
/// a link, under a link, or anything but a regular file.
///
/// # Errors
///
/// Other OS errors (permissions, descriptors exhausted).
pub fn open_regular(dir: BorrowedFd<'_>, relative: &str) -> io::Result<Option<File>> {
    let file = match open_beneath(dir, relative, READ, Mode::empty()) {
        Ok(fd) => File::from(fd),
        Err(Errno::NOENT | Errno::LOOP | Errno::XDEV | Errno::NOTDIR) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(file.metadata()?.is_file().then_some(file))
}

/// Reads the regular file `name` in `dir` (no link on the path), refusing anything larger than
/// `limit` bytes.
///
/// # Errors
///
/// `NotFound` when there is none; otherwise an error saying why it was refused: a link, not a
/// regular file (a FIFO, a device), too large, or the OS error.
pub fn read_regular(dir: BorrowedFd<'_>, name: &str, limit: u64) -> io::Result<Vec<u8>> {
    let fd = open_beneath(dir, name, READ, Mode::empty()).map_err(|e| explain(dir, name, e))?;
    let file = File::from(fd);
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refused(format!(
            "is not a regular file ({}); refusing to read it",
            kind_of(&meta)
        )));
    }
    if meta.len() > limit {
        return Err(refused(format!(
            "is {} bytes, over the {limit}-byte limit; refusing to read it",
            meta.len()
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(refused(format!(
            "grew over the {limit}-byte limit while read"
        )));
    }
    Ok(bytes)
}

/// Opens the directory `name` beneath `dir`, creating it first when `create`; refuses a link.
///
/// # Errors
///
/// A link, not a directory, or the OS error.
pub fn open_dir_beneath(dir: BorrowedFd<'_>, name: &str, create: bool) -> io::Result<OwnedFd> {
    if create {
        match rustix::fs::mkdirat(dir, name, Mode::from_raw_mode(0o755)) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => return Err(e.into()),
        }
    }
    open_beneath(dir, name, DIRECTORY, Mode::empty()).map_err(|e| explain(dir, name, e))
}

/// Opens the directory `path` for use as a state directory: its parent is opened as given (it
/// may be reached through links, as the user named it), the directory itself beneath it with no
/// link; created when `create` (its parent, the project root, never is).
///
/// # Errors
///
/// `path` is a link or not a directory, has no final name, or the OS error.
pub fn open_state_dir(path: &Path, create: bool) -> io::Result<OwnedFd> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| refused("has no final UTF-8 name".to_owned()))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The parent (the project root) is never created: a deleted project stays deleted.
    let parent = rustix::fs::open(
        parent,
        DIRECTORY.difference(OFlags::NOFOLLOW),
        Mode::empty(),
    )?;
    open_dir_beneath(parent.as_fd(), name, create)
}

/// Writes `parts` as the file `name` in `dir` atomically: a new temporary file of a unique name
/// (created exclusively, never through a link), fsync'd, `before_rename` called, renamed over
/// `name` (replacing whatever entry had that name, a link itself rather than its target), then
/// the directory fsync'd. The temporary file is removed on failure.
///
/// # Errors
///
/// The OS error of the step that failed.
pub fn write_atomically(
    dir: BorrowedFd<'_>,
    name: &str,
    parts: &[&[u8]],
    before_rename: impl FnOnce(),
) -> io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = format!("{name}.tmp.{}.{seq}", std::process::id());
    let written = write_new(dir, &tmp, parts).and_then(|()| {
        before_rename();
        rustix::fs::renameat(dir, tmp.as_str(), dir, name)?;
        rustix::fs::fsync(dir)?;
        Ok(())
    });
    if written.is_err() {
        let _ = rustix::fs::unlinkat(dir, tmp.as_str(), rustix::fs::AtFlags::empty());
    }
    written
}

/// Removes temporary files [`write_atomically`] left for `name` in `dir` (at `path`) when a
/// process died between creating and renaming them: those of processes no longer running, and
/// the fixed name `<name>.tmp` older versions used. Removing an entry never follows a link.
pub fn remove_stale_temporaries(dir: BorrowedFd<'_>, path: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let prefix = format!("{name}.tmp");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.strip_prefix('.').and_then(|r| r.split('.').next());
        let dead = pid.is_none_or(|pid| !Path::new("/proc").join(pid).exists());
        if (rest.is_empty() || pid.is_some()) && dead {
            let _ = remove(dir, file_name);
        }
    }
}

fn write_new(dir: BorrowedFd<'_>, name: &str, parts: &[&[u8]]) -> io::Result<()> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, name, flags, Mode::from_raw_mode(0o644))?;
    let mut file = File::from(fd);
    for part in parts {
        file.write_all(part)?;
    }
    file.sync_all()
}

/// Removes the entry `name` of `dir` (a link itself, never its target); absent is fine.
///
/// # Errors
///
/// The OS error.
pub fn remove(dir: BorrowedFd<'_>, name: &str) -> io::Result<()> {
    match rustix::fs::unlinkat(dir, name, rustix::fs::AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// An OS error of opening `name` in `dir`, in words: a link is named as one.
fn explain(dir: BorrowedFd<'_>, name: &str, error: Errno) -> io::Error {
    let link = rustix::fs::statat(dir, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
        .is_ok_and(|st| rustix::fs::FileType::from_raw_mode(st.st_mode).is_symlink());
    match error {
        Errno::LOOP | Errno::NOTDIR | Errno::XDEV if link => {
            refused("is a symbolic link; refusing to follow it".to_owned())
        }
        Errno::LOOP | Errno::XDEV => refused("leads through a symbolic link; refusing".to_owned()),
        e => e.into(),
    }
}

fn refused(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("omnysys-safe-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_link_a_fifo_and_an_oversized_file_are_refused_without_blocking() {
        let dir = scratch("read");
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero")).unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            dir.join("fifo"),
            Mode::from_raw_mode(0o600),
        )
        .unwrap();
        std::fs::write(dir.join("big"), [b'x'; 100]).unwrap();
        std::fs::write(dir.join("ok"), b"fine").unwrap();
        let fd = open_state_dir(&dir, false).unwrap();
        let err = |name| read_regular(fd.as_fd(), name, 10).unwrap_err().to_string();
        assert!(err("zero").contains("symbolic link"), "{}", err("zero"));
        assert!(err("fifo").contains("a FIFO"), "{}", err("fifo"));
        assert!(
            err("big").contains("over the 10-byte limit"),
            "{}",
            err("big")
        );
        assert_eq!(read_regular(fd.as_fd(), "ok", 10).unwrap(), b"fine");
        let missing = read_regular(fd.as_fd(), "missing", 10).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_atomic_write_replaces_a_link_and_never_writes_through_one() {
        let dir = scratch("write");
        let outside = dir.join("outside");
        std::fs::write(&outside, b"keep").unwrap();
        let state = dir.join("state");
        std::fs::create_dir(&state).unwrap();
        std::os::unix::fs::symlink(&outside, state.join("f")).unwrap();
        let fd = open_state_dir(&state, false).unwrap();
        write_atomically(fd.as_fd(), "f", &[b"new ", b"bytes"], || {}).unwrap();
        assert_eq!(std::fs::read(&outside).unwrap(), b"keep");
        assert_eq!(std::fs::read(state.join("f")).unwrap(), b"new bytes");
        assert!(
            !std::fs::symlink_metadata(state.join("f"))
                .unwrap()
                .is_symlink()
        );
        let names: Vec<_> = std::fs::read_dir(&state).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn temporaries_of_dead_processes_are_removed_and_live_ones_kept() {
        let dir = scratch("stale");
        let live = format!("f.tmp.{}.0", std::process::id());
        for name in [
            "f.tmp",
            "f.tmp.999999999.3",
            live.as_str(),
            "f.tmpx",
            "g.tmp",
        ] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        let fd = open_state_dir(&dir, false).unwrap();
        remove_stale_temporaries(fd.as_fd(), &dir, "f");
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [live.as_str(), "f.tmpx", "g.tmp"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_state_directory_that_is_a_link_is_refused_and_nothing_is_created_through_it() {
        let dir = scratch("dirlink");
        std::fs::create_dir(dir.join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join(".omnysys")).unwrap();
        let err = open_state_dir(&dir.join(".omnysys"), true).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let fd = open_state_dir(&dir, false).unwrap();
        let err = open_dir_beneath(fd.as_fd(), ".omnysys", true).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(dir.join("elsewhere")).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
