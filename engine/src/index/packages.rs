//! Workspace packages: a `package.json` with a `name` anywhere in the project (outside
//! `node_modules`) makes `import 'name'` and `import 'name/sub/path'` resolve to its files.
//!
//! - With `exports`, only what it lists is reachable (as in Node): a string, an array (first
//!   usable target), a conditions object, or a map of subpaths (`"."`, `"./x"`, patterns
//!   `"./x/*"`, the longest prefix winning) whose values may nest conditions. Conditions are
//!   tried in the order written: `require` and `node` for CommonJS `require`; `import` and
//!   `node` for ESM imports, re-exports and dynamic `import()`; `types`, `import` and `node`
//!   for `import type`; `default` for all. A `null` target blocks the subpath; a subpath not
//!   listed stays unresolved.
//! - Without `exports`: the package itself is `main` (for `import type`, `types` or `typings`
//!   first), then `index.*`; `name/sub` is the file or directory `sub` inside the package.

use omnysys_api::facts::ImportKind;

use super::jsonc::Json;

/// One `package.json` with a name.
#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    /// Its directory, project-relative (`""` at the root).
    pub dir: String,
    /// `main`.
    pub main: Option<String>,
    /// `types`, else `typings`.
    pub types: Option<String>,
    /// `exports`.
    pub exports: Option<Json>,
}

impl Package {
    /// Reads the fields resolution uses; `None` without a `name`.
    pub fn from_manifest(dir: &str, manifest: &Json) -> Option<(String, Package)> {
        let name = manifest.str("name")?.to_owned();
        let field = |key: &str| manifest.str(key).map(str::to_owned);
        let package = Package {
            dir: dir.to_owned(),
            main: field("main"),
            types: field("types").or_else(|| field("typings")),
            exports: manifest.get("exports").cloned(),
        };
        Some((name, package))
    }
}

/// `(package name, subpath)` of a bare specifier: `("@s/p", "x/y")` for `@s/p/x/y`,
/// `("p", "")` for `p`.
pub fn split_name(specifier: &str) -> Option<(&str, &str)> {
    let mut slashes = specifier.match_indices('/').map(|(i, _)| i);
    let end = if specifier.starts_with('@') {
        slashes.nth(1)
    } else {
        slashes.next()
    };
    match end {
        Some(i) => Some((&specifier[..i], &specifier[i + 1..])),
        None if specifier.starts_with('@') && !specifier.contains('/') => None,
        None => Some((specifier, "")),
    }
}

/// The conditions an import of `kind` matches, besides `default`.
pub fn conditions(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::Require => &["require", "node"],
        ImportKind::Type => &["types", "import", "node"],
        ImportKind::Static | ImportKind::Dynamic | ImportKind::ReExport => &["import", "node"],
    }
}

/// What an `exports` target gives.
#[derive(Debug, PartialEq)]
enum Target {
    /// A `./`-relative path inside the package.
    Path(String),
    /// `null` (or an invalid target): the subpath is blocked.
    Blocked,
    /// No condition matched.
    NoMatch,
}

/// The package-relative path (`./dist/x.js`) `exports` maps `subpath` (`.` or `./x`) to, for
/// an import matching `conditions`; `None` when it is not exported or is blocked.
pub fn exports_target(exports: &Json, subpath: &str, conditions: &[&str]) -> Option<String> {
    let subpaths: Vec<(&str, &Json)> = match exports {
        Json::Object(entries) if entries.iter().any(|(k, _)| k.starts_with('.')) => {
            entries.iter().map(|(k, v)| (k.as_str(), v)).collect()
        }
        other => vec![(".", other)],
    };
    let found = match subpaths
        .iter()
        .find(|(k, _)| *k == subpath && !k.contains('*'))
    {
        Some((_, target)) => resolve_target(target, "", conditions),
        None => {
            let (target, star) = best_pattern(&subpaths, subpath)?;
            resolve_target(target, star, conditions)
        }
    };
    match found {
        Target::Path(path) => Some(path),
        Target::Blocked | Target::NoMatch => None,
    }
}

/// The pattern key matching `subpath` with the longest prefix before its `*` (then the longest
/// key), and what its `*` stands for.
fn best_pattern<'a, 'j>(
    subpaths: &[(&'a str, &'j Json)],
    subpath: &'a str,
) -> Option<(&'j Json, &'a str)> {
    let mut best: Option<(&str, &Json, &str)> = None;
    for (key, target) in subpaths {
        let Some((prefix, suffix)) = key.split_once('*') else {
            continue;
        };
        let fits = !suffix.contains('*')
            && subpath.len() > prefix.len() + suffix.len()
            && subpath.starts_with(prefix)
            && subpath.ends_with(suffix);
        let better = best.is_none_or(|(b, _, _)| {
            let b_prefix = b.split_once('*').map_or(b, |(p, _)| p);
            (prefix.len(), key.len()) > (b_prefix.len(), b.len())
        });
        if fits && better {
            best = Some((
                key,
                target,
                &subpath[prefix.len()..subpath.len() - suffix.len()],
            ));
        }
    }
    best.map(|(_, target, star)| (target, star))
}

