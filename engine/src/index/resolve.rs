//! Resolving import specifiers to project files: JavaScript/TypeScript relative paths (with
//! extension and directory-index resolution), `tsconfig` `paths` and `baseUrl`, and workspace
//! packages (see [`super::packages`] and [`super::tsconfig`]); Python modules and packages
//! (absolute from the project root or `src/`, and relative), and the Rust module tree (`mod`,
//! `crate::`, `super::`, `self::`).

use std::collections::BTreeMap;

use bevy_ecs::entity::Entity;
use omnysys_api::facts::ImportKind;

use super::manifests::ResolveConfig;
use super::packages::{self, Package};

type Files = BTreeMap<String, Entity>;

const JS_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts", "d.ts"];

/// The project file the import `specifier` (importing `names`) in `from` refers to, if any,
/// without package manifests or `tsconfig` (a static import).
pub fn resolve_specifier(
    from: &str,
    specifier: &str,
    names: &[String],
    files: &Files,
) -> Option<String> {
    let config = ResolveConfig::default();
    let resolver = Resolver {
        files,
        config: &config,
    };
    resolver.resolve(from, specifier, names, ImportKind::Static)
}

/// Resolves specifiers against the project's files and manifests.
pub struct Resolver<'a> {
    /// The project's files.
    pub files: &'a Files,
    /// What its `package.json` and `tsconfig.json` files say.
    pub config: &'a ResolveConfig,
}

impl Resolver<'_> {
    /// The project file the import `specifier` (of `kind`, importing `names`) in `from` refers
    /// to, if any.
    pub fn resolve(
        &self,
        from: &str,
        specifier: &str,
        names: &[String],
        kind: ImportKind,
    ) -> Option<String> {
        match from.rsplit_once('.').map(|(_, ext)| ext) {
            Some("py" | "pyi") => resolve_python(from, specifier, names, self.files),
            Some("rs") => resolve_rust(from, specifier, self.files),
            _ => self.resolve_js(from, specifier, kind),
        }
    }

    fn resolve_js(&self, from: &str, specifier: &str, kind: ImportKind) -> Option<String> {
        if specifier.starts_with('.') {
            return js_file(&normalize(&join(dir_of(from), specifier))?, self.files);
        }
        if specifier.starts_with('/') {
            return None;
        }
        let aliased = self.config.tsconfig_for(from).and_then(|c| {
            c.candidates(specifier)
                .iter()
                .find_map(|base| js_file(base, self.files))
        });
        aliased.or_else(|| {
            let (name, subpath) = packages::split_name(specifier)?;
            let package = self.config.packages.get(name)?;
            package_file(package, subpath, kind, self.files)
        })
    }
}

/// The file `name/subpath` names in a workspace package (see [`super::packages`]).
fn package_file(
    package: &Package,
    subpath: &str,
    kind: ImportKind,
    files: &Files,
) -> Option<String> {
    let inside = |path: &str| normalize(&join(&package.dir, path));
    if let Some(exports) = &package.exports {
        let key = if subpath.is_empty() {
            ".".to_owned()
        } else {
            format!("./{subpath}")
        };
        let target = packages::exports_target(exports, &key, packages::conditions(kind))?;
        let path = inside(&target)?;
        return first_known(
            std::iter::once(path.clone()).chain(typescript_twins(&path)),
            files,
        );
    }
    if !subpath.is_empty() {
        return js_file(&inside(subpath)?, files);
    }
    let types = package.types.as_ref().filter(|_| kind == ImportKind::Type);
    types
        .into_iter()
        .chain(&package.main)
        .find_map(|entry| js_file(&inside(entry)?, files))
        .or_else(|| first_known(index_files(&package.dir), files))
}

/// `dir/index.<ext>` for each extension.
fn index_files(dir: &str) -> impl Iterator<Item = String> {
    JS_EXTENSIONS
        .iter()
        .map(move |e| join(dir, &format!("index.{e}")))
}

/// The TypeScript sources a `.js`, `.mjs` or `.cjs` path may be written for.
fn typescript_twins(path: &str) -> Vec<String> {
    let twins: &[(&str, &[&str])] = &[
        (".js", &["ts", "tsx", "d.ts"]),
        (".mjs", &["mts", "d.mts"]),
        (".cjs", &["cts", "d.cts"]),
        (".jsx", &["tsx"]),
    ];
    twins
        .iter()
        .find_map(|(ext, to)| {
            let stem = path.strip_suffix(ext)?;
            Some(to.iter().map(|e| format!("{stem}.{e}")).collect())
        })
        .unwrap_or_default()
}

pub(super) fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

pub(super) fn join(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_owned()
    } else {
        format!("{dir}/{rest}")
    }
}

fn first_known(candidates: impl IntoIterator<Item = String>, files: &Files) -> Option<String> {
    candidates.into_iter().find(|c| files.contains_key(c))
}

