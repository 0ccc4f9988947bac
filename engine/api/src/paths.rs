//! Checking the paths clients send: inside the project, and known.

use std::path::{Component, Path};

use bevy_ecs::world::World;

use crate::schema::{FileIndex, ProjectRoot};
use crate::tool::ToolError;

/// Normalizes a client path to the project-relative, `/`-separated form the index uses.
///
/// # Errors
///
/// An `OutsideProject` error when the path leaves the root: `..` past the top, an absolute path
/// elsewhere, or (when `root` exists on disk) a symlink that escapes it.
pub fn normalize(root: &Path, raw: &str) -> Result<String, ToolError> {
    let relative = match Path::new(raw).strip_prefix(root) {
        Ok(rest) => rest.to_path_buf(),
        Err(_) if Path::new(raw).is_absolute() => return Err(ToolError::outside_project(raw)),
        Err(_) => Path::new(raw).to_path_buf(),
    };
    let mut parts: Vec<String> = Vec::new();
    for part in relative.components() {
        match part {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir if parts.pop().is_some() => {}
            _ => return Err(ToolError::outside_project(raw)),
        }
    }
    let joined = parts.join("/");
    if escapes_through_symlink(root, &joined) {
        return Err(ToolError::outside_project(raw));
    }
    Ok(joined)
}

fn escapes_through_symlink(root: &Path, relative: &str) -> bool {
    let (Ok(root), Ok(target)) = (root.canonicalize(), root.join(relative).canonicalize()) else {
        return false;
    };
    !target.starts_with(root)
}

/// Resolves a client path to a known project file.
///
/// # Errors
///
/// `OutsideProject` as in [`normalize`]; `NotFound` with the closest known paths when the file
/// is not in the index.
pub fn known_file(world: &World, raw: &str) -> Result<String, ToolError> {
    let root = world
        .get_resource::<ProjectRoot>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let path = normalize(&root, raw)?;
    let index = world.get_resource::<FileIndex>();
    if index.is_some_and(|i| i.0.contains_key(&path)) {
        return Ok(path);
    }
    let known = index
        .map(|i| i.0.keys().map(String::as_str).collect())
        .unwrap_or_default();
    Err(ToolError::not_found(
        format!("no file `{path}` in the project index"),
        closest(&path, known),
    ))
}

/// Up to three candidates closest to `wanted` (edit distance on the whole path).
pub fn closest(wanted: &str, candidates: Vec<&str>) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(wanted, c), c))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_owned())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_climb_out_of_the_root_are_refused() {
        let root = Path::new("/nonexistent/project");
        assert_eq!(normalize(root, "./src/../lib/a.js").unwrap(), "lib/a.js");
        assert_eq!(
            normalize(root, "/nonexistent/project/lib/a.js").unwrap(),
            "lib/a.js"
        );
        assert!(normalize(root, "../secret").is_err());
        assert!(normalize(root, "/etc/passwd").is_err());
        assert!(normalize(root, "lib/../../x").is_err());
    }

    #[test]
    fn the_closest_paths_come_first() {
        let got = closest(
            "lib/roter.js",
            vec!["lib/router.js", "test/a.js", "lib/route.js"],
        );
        assert_eq!(got[0], "lib/router.js");
    }
}
