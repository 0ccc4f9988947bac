//! Extractor plugin: the imports, exports, symbols and calls of JavaScript and TypeScript files.
//!
//! One extractor, `javascript`, handles `js`, `mjs`, `cjs`, `jsx` (JavaScript grammar), `ts`,
//! `mts`, `cts` (TypeScript grammar, `.d.ts` included) and `tsx` (TSX grammar). It is a pure
//! function of a file's path and bytes: [`extract`]. A file with syntax errors is not an error;
//! its facts are marked `partial` and hold whatever parsed.
//!
//! Modules:
//! - [`parse`]: picks the grammar, parses, reads text and lines back from the tree; [`syntax`]:
//!   node kinds and fields read by number.
//! - [`names`]: how definitions are named (`f`, `Class.method`, `default`) and binding patterns.
//! - [`symbols`], [`imports`], [`exports`], [`calls`], [`references`]: one collector per kind
//!   of fact; [`bindings`]: the local names of imports.
//! - [`collect`]: runs the collectors over the walk and assembles the [`FileFacts`].
//! - Types (issue 13): [`jsdoc`] (tags and type expressions), [`typedefs`] (type aliases),
//!   [`params`] (declared parameter types), [`values`] (what an expression holds), [`types`]
//!   (scopes, typed bindings, classes, fields, returns, call objects, read over the same walk
//!   by [`type_walk`]) and
//!   [`receivers`] (the facts: `CallSite::receiver`, `FileFacts::classes`, `Symbol::returns`,
//!   `FileFacts::types`).
//!
//! The language-independent parts (parsing, the walk that tracks the innermost enclosing
//! definition, assembling the facts) come from [`extract_support`].

pub mod bindings;
pub mod calls;
pub mod collect;
pub mod exports;
pub mod imports;
pub mod jsdoc;
pub mod kinds;
pub mod names;
pub mod params;
pub mod parse;
pub mod receivers;
pub mod references;
pub mod scopes;
pub mod symbols;
pub mod syntax;
pub mod type_walk;
pub mod typedefs;
pub mod types;
pub mod values;

#[cfg(test)]
mod tests;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "extract_javascript", build: build);

/// Registers the `javascript` extractor.
fn build(r: &mut Registrar) {
    r.add_extractor(spec(), run);
}

/// What the extractor handles. Version 2 added import bindings, exports by name, value
/// references, shadows and type facts (receivers, type aliases, classes, returns): facts
/// cached by version 1 are extracted again. Version 3: TypeScript constructor parameter
/// properties are class fields and abstract methods are symbols (only TypeScript files' facts
/// differ from version 2). Version 4: a value typed by a type parameter is read as its bound
/// (`@template {Base} T`, `<T extends Base>`) and an unbounded one as untyped. Version 5:
/// TypeScript interfaces are class symbols with their method signatures as methods, and class
/// facts with their `extends` as bases (only TypeScript files' facts differ from version 4).
/// Version 6: `if (x instanceof C)` narrows `x` to a `C` in the `if` branch.
pub fn spec() -> ExtractorSpec {
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
    ExtractorSpec {
        name: "javascript".to_owned(),
        version: "6".to_owned(),
        languages: strings(&["javascript", "typescript"]),
        extensions: strings(&["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"]),
    }
}

/// The entry point the engine calls.
fn run(input: &ExtractInput<'_>) -> Result<FileFacts, String> {
    extract(input.path, input.bytes)
}

/// Extracts the facts of one file. `path` only chooses the grammar (by extension).
///
/// # Errors
///
/// Only when the parser cannot be set up; syntax errors give `partial: true` instead.
pub fn extract(path: &str, bytes: &[u8]) -> Result<FileFacts, String> {
    let tree = parse::parse(parse::Dialect::from_path(path), bytes)?;
    Ok(collect::collect(&tree, parse::Source::new(bytes)))
}
