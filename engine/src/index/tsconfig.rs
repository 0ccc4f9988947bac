//! `tsconfig.json` / `jsconfig.json`: `compilerOptions.baseUrl` and `paths`, as TypeScript
//! applies them to non-relative specifiers.
//!
//! - A file uses the nearest config in its directory or above (`tsconfig.json` before
//!   `jsconfig.json` in one directory).
//! - `paths`: an exact key first, else the `*` pattern with the longest prefix; each of its
//!   targets in order, `*` replaced, relative to `baseUrl` when set, else to the config that
//!   holds `paths`. When no target is a project file, `baseUrl` is tried, then packages.
//! - `baseUrl`: `baseUrl/specifier`.
//! - `extends` (a string or an array of relative paths, `.json` optional) is read first and
//!   overridden option by option; package configs (`@tsconfig/node20`) are skipped.

use std::collections::BTreeSet;
use std::path::Path;

use super::jsonc::{self, Json};
use super::resolve::{dir_of, join, normalize};

/// How deep `extends` chains are followed.
const MAX_EXTENDS: usize = 8;

/// The options of one config that resolution uses, paths made project-relative.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TsConfig {
    /// `baseUrl`, project-relative.
    pub base_url: Option<String>,
    /// `paths`.
    pub paths: Option<Paths>,
}

/// `compilerOptions.paths`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Paths {
    /// Each key with its targets, in the order written.
    pub entries: Vec<(String, Vec<String>)>,
    /// The directory targets are relative to when there is no `baseUrl`: the config's.
    pub dir: String,
}

/// What reading a config found: the options, the files read, and what was wrong.
#[derive(Default)]
pub struct Loaded {
    /// The options; `None` when the config itself cannot be read or parsed (the files it
    /// governs fall back to the next config up).
    pub config: Option<TsConfig>,
    /// Every file read (the config and what it extends), project-relative.
    pub sources: BTreeSet<String>,
    /// `(file, message)` of files that could not be used.
    pub warnings: Vec<(String, String)>,
}

/// Reads the config at `path` (project-relative) and what it extends.
pub fn load(root: &Path, path: &str) -> Loaded {
    let mut loaded = Loaded::default();
    let mut config = TsConfig::default();
    if read(root, path, 0, &mut config, &mut loaded) {
        loaded.config = Some(config);
    }
    loaded
}

