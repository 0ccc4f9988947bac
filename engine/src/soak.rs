//! Process measurements used by soak scenarios and benchmarks (Linux `/proc`).

use std::collections::BTreeMap;
use std::path::Path;

/// Resident set size in bytes (from `/proc/self/statm`).
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Open file descriptors of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// Distinct library copies mapped from `copies_dir`, counted per plugin crate name
/// (`<crate>-<pid>-<n>.so` → `<crate>`).
pub fn mapped_copies(copies_dir: &Path) -> BTreeMap<String, usize> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let dir = copies_dir.to_string_lossy();
    let mut files: Vec<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| p.starts_with(dir.as_ref()))
        .collect();
    files.sort_unstable();
    files.dedup();
    let mut per_crate = BTreeMap::new();
    for file in files {
        let name = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let krate = name.split('-').next().unwrap_or_default().to_owned();
        *per_crate.entry(krate).or_insert(0) += 1;
    }
    per_crate
}
