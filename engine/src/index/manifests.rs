//! The project's `package.json`, `tsconfig.json` and `jsconfig.json` files, read for module
//! resolution: found by a walk that honours `.gitignore` and skips `node_modules` (the tool
//! set's include/exclude globs do not apply: a root config governs included files too).
//!
//! They are read when the project is scanned and again when the watcher sees one change; when
//! what they say changed, every import is resolved again. A file that cannot be parsed is
//! logged and kept in the recent errors, naming the file and position, and resolution goes on
//! without it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use bevy_ecs::resource::Resource;
use bevy_ecs::world::World;
use omnysys_api::schema::{ProjectRoot, RecentErrors};

use super::jsonc;
use super::packages::Package;
use super::resolve::dir_of;
use super::tsconfig::{self, TsConfig};
use super::walk;

/// File names read for resolution.
const MANIFESTS: &[&str] = &["package.json", "tsconfig.json", "jsconfig.json"];

/// What the project's manifests say about resolving bare specifiers.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct ResolveConfig {
    /// Workspace packages by name (the first by path when two share one).
    pub packages: BTreeMap<String, Package>,
    /// Compiler options by the directory of their config.
    pub tsconfigs: BTreeMap<String, TsConfig>,
    /// Every file read (configs extended from included), project-relative.
    pub sources: BTreeSet<String>,
    /// `(file, message)` of the files that could not be used.
    pub warnings: Vec<(String, String)>,
}

/// Bump when a resolution rule changes (snapshots taken before are then relinked on start).
pub const RESOLVER_RULES: u32 = 2;

/// The fingerprint of the config a restored snapshot's imports were resolved with: the first
/// scan relinks only when the manifests on disk say something else.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestoredResolveConfig(pub u64);