/// Reads one config into `config`; false when it cannot be read or parsed.
fn read(root: &Path, path: &str, depth: usize, config: &mut TsConfig, loaded: &mut Loaded) -> bool {
    if depth > MAX_EXTENDS || !loaded.sources.insert(path.to_owned()) {
        return false;
    }
    let Some(json) = jsonc::read(root, path, &mut loaded.warnings) else {
        return false;
    };
    let dir = dir_of(path);
    let extends = match json.get("extends") {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Json::String(s) => Some(s.as_str()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for base in extends.into_iter().filter(|b| b.starts_with('.')) {
        let Some(mut target) = normalize(&join(dir, base)) else {
            continue;
        };
        if !target.ends_with(".json") && !root.join(&target).is_file() {
            target.push_str(".json");
        }
        read(root, &target, depth + 1, config, loaded);
    }
    let Some(options) = json.get("compilerOptions") else {
        return true;
    };
    if let Some(base_url) = options.str("baseUrl") {
        config.base_url = normalize(&join(dir, base_url));
    }
    match options.get("paths") {
        Some(Json::Object(entries)) => {
            config.paths = Some(Paths {
                entries: entries
                    .iter()
                    .map(|(key, targets)| (key.clone(), strings(targets)))
                    .collect(),
                dir: dir.to_owned(),
            });
        }
        Some(_) => loaded.warnings.push((
            path.to_owned(),
            "`compilerOptions.paths` is not an object; ignored".to_owned(),
        )),
        None => {}
    }
    true
}

fn strings(value: &Json) -> Vec<String> {
    match value {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

impl TsConfig {
    /// The project paths (without extension resolution) a bare `specifier` may name, in the
    /// order TypeScript tries them.
    pub fn candidates(&self, specifier: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(paths) = &self.paths {
            let base = self.base_url.as_deref().unwrap_or(&paths.dir);
            if let Some((targets, star)) = best_match(&paths.entries, specifier) {
                out.extend(
                    targets
                        .iter()
                        .filter_map(|t| normalize(&join(base, &t.replace('*', star)))),
                );
            }
        }
        if let Some(base) = &self.base_url {
            out.extend(normalize(&join(base, specifier)));
        }
        out
    }

    /// Whether `paths` has a key matching `specifier` (so it names a project file).
    pub fn maps(&self, specifier: &str) -> bool {
        self.paths
            .as_ref()
            .is_some_and(|paths| best_match(&paths.entries, specifier).is_some())
    }
}

/// The targets of the `paths` key matching `specifier`, and what its `*` stands for.
fn best_match<'a, 'p>(
    paths: &'p [(String, Vec<String>)],
    specifier: &'a str,
) -> Option<(&'p [String], &'a str)> {
    if let Some((_, targets)) = paths.iter().find(|(k, _)| k == specifier) {
        return Some((targets, ""));
    }
    paths
        .iter()
        .filter_map(|(key, targets)| {
            let (prefix, suffix) = key.split_once('*')?;
            let fits = specifier.len() >= prefix.len() + suffix.len()
                && specifier.starts_with(prefix)
                && specifier.ends_with(suffix);
            fits.then(|| {
                let star = &specifier[prefix.len()..specifier.len() - suffix.len()];
                (prefix.len(), targets.as_slice(), star)
            })
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, targets, star)| (targets, star))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_url: Option<&str>, paths: &[(&str, &[&str])]) -> TsConfig {
        TsConfig {
            base_url: base_url.map(str::to_owned),
            paths: Some(Paths {
                entries: paths
                    .iter()
                    .map(|(k, t)| (k.to_string(), t.iter().map(|s| s.to_string()).collect()))
                    .collect(),
                dir: "web".to_owned(),
            }),
        }
    }

    #[test]
    fn paths_wildcards_try_every_target_then_the_base_url() {
        let c = config(
            Some("web"),
            &[
                ("@app/*", &["src/*", "gen/*"]),
                ("@app/ui/*", &["ui/*"]),
                ("cfg", &["src/config.ts"]),
            ],
        );
        assert_eq!(
            c.candidates("@app/util"),
            ["web/src/util", "web/gen/util", "web/@app/util"]
        );
        assert_eq!(
            c.candidates("@app/ui/button"),
            ["web/ui/button", "web/@app/ui/button"]
        );
        assert_eq!(c.candidates("cfg"), ["web/src/config.ts", "web/cfg"]);
        assert_eq!(c.candidates("lodash"), ["web/lodash"]);
        assert!(c.maps("@app/x") && !c.maps("lodash"));
    }

    #[test]
    fn without_a_base_url_paths_are_relative_to_their_config() {
        let c = config(None, &[("~/*", &["./lib/*"])]);
        assert_eq!(c.candidates("~/a/b"), ["web/lib/a/b"]);
        assert!(c.candidates("react").is_empty());
    }

    #[test]
    fn extends_is_followed_and_bad_json_is_a_warning_with_its_position() {
        let root = std::env::temp_dir().join(format!("omnysys-tsconfig-{}", std::process::id()));
        std::fs::create_dir_all(root.join("app")).expect("temp dir");
        let write = |p: &str, t: &str| std::fs::write(root.join(p), t).expect("write");
        write(
            "tsconfig.base.json",
            r##"{"compilerOptions": {"baseUrl": ".", "paths": {"#/*": ["lib/*"]}}}"##,
        );
        write(
            "app/tsconfig.json",
            "{\n  // child\n  \"extends\": \"../tsconfig.base\",\n  \"compilerOptions\": {\"baseUrl\": \"src\",},\n}",
        );
        let loaded = load(&root, "app/tsconfig.json");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let config = loaded.config.expect("usable");
        assert_eq!(config.base_url.as_deref(), Some("app/src"));
        assert_eq!(config.candidates("#/x"), ["app/src/lib/x", "app/src/#/x"]);
        assert_eq!(
            loaded.sources.into_iter().collect::<Vec<_>>(),
            ["app/tsconfig.json", "tsconfig.base.json"]
        );
        write(
            "app/tsconfig.json",
            "{\n  \"compilerOptions\": {\n    \"baseUrl\" \"src\"\n",
        );
        let bad = load(&root, "app/tsconfig.json");
        assert_eq!(bad.config, None);
        let (file, message) = &bad.warnings[0];
        assert_eq!(file, "app/tsconfig.json");
        assert!(message.contains("line 3 column 15"), "{message}");
        let _ = std::fs::remove_dir_all(&root);
    }
}
