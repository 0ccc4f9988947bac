//! Language-independent parts of the tree-sitter extractor plugins (`extract_javascript`,
//! `extract_python`, `extract_rust`), linked statically into each of them.
//!
//! Modules:
//! - [`parse`]: parses with a given grammar within a time budget ([`parse::PARSE_BUDGET`]), reads
//!   text and 1-based lines back from the tree.
//! - [`walk`]: one iterative depth-first pass that tracks the innermost enclosing definition and
//!   the path from the root ([`walk::Ancestors`]: plugins ask it, never `Node::parent`, which
//!   costs O(depth) a call).
//! - [`collect`]: runs a plugin's collectors over the walk and assembles the `FileFacts`.
//! - [`chain`]: callee paths named link by link (each link once per file), cut when too deep.
//! - [`facts`]: small builders for fact values.
//! - [`flow`]: values of variables through nested scopes, for the receiver facts.
//! - [`grammar`]: node kinds and fields read by number, each grammar's names looked up once.
//! - [`symbols`]: the symbol collector of languages that export by module-level name.
//! - [`testing`]: lookups and value builders shared by the plugins' tests.

pub mod chain;
pub mod collect;
pub mod facts;
pub mod flow;
pub mod grammar;
pub mod parse;
pub mod symbols;
pub mod testing;
pub mod walk;