/// The file a path names: itself, with an extension, its directory's index, or the TypeScript
/// source of a `.js` path.
fn js_file(base: &str, files: &Files) -> Option<String> {
    // Lazily, in order: most specifiers name `base.js`, so the rest is never built.
    let with_extension = JS_EXTENSIONS
        .iter()
        .filter(|_| !base.is_empty())
        .map(|e| format!("{base}.{e}"));
    let candidates = std::iter::once(base.to_owned())
        .chain(with_extension)
        // `require(".")` and `require("..")` name a directory: its index file.
        .chain(index_files(base))
        .chain(std::iter::once_with(|| typescript_twins(base)).flatten());
    first_known(candidates, files)
}

fn python_module(path: &str) -> [String; 3] {
    [
        format!("{path}.py"),
        format!("{path}.pyi"),
        join(path, "__init__.py"),
    ]
}

fn resolve_python(from: &str, specifier: &str, names: &[String], files: &Files) -> Option<String> {
    let dots = specifier.chars().take_while(|c| *c == '.').count();
    let module = specifier[dots..].replace('.', "/");
    let bases: Vec<String> = if dots > 0 {
        let mut dir = dir_of(from).to_owned();
        for _ in 1..dots {
            dir = dir_of(&dir).to_owned();
        }
        vec![if module.is_empty() {
            dir
        } else {
            join(&dir, &module)
        }]
    } else {
        vec![module.clone(), join("src", &module)]
    };
    bases.iter().find_map(|base| python_in(base, names, files))
}

/// The submodules that a Python import resolved to a package's `__init__` also loads:
/// `(name, file)` for each imported name with a module file of its own in the package
/// (`from pkg import core` → `pkg/core.py`, `.pyi` or `core/__init__.py`).
pub fn python_submodules(resolved: &str, names: &[String], files: &Files) -> Vec<(String, String)> {
    let Some(package) = ["/__init__.py", "/__init__.pyi"]
        .iter()
        .find_map(|init| resolved.strip_suffix(init))
    else {
        return Vec::new();
    };
    names
        .iter()
        .filter(|n| *n != "*")
        .filter_map(|n| {
            Some((
                n.clone(),
                first_known(python_module(&join(package, n)), files)?,
            ))
        })
        .collect()
}

/// `from base import names`: the single submodule named, else the module or package itself.
fn python_in(base: &str, names: &[String], files: &Files) -> Option<String> {
    let submodules: Vec<String> = names
        .iter()
        .filter_map(|n| first_known(python_module(&join(base, n)), files))
        .collect();
    if submodules.len() == 1 && names.len() == 1 && !files.contains_key(&join(base, "__init__.py"))
    {
        return submodules.into_iter().next();
    }
    first_known(python_module(base), files)
        .or_else(|| (submodules.len() == 1).then(|| submodules[0].clone()))
}

/// The directory holding the children of the module defined by `file`.
fn rust_module_dir(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    if matches!(name, "lib.rs" | "main.rs" | "mod.rs") {
        dir_of(file).to_owned()
    } else {
        file.trim_end_matches(".rs").to_owned()
    }
}

