//! Telling a complete library from a half-written one.
//!
//! Cargo and linkers write libraries in place; a watcher can see the file after the first
//! half. A file is taken as complete when it is a well-formed ELF object whose program headers,
//! segments and section headers all lie inside the file, and its size stayed the same over a
//! short settle interval.

use std::path::Path;
use std::time::{Duration, Instant};

/// Reads `path` once it is complete; `None` if it never became complete within `timeout` (or
/// vanished).
pub fn read_when_complete(path: &Path, settle: Duration, timeout: Duration) -> Option<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(bytes) = std::fs::read(path)
            && elf_complete(&bytes)
        {
            std::thread::sleep(settle);
            let size_now = std::fs::metadata(path).map(|m| m.len()).ok();
            if size_now == Some(bytes.len() as u64) {
                return Some(bytes);
            }
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(settle);
    }
}

/// True when `bytes` is a 64-bit little-endian ELF file with every table and segment inside it.
pub fn elf_complete(bytes: &[u8]) -> bool {
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return false;
    }
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]) as u64;
    let u64_at = |o: usize| {
        bytes.get(o..o + 8).map_or(u64::MAX, |b| {
            u64::from_le_bytes(b.try_into().unwrap_or([0xff; 8]))
        })
    };
    let len = bytes.len() as u64;
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    let (shoff, shentsize, shnum) = (u64_at(0x28), u16_at(0x3a), u16_at(0x3c));
    let ph_end = phoff.saturating_add(phentsize * phnum);
    let sh_end = shoff.saturating_add(shentsize * shnum);
    if ph_end > len || sh_end > len || phentsize < 56 {
        return false;
    }
    (0..phnum).all(|i| {
        let at = (phoff + i * phentsize) as usize;
        let (offset, filesz) = (u64_at(at + 8), u64_at(at + 32));
        offset.saturating_add(filesz) <= len
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_library_is_incomplete_and_the_whole_one_complete() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert!(elf_complete(&exe));
        assert!(!elf_complete(&exe[..exe.len() / 2]));
        assert!(!elf_complete(&exe[..exe.len() - 1]));
        assert!(!elf_complete(
            b"not an elf file at all, just text that is long enough to pass the size check"
        ));
    }
}