fn resolve_target(target: &Json, star: &str, conditions: &[&str]) -> Target {
    match target {
        Json::String(path) if path.starts_with("./") && !path.split('/').any(|p| p == "..") => {
            Target::Path(path.replace('*', star))
        }
        Json::Array(items) => items
            .iter()
            .map(|t| resolve_target(t, star, conditions))
            .find(|t| matches!(t, Target::Path(_)))
            .unwrap_or(Target::Blocked),
        Json::Object(entries) => entries
            .iter()
            .filter(|(k, _)| k == "default" || conditions.contains(&k.as_str()))
            .map(|(_, t)| resolve_target(t, star, conditions))
            .find(|t| *t != Target::NoMatch)
            .unwrap_or(Target::NoMatch),
        _ => Target::Blocked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::jsonc::parse;

    const ESM: &[&str] = &["import", "node"];

    fn target(exports: &str, subpath: &str, conditions: &[&str]) -> Option<String> {
        exports_target(&parse(exports).expect("valid"), subpath, conditions)
    }

    #[test]
    fn conditions_are_tried_in_the_order_written_with_default_last_resort() {
        let exports = r#"{".": {"types": "./t.d.ts", "require": "./c.cjs", "import": "./m.mjs", "default": "./d.js"}}"#;
        assert_eq!(target(exports, ".", ESM).as_deref(), Some("./m.mjs"));
        assert_eq!(
            target(exports, ".", conditions(ImportKind::Require)).as_deref(),
            Some("./c.cjs")
        );
        assert_eq!(
            target(exports, ".", conditions(ImportKind::Type)).as_deref(),
            Some("./t.d.ts")
        );
        assert_eq!(
            target(exports, ".", &["browser"]).as_deref(),
            Some("./d.js")
        );
        // Nested conditions: `node` matches, its `import` does not for `require`, so `default`.
        let nested =
            r#"{"node": {"import": "./n.mjs", "default": "./n.cjs"}, "default": "./x.js"}"#;
        assert_eq!(target(nested, ".", ESM).as_deref(), Some("./n.mjs"));
        assert_eq!(
            target(nested, ".", &["require", "node"]).as_deref(),
            Some("./n.cjs")
        );
        // A string or an array is the `.` export.
        assert_eq!(target(r#""./i.js""#, ".", ESM).as_deref(), Some("./i.js"));
        assert_eq!(
            target(r#"["bad", "./a.js"]"#, ".", ESM).as_deref(),
            Some("./a.js")
        );
    }

    #[test]
    fn patterns_substitute_the_star_and_the_longest_prefix_wins() {
        let exports = r#"{"./*": "./src/*.js", "./shapes/*": "./src/shapes/*/index.js", "./shapes/*.css": "./css/*.css"}"#;
        assert_eq!(
            target(exports, "./util", ESM).as_deref(),
            Some("./src/util.js")
        );
        assert_eq!(
            target(exports, "./shapes/round/circle", ESM).as_deref(),
            Some("./src/shapes/round/circle/index.js")
        );
        assert_eq!(
            target(exports, "./shapes/a.css", ESM).as_deref(),
            Some("./css/a.css")
        );
    }

    #[test]
    fn unlisted_and_null_subpaths_are_blocked() {
        let exports = r#"{".": "./i.js", "./features/*": "./f/*.js", "./features/private/*": null, "./esm": {"import": "./e.mjs"}}"#;
        assert_eq!(target(exports, "./lib/i.js", ESM), None);
        assert_eq!(target(exports, "./features/private/x", ESM), None);
        assert_eq!(
            target(exports, "./features/x", ESM).as_deref(),
            Some("./f/x.js")
        );
        assert_eq!(target(exports, "./esm", &["require"]), None);
        assert_eq!(target(r#"{".": "../outside.js"}"#, ".", ESM), None);
    }

    #[test]
    fn package_names_split_from_their_subpaths() {
        assert_eq!(split_name("lodash"), Some(("lodash", "")));
        assert_eq!(split_name("lodash/fp/map"), Some(("lodash", "fp/map")));
        assert_eq!(split_name("@ws/shapes"), Some(("@ws/shapes", "")));
        assert_eq!(split_name("@ws/shapes/x/y"), Some(("@ws/shapes", "x/y")));
        assert_eq!(split_name("@ws"), None);
    }
}