/// The crate root (`src/lib.rs` or `src/main.rs`) above `file`.
fn rust_crate_dir(file: &str, files: &Files) -> Option<String> {
    let mut dir = dir_of(file).to_owned();
    loop {
        if files.contains_key(&join(&dir, "lib.rs")) || files.contains_key(&join(&dir, "main.rs")) {
            return Some(dir);
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir_of(&dir).to_owned();
    }
}

fn resolve_rust(from: &str, specifier: &str, files: &Files) -> Option<String> {
    let mut parts: Vec<&str> = specifier.split("::").collect();
    let bare = !matches!(parts.first().copied(), Some("crate" | "self" | "super"));
    let mut dir = match parts.first().copied() {
        Some("crate") => rust_crate_dir(from, files)?,
        Some("self") => rust_module_dir(from),
        Some("super") => dir_of(&rust_module_dir(from)).to_owned(),
        _ => {
            parts.insert(0, "self");
            rust_module_dir(from)
        }
    };
    let supers = parts.iter().skip(1).take_while(|p| **p == "super").count();
    for _ in 0..supers {
        dir = dir_of(&dir).to_owned();
    }
    let path: Vec<&str> = parts
        .iter()
        .skip(1)
        .copied()
        .filter(|p| *p != "super")
        .collect();
    let child = rust_child_module(&dir, &path, files);
    if bare {
        // `mod x;` or `use x::...`: a child module, or else an external crate.
        return child;
    }
    child.or_else(|| {
        first_known(
            [
                join(&dir, "mod.rs"),
                join(&dir, "lib.rs"),
                join(&dir, "main.rs"),
                format!("{dir}.rs"),
            ],
            files,
        )
    })
}

/// The file of module `path` under `dir`, or of the longest prefix of it that is a module (the
/// rest being items inside it).
fn rust_child_module(dir: &str, path: &[&str], files: &Files) -> Option<String> {
    (1..=path.len()).rev().find_map(|len| {
        let module = join(dir, &path[..len].join("/"));
        first_known([format!("{module}.rs"), join(&module, "mod.rs")], files)
    })
}

pub(super) fn normalize(path: &str) -> Option<String> {
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

    fn files(paths: &[&str]) -> Files {
        paths
            .iter()
            .map(|p| (p.to_string(), Entity::PLACEHOLDER))
            .collect()
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_package_import_also_reaches_the_submodules_it_names() {
        let f = files(&["pkg/__init__.py", "pkg/core.py", "pkg/sub/__init__.py"]);
        let named = names(&["core", "Engine", "sub", "*"]);
        assert_eq!(
            python_submodules("pkg/__init__.py", &named, &f),
            vec![
                ("core".to_owned(), "pkg/core.py".to_owned()),
                ("sub".to_owned(), "pkg/sub/__init__.py".to_owned()),
            ]
        );
        assert!(python_submodules("pkg/core.py", &names(&["x"]), &f).is_empty());
    }

    #[test]
    fn directory_imports_resolve_to_their_index_file() {
        let f = files(&["lib/router/index.js", "lib/app.js", "lib/util.ts"]);
        assert_eq!(
            resolve_specifier("lib/app.js", "./router", &[], &f).as_deref(),
            Some("lib/router/index.js")
        );
        assert_eq!(
            resolve_specifier("lib/router/index.js", "../app", &[], &f).as_deref(),
            Some("lib/app.js")
        );
        assert_eq!(
            resolve_specifier("lib/app.js", "./util.js", &[], &f).as_deref(),
            Some("lib/util.ts")
        );
        assert_eq!(resolve_specifier("lib/app.js", "express", &[], &f), None);
    }

    #[test]
    fn dot_and_dot_dot_resolve_to_the_directory_index() {
        let f = files(&["index.js", "esm/Plugin.js", "Compiler.js"]);
        assert_eq!(
            resolve_specifier("Compiler.js", ".", &[], &f).as_deref(),
            Some("index.js")
        );
        assert_eq!(
            resolve_specifier("esm/Plugin.js", "..", &[], &f).as_deref(),
            Some("index.js")
        );
    }

    #[test]
    fn python_imports_resolve_to_modules_and_packages() {
        let f = files(&[
            "app.py",
            "pkg/__init__.py",
            "pkg/core.py",
            "pkg/util.py",
            "src/lib2/mod.py",
        ]);
        assert_eq!(
            resolve_specifier("pkg/__init__.py", ".core", &names(&["Engine"]), &f).as_deref(),
            Some("pkg/core.py")
        );
        assert_eq!(
            resolve_specifier("pkg/core.py", ".", &names(&["util"]), &f).as_deref(),
            Some("pkg/__init__.py")
        );
        assert_eq!(
            resolve_specifier("app.py", "pkg.util", &names(&["*"]), &f).as_deref(),
            Some("pkg/util.py")
        );
        assert_eq!(
            resolve_specifier("app.py", "pkg", &names(&["core"]), &f).as_deref(),
            Some("pkg/__init__.py")
        );
        assert_eq!(
            resolve_specifier("app.py", "lib2.mod", &names(&["x"]), &f).as_deref(),
            Some("src/lib2/mod.py")
        );
        assert_eq!(resolve_specifier("app.py", "os", &names(&["*"]), &f), None);
    }

    #[test]
    fn rust_paths_follow_the_module_tree() {
        let f = files(&["src/lib.rs", "src/a.rs", "src/b/mod.rs", "src/b/c.rs"]);
        assert_eq!(
            resolve_specifier("src/lib.rs", "a", &[], &f).as_deref(),
            Some("src/a.rs")
        );
        assert_eq!(
            resolve_specifier("src/lib.rs", "b", &[], &f).as_deref(),
            Some("src/b/mod.rs")
        );
        assert_eq!(
            resolve_specifier("src/lib.rs", "b::c", &[], &f).as_deref(),
            Some("src/b/c.rs")
        );
        assert_eq!(
            resolve_specifier("src/b/mod.rs", "c", &[], &f).as_deref(),
            Some("src/b/c.rs")
        );
        assert_eq!(
            resolve_specifier("src/b/c.rs", "super", &[], &f).as_deref(),
            Some("src/b/mod.rs")
        );
        assert_eq!(
            resolve_specifier("src/b/c.rs", "crate::a", &[], &f).as_deref(),
            Some("src/a.rs")
        );
        assert_eq!(
            resolve_specifier("src/b/c.rs", "crate::a::f", &[], &f).as_deref(),
            Some("src/a.rs")
        );
        assert_eq!(resolve_specifier("src/lib.rs", "serde", &[], &f), None);
    }
}
