//! Extractor plugin: the imports, exports, symbols and calls of Python files.
//!
//! One extractor, `python`, handles `py` and `pyi` (stubs) with the tree-sitter Python grammar.
//! It is a pure function of a file's bytes: [`extract`]. A file with syntax errors is not an
//! error; its facts are marked `partial` and hold whatever parsed.
//!
//! Modules:
//! - [`parse`]: parses, reads text and lines back from the tree; [`syntax`]: node kinds and
//!   fields read by number.
//! - [`names`]: how definitions are named (`f`, `Class`, `Class.method`) and dotted paths.
//! - [`symbols`], [`imports`], [`exports`], [`calls`]: one collector per kind of fact.
//! - [`collect`]: runs the collectors over the walk and assembles the [`FileFacts`].
//! - Types (issue 13): [`annotations`] (what an annotation names), [`values`] (what an
//!   expression holds), [`types`] (a second walk: scopes, bindings, classes, fields, returns,
//!   call objects, attributes read as values) and [`receivers`] (the facts:
//!   `CallSite::receiver`, `ValueRef::receiver`, `FileFacts::classes`,
//!   `Symbol::returns`, element types in `FileFacts::types`).
//!
//! The language-independent parts (parsing, the walk that tracks the innermost enclosing
//! definition, assembling the facts) come from [`extract_support`].

pub mod annotations;
pub mod calls;
pub mod collect;
pub mod exports;
pub mod imports;
pub mod names;
pub mod parse;
pub mod receivers;
pub mod references;
pub mod symbols;
pub mod syntax;
pub mod types;
pub mod values;

#[cfg(test)]
mod tests;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "extract_python", build: build);

/// Registers the `python` extractor.
fn build(r: &mut Registrar) {
    r.add_extractor(spec(), run);
}

/// What the extractor handles. Version 2 added import bindings and type facts (receivers,
/// classes, returns); version 3 marks `__all__` entries as exports by name and adds value
/// uses and shadows; version 4 adds attributes read as values through a typed object, with
/// their receivers; version 5 a decorator written without a call (`@rich_repr`) as a value use;
/// version 6 narrows `x` to `C` in the branch of `if isinstance(x, C):`; version 7 makes an
/// `@overload` signature's name a value use of the function (or method) it declares.
/// Facts cached by an older version are extracted again.
pub fn spec() -> ExtractorSpec {
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
    ExtractorSpec {
        name: "python".to_owned(),
        version: "7".to_owned(),
        languages: strings(&["python"]),
        extensions: strings(&["py", "pyi"]),
    }
}

/// The entry point the engine calls.
fn run(input: &ExtractInput<'_>) -> Result<FileFacts, String> {
    extract(input.bytes)
}

/// Extracts the facts of one Python file (source or stub: one grammar parses both).
///
/// # Errors
///
/// Only when the parser cannot be set up; syntax errors give `partial: true` instead.
pub fn extract(bytes: &[u8]) -> Result<FileFacts, String> {
    let tree = parse::parse(bytes)?;
    Ok(collect::collect(&tree, parse::Source::new(bytes)))
}
