//! Which plugin library copies this process has mapped (Linux `/proc/self/maps`): status
//! reports it per plugin, so a library that stays mapped after its generation retired shows.

use std::collections::BTreeMap;
use std::path::Path;

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
