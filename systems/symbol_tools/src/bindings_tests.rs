//! The resolver's rules from local bindings, shadows and own exports ([`crate::bindings`]), on
//! CommonJS files as webpack writes them.

use omnysys_api::prelude::*;

use crate::bindings::site;
use crate::calls::aliases;
use crate::project::Project;
use crate::resolve::{Resolution, SymbolRef, Via};
use crate::testkit::*;

fn resolve(world: &World, file: &str, caller: Option<&str>, callee: &str, line: u32) -> Resolution {
    let site = site(caller.map(str::to_owned), callee, line);
    crate::resolve::resolve_call(Project::new(world), file, &site)
}

#[test]
fn a_renamed_binding_resolves_to_the_name_it_imports() {
    let w = commonjs_world();
    let r = resolve(&w, "lib/user.js", Some("sortBy"), "select", 5);
    assert_eq!(
        r.target,
        Some(SymbolRef::new("lib/comparators.js", "compareSelect"))
    );
    assert_eq!(
        (r.via, r.import.map(|i| i.line)),
        (Via::NamedImport, Some(3))
    );
    let r = resolve(&w, "lib/user.js", Some("sortBy"), "compareSelect", 5);
    assert_eq!(
        (r.target, r.via),
        (None, Via::Unknown),
        "bound as `select` only"
    );
}

#[test]
fn a_parameter_that_rebinds_an_imported_name_is_not_the_import() {
    let w = commonjs_world();
    let r = resolve(&w, "lib/user.js", Some("show"), "compareIds", 6);
    assert_eq!((r.target, r.via), (None, Via::Unknown));
    let r = resolve(&w, "lib/user.js", Some("sortBy"), "compareIds", 5);
    assert_eq!(
        r.target,
        Some(SymbolRef::new("lib/comparators.js", "compareIds"))
    );
}

#[test]
fn module_exports_dot_f_resolves_to_the_files_own_export() {
    let w = commonjs_world();
    let r = resolve(
        &w,
        "lib/comparators.js",
        Some("eat"),
        "module.exports.compareIds",
        8,
    );
    assert_eq!(
        r.target,
        Some(SymbolRef::new("lib/comparators.js", "compareIds"))
    );
    let r = resolve(
        &w,
        "lib/comparators.js",
        Some("eat"),
        "exports.compareRuntime",
        8,
    );
    assert_eq!(
        r.target,
        Some(SymbolRef::new("lib/comparators.js", "compareRuntime"))
    );
}

#[test]
fn a_whole_module_require_under_any_name_is_its_default_export() {
    let w = commonjs_world();
    let r = resolve(&w, "lib/use.js", None, "cached", 3);
    assert_eq!(r.target, Some(SymbolRef::new("lib/memoize.js", "memoize")));
    assert_eq!(r.via, Via::DefaultImport);
}

#[test]
fn aliases_are_the_renamed_local_names() {
    let w = commonjs_world();
    let target = SymbolRef::new("lib/comparators.js", "compareSelect");
    assert_eq!(aliases(Project::new(&w), &target), vec!["select"]);
}
