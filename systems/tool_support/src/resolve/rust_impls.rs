//! Rust `impl` blocks away from their type: a type's methods and implemented traits may be
//! written in any file of its crate (`struct Foo` in `foo.rs`, `impl Foo` and
//! `impl Display for Foo` in `fmt.rs`). [`super::receiver`] looks in the type's own file first,
//! then here.
//!
//! The crate of a file is the part of its path before `src/` (the whole project when there is
//! none). A type's name may be defined by more than one crate or module; an `impl` elsewhere is
//! taken only from a file of the type's crate that imports the type's file (looking there
//! only keeps a query's cost to the type's importers), and a method only when one such file
//! defines it (two types of one name, each with the method, are left unresolved).

use omnysys_api::prelude::*;

use super::names::SymbolRef;
use crate::Project;
use crate::symbols::defines;

/// Whether `file` is a Rust file.
fn is_rust(file: &str) -> bool {
    file.ends_with(".rs")
}

/// The crate `file` belongs to (its path up to `src/`).
fn crate_of(file: &str) -> &str {
    match file.find("src/") {
        Some(at) => &file[..at],
        None => "",
    }
}

/// The Rust files of the crate of `class`'s file that import it (an `impl` names its type,
/// so its file imports the type's: `use super::Foo`, `use crate::a::Foo`), in the graph's order.
fn crate_files<'p>(p: Project<'p>, class: &SymbolRef) -> Vec<(String, &'p FileFacts)> {
    let home = class.file.as_str();
    if !is_rust(home) {
        return Vec::new();
    }
    let graph = p.graph();
    graph
        .dependents(home)
        .filter(|file| is_rust(file) && *file != home && crate_of(file) == crate_of(home))
        .filter_map(|file| Some((file.to_owned(), p.facts(file)?)))
        .collect()
}

/// The method `class.method` as defined in `class`'s file, else in the only other file of its
/// crate (Rust) defining it.
pub fn method_of(p: Project<'_>, class: &SymbolRef, method: &str) -> Option<SymbolRef> {
    let name = format!("{}.{method}", class.symbol);
    if defines(p.facts(&class.file)?, &name) {
        return Some(SymbolRef::new(&class.file, &name));
    }
    let mut found = crate_files(p, class)
        .into_iter()
        .filter(|(_, facts)| defines(facts, &name));
    match (found.next(), found.next()) {
        (Some((file, _)), None) => Some(SymbolRef::new(&file, &name)),
        _ => None,
    }
}

/// The files whose class facts for `class` count: its own file, and for a Rust type the other
/// files of its crate holding facts for that name (`impl Tr for T` there).
pub fn fact_files(p: Project<'_>, class: &SymbolRef) -> Vec<String> {
    let mut files = vec![class.file.clone()];
    files.extend(
        crate_files(p, class)
            .into_iter()
            .filter(|(_, facts)| facts.classes.iter().any(|c| c.name == class.symbol))
            .map(|(file, _)| file),
    );
    files
}
