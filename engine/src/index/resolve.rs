//! Resolving import specifiers to project files (relative JS/TS paths for now).

use std::collections::BTreeMap;

use bevy_ecs::entity::Entity;

const EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts", "d.ts"];

/// The project file `specifier`, written in `from`, refers to, if any.
pub fn resolve_specifier(
    from: &str,
    specifier: &str,
    files: &BTreeMap<String, Entity>,
) -> Option<String> {
    if !specifier.starts_with('.') {
        return None;
    }
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let base = normalize(&format!("{dir}/{specifier}"))?;
    candidates(&base)
        .into_iter()
        .find(|c| files.contains_key(c))
}

fn candidates(base: &str) -> Vec<String> {
    let mut out = vec![base.to_owned()];
    out.extend(EXTENSIONS.iter().map(|e| format!("{base}.{e}")));
    out.extend(EXTENSIONS.iter().map(|e| format!("{base}/index.{e}")));
    if let Some(stem) = base.strip_suffix(".js") {
        out.extend(["ts", "tsx"].iter().map(|e| format!("{stem}.{e}")));
    }
    out
}

fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_imports_resolve_to_their_index_file() {
        let files: BTreeMap<String, Entity> = ["lib/router/index.js", "lib/app.js", "lib/util.ts"]
            .iter()
            .map(|p| (p.to_string(), Entity::PLACEHOLDER))
            .collect();
        assert_eq!(
            resolve_specifier("lib/app.js", "./router", &files).as_deref(),
            Some("lib/router/index.js")
        );
        assert_eq!(
            resolve_specifier("lib/router/index.js", "../app", &files).as_deref(),
            Some("lib/app.js")
        );
        assert_eq!(
            resolve_specifier("lib/app.js", "./util.js", &files).as_deref(),
            Some("lib/util.ts")
        );
        assert_eq!(resolve_specifier("lib/app.js", "express", &files), None);
    }
}