impl ResolveConfig {
    /// A hash of everything the config says (its debug form: maps and lists in order) and of
    /// the resolver's rules ([`RESOLVER_RULES`] and the engine version): facts resolved under
    /// another fingerprint are linked again.
    pub fn fingerprint(&self) -> u64 {
        let text = format!("{RESOLVER_RULES} {} {self:?}", env!("CARGO_PKG_VERSION"));
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// The config that governs `file`: the nearest in its directory or above.
    pub fn tsconfig_for(&self, file: &str) -> Option<&TsConfig> {
        let mut dir = dir_of(file);
        loop {
            if let Some(config) = self.tsconfigs.get(dir) {
                return Some(config);
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir_of(dir);
        }
    }

    /// Whether a bare `specifier` in `from` names project code (a workspace package or a
    /// `paths` alias), so failing to resolve it is worth reporting.
    pub fn claims(&self, from: &str, specifier: &str) -> bool {
        let package = super::packages::split_name(specifier)
            .is_some_and(|(name, _)| self.packages.contains_key(name));
        package || self.tsconfig_for(from).is_some_and(|c| c.maps(specifier))
    }
}

/// Reads every manifest under `root`.
pub fn load(root: &Path) -> ResolveConfig {
    let mut config = ResolveConfig::default();
    let warnings = &mut config.warnings;
    let mut found = manifest_paths(root);
    // `tsconfig.json` wins over `jsconfig.json` in one directory: read it last.
    found.sort_by_key(|p| (p.ends_with("tsconfig.json"), p.clone()));
    for path in found {
        let dir = dir_of(&path).to_owned();
        if path.ends_with("package.json") {
            config.sources.insert(path.clone());
            let manifest = jsonc::read(root, &path, warnings);
            if let Some((name, package)) = manifest.and_then(|m| Package::from_manifest(&dir, &m)) {
                config.packages.entry(name).or_insert(package);
            }
        } else {
            let loaded = tsconfig::load(root, &path);
            config.sources.extend(loaded.sources);
            warnings.extend(loaded.warnings);
            config.tsconfigs.extend(loaded.config.map(|c| (dir, c)));
        }
    }
    config
}

/// Project-relative paths of the manifests under `root`, sorted.
fn manifest_paths(root: &Path) -> Vec<String> {
    let mut found: Vec<String> = walk::walker(root)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| MANIFESTS.iter().any(|m| e.file_name() == *m))
        .filter_map(|e| {
            let relative = e.path().strip_prefix(root).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    found.sort();
    found
}

/// Whether a change to `path` (absolute) may change resolution: a manifest outside the
/// excluded directories, or a config another one extends.
pub fn is_manifest(world: &World, root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    if walk::is_excluded(relative) {
        return false;
    }
    let named = path
        .file_name()
        .is_some_and(|n| MANIFESTS.iter().any(|m| n == *m));
    let relative = relative.to_string_lossy().replace('\\', "/");
    named
        || world
            .get_resource::<ResolveConfig>()
            .is_some_and(|c| c.sources.contains(&relative))
}

/// Reads the manifests again; when what they say changed, stores it and returns true (the
/// caller relinks). New warnings go to the log and the recent errors.
pub fn reload(world: &mut World) -> bool {
    let root = world.resource::<ProjectRoot>().0.clone();
    let config = load(&root);
    let previous = world.get_resource::<ResolveConfig>();
    let new: Vec<(String, String)> = config
        .warnings
        .iter()
        .filter(|w| previous.is_none_or(|p| !p.warnings.contains(w)))
        .cloned()
        .collect();
    for (file, message) in new {
        tracing::warn!(%file, %message, "module resolution config");
        RecentErrors::record(world, "config", &file, &message);
    }
    let unchanged = match world.get_resource::<ResolveConfig>() {
        Some(previous) => *previous == config,
        None => world
            .remove_resource::<RestoredResolveConfig>()
            .is_some_and(|restored| restored.0 == config.fingerprint()),
    };
    if unchanged && world.contains_resource::<ResolveConfig>() {
        return false;
    }
    world.insert_resource(config);
    !unchanged
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use omnysys_api::facts::{FileFacts, Import, ImportKind};
    use omnysys_api::graph::DependencyGraph;
    use omnysys_api::schema::{CacheEntry, FileIndex};

    use super::*;

    /// A world for the project at `root` whose files are `paths`, `app.js` importing `@t/lib`.
    fn world(root: &Path, paths: &[&str]) -> World {
        let mut world = World::new();
        crate::schema::register_schema(&mut world);
        crate::tools::init_resources(&mut world);
        crate::index::init_resources(&mut world);
        world.insert_resource(ProjectRoot(root.to_path_buf()));
        for path in paths {
            let imports = (*path == "app.js").then(|| Import {
                specifier: "@t/lib".to_owned(),
                resolved: None,
                names: vec!["x".to_owned()],
                kind: ImportKind::Static,
                line: 1,
                bindings: Vec::new(),
            });
            let facts = FileFacts {
                imports: imports.into_iter().collect(),
                ..FileFacts::default()
            };
            let entity = world
                .spawn(CacheEntry {
                    facts: Arc::new(facts),
                    extractor: "javascript".to_owned(),
                    extractor_version: "1".to_owned(),
                    content_hash: 0,
                })
                .id();
            world
                .resource_mut::<FileIndex>()
                .0
                .insert((*path).to_owned(), entity);
        }
        world
    }

    fn resolved(world: &World) -> Option<String> {
        let entity = world.resource::<FileIndex>().0["app.js"];
        world.get::<CacheEntry>(entity)?.facts.imports[0]
            .resolved
            .clone()
    }

    #[test]
    fn a_warm_start_relinks_only_when_the_restored_fingerprint_differs() {
        let root = std::env::temp_dir().join(format!("omnysys-restored-{}", std::process::id()));
        std::fs::create_dir_all(root.join("lib")).expect("temp dir");
        std::fs::write(
            root.join("lib/package.json"),
            r#"{"name": "@t/lib", "main": "a.js"}"#,
        )
        .expect("write");
        let mut cold = world(&root, &["app.js", "lib/a.js"]);
        crate::index::manifests_changed(&mut cold);
        let fingerprint = crate::index::resolve_fingerprint(&cold).expect("read on the scan");
        // The same manifests as the snapshot's: nothing to relink.
        let mut warm = world(&root, &["app.js", "lib/a.js"]);
        warm.insert_resource(RestoredResolveConfig(fingerprint));
        assert!(!crate::index::manifests_changed(&mut warm));
        assert_eq!(crate::index::resolve_fingerprint(&warm), Some(fingerprint));
        // Another fingerprint (other manifests, or other resolver rules), or none: relink.
        let mut stale = world(&root, &["app.js", "lib/a.js"]);
        stale.insert_resource(RestoredResolveConfig(fingerprint ^ 1));
        assert!(crate::index::manifests_changed(&mut stale));
        assert_eq!(resolved(&stale).as_deref(), Some("lib/a.js"));
        let mut unknown = world(&root, &["app.js", "lib/a.js"]);
        assert!(crate::index::manifests_changed(&mut unknown));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_edited_manifest_relinks_the_imports_it_governs() {
        let root = std::env::temp_dir().join(format!("omnysys-manifests-{}", std::process::id()));
        std::fs::create_dir_all(root.join("lib")).expect("temp dir");
        let manifest = root.join("lib/package.json");
        std::fs::write(&manifest, r#"{"name": "@t/lib", "main": "a.js"}"#).expect("write");
        let mut w = world(&root, &["app.js", "lib/a.js", "lib/b.js"]);
        assert!(crate::index::manifests_changed(&mut w));
        assert_eq!(resolved(&w).as_deref(), Some("lib/a.js"));
        assert!(!crate::index::manifests_changed(&mut w), "nothing changed");

        std::fs::write(&manifest, r#"{"name": "@t/lib", "main": "b.js"}"#).expect("write");
        assert!(is_manifest(&w, &root, &manifest));
        assert!(crate::index::manifests_changed(&mut w));
        assert_eq!(resolved(&w).as_deref(), Some("lib/b.js"));
        let graph = w.resource::<DependencyGraph>();
        assert_eq!(graph.dependents("lib/b.js").collect::<Vec<_>>(), ["app.js"]);
        assert_eq!(graph.dependents("lib/a.js").count(), 0);

        // A config that a tsconfig extends is watched by path; other JSON files are not.
        std::fs::write(root.join("tsconfig.json"), r#"{"extends": "./base"}"#).expect("write");
        std::fs::write(root.join("base.json"), "{}").expect("write");
        assert!(!is_manifest(&w, &root, &root.join("base.json")));
        crate::index::manifests_changed(&mut w);
        assert!(is_manifest(&w, &root, &root.join("base.json")));
        assert!(!is_manifest(&w, &root, &root.join("data.json")));
        assert!(!is_manifest(
            &w,
            &root,
            &root.join("node_modules/x/package.json")
        ));

        // A broken manifest is a warning; resolution goes on without it.
        std::fs::write(&manifest, "{\"name\": }").expect("write");
        assert!(crate::index::manifests_changed(&mut w));
        assert_eq!(resolved(&w), None);
        let errors = w.resource::<RecentErrors>();
        let last = errors.0.back().expect("a warning");
        assert_eq!(last.subject, "lib/package.json");
        assert!(
            last.message.contains("line 1 column 10"),
            "{}",
            last.message
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
