//! Checking the paths clients send: inside the project, and known; and quoting what clients
//! send back to them in errors, shortened.

use std::borrow::Cow;
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
        Err(_) if Path::new(raw).is_absolute() => {
            return Err(ToolError::outside_project(&shorten(raw)));
        }
        Err(_) => Path::new(raw).to_path_buf(),
    };
    let mut parts: Vec<String> = Vec::new();
    for part in relative.components() {
        match part {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir if parts.pop().is_some() => {}
            _ => return Err(ToolError::outside_project(&shorten(raw))),
        }
    }
    let joined = parts.join("/");
    if escapes_through_symlink(root, &joined) {
        return Err(ToolError::outside_project(&shorten(raw)));
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
        format!("no file `{}` in the project index", shorten(&path)),
        closest(&path, known),
    ))
}

/// The most characters of client input an error message quotes.
pub const QUOTED_CHARS: usize = 60;

/// `text` as an error message may quote it: whole when it has at most [`QUOTED_CHARS`]
/// characters, else its first ones and an ellipsis (cut on a character boundary).
pub fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTED_CHARS) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// The longest input, in bytes, that [`closest`] looks for close matches of. A longer one is
/// no typo of a project path or name, and its distance to every candidate would cost its
/// length times all the candidates' (seconds for a few kilobytes against a large index).
pub const MAX_SUGGESTED_LEN: usize = 1024;

/// Up to three candidates closest to `wanted` (edit distance on the whole path); none when
/// `wanted` is longer than [`MAX_SUGGESTED_LEN`] bytes.
pub fn closest(wanted: &str, candidates: Vec<&str>) -> Vec<String> {
    if wanted.len() > MAX_SUGGESTED_LEN {
        return Vec::new();
    }
    let wanted: Vec<char> = wanted.chars().collect();
    // The three best so far, best first: a candidate no closer than the third is not measured
    // further than that distance.
    let mut best: Vec<(usize, &str)> = Vec::with_capacity(4);
    for c in candidates {
        let bound = if best.len() == 3 {
            best[2].0
        } else {
            usize::MAX
        };
        let Some(d) = edit_distance_within(&wanted, c, bound) else {
            continue;
        };
        best.push((d, c));
        best.sort_unstable();
        best.truncate(3);
    }
    best.into_iter().map(|(_, c)| c.to_owned()).collect()
}

/// The edit distance of `a` and `b` when it is at most `bound`, else `None` (decided as soon
/// as a whole row of the table exceeds it, or the lengths alone do).
fn edit_distance_within(a: &[char], b: &str, bound: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        let mut row_min = row[0];
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            row_min = row_min.min(row[j + 1]);
            prev = cur;
        }
        if row_min > bound {
            return None;
        }
    }
    (row[b.len()] <= bound).then_some(row[b.len()])
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
        let got = closest("abcd", vec!["x", "abce", "abcd", "zzzzzzzz", "ab", "abc"]);
        assert_eq!(got, vec!["abcd", "abc", "abce"]);
    }

    #[test]
    fn a_path_longer_than_the_suggestion_bound_gets_no_suggestions_and_a_short_quote() {
        let huge = "a/".repeat(500_000);
        let known: Vec<String> = (0..2000).map(|i| format!("src/file{i}.js")).collect();
        let started = std::time::Instant::now();
        assert!(closest(&huge, known.iter().map(String::as_str).collect()).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let quoted = shorten(&huge);
        assert_eq!(quoted.chars().count(), QUOTED_CHARS + 1);
        assert!(quoted.ends_with('…'));
    }

    #[test]
    fn quotes_are_cut_on_a_character_boundary() {
        assert_eq!(shorten("short"), "short");
        let wide = "é".repeat(100);
        assert_eq!(shorten(&wide), format!("{}…", "é".repeat(QUOTED_CHARS)));
        let outside = normalize(Path::new("/nonexistent/project"), &"../x".repeat(1000));
        assert!(outside.unwrap_err().message.len() < 200);
    }
}
