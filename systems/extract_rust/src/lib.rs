//! Extractor plugin: the imports, exports, symbols and calls of Rust files.
//!
//! One extractor, `rust`, handles `rs` with the tree-sitter Rust grammar. It is a pure function
//! of a file's bytes: [`extract`]. A file with syntax errors is not an error; its facts are
//! marked `partial` and hold whatever parsed.
//!
//! Modules:
//! - [`parse`]: parses, reads text and lines back from the tree; [`syntax`]: node kinds and
//!   fields read by number.
//! - [`names`]: how definitions are named (`f`, `Struct`, `Type.method`), visibility, and
//!   callee paths as written.
//! - [`uses`]: flattens a `use` tree into one path prefix per imported name.
//! - [`symbols`], [`imports`], [`exports`], [`calls`]: one collector per kind of fact.
//! - [`collect`]: runs the collectors over the walk and assembles the [`FileFacts`].
//! - [`receivers`] (a second walk): the type facts — call receivers, return types, struct
//!   fields and implemented traits — read with [`types`] (type syntax), [`flow`] (variables
//!   and call objects), [`patterns`] and [`elements`] (bindings through patterns, loops,
//!   indexing and closures).
//!
//! The language-independent parts (parsing, the walk that tracks the innermost enclosing
//! function, assembling the facts) come from [`extract_support`].

pub mod calls;
pub mod collect;
pub mod elements;
pub mod exports;
pub mod flow;
pub mod imports;
pub mod names;
pub mod parse;
pub mod patterns;
pub mod receivers;
pub mod symbols;
pub mod syntax;
pub mod types;
pub mod uses;

#[cfg(test)]
mod receiver_tests;
#[cfg(test)]
mod tests;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "extract_rust", build: build);

/// Registers the `rust` extractor.
fn build(r: &mut Registrar) {
    r.add_extractor(spec(), run);
}

/// What the extractor handles.
pub fn spec() -> ExtractorSpec {
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
    ExtractorSpec {
        name: "rust".to_owned(),
        version: "5".to_owned(),
        languages: strings(&["rust"]),
        extensions: strings(&["rs"]),
    }
}

/// The entry point the engine calls.
fn run(input: &ExtractInput<'_>) -> Result<FileFacts, String> {
    extract(input.bytes)
}

/// Extracts the facts of one Rust file.
///
/// # Errors
///
/// Only when the parser cannot be set up; syntax errors give `partial: true` instead.
pub fn extract(bytes: &[u8]) -> Result<FileFacts, String> {
    let tree = parse::parse(bytes)?;
    Ok(collect::collect(&tree, parse::Source::new(bytes)))
}
