//! Call resolution shared by the tool plugins: which symbol a call site calls, and which calls
//! reach a symbol, from the facts alone (rules in [`names`]).
//!
//! - [`names`]: the rules by name (local, `this`, imports, namespaces, submodules), the
//!   resolved reference ([`names::SymbolRef`]), how it resolved ([`names::Via`]) and how sure
//!   that is ([`names::Confidence`]).
//! - [`bindings`]: local binding names, shadows and a file's own exports.
//! - [`receiver`]: calls through typed receivers and inherited methods.
//! - [`rust_impls`]: a Rust type's `impl` blocks in other files of its crate.
//! - [`dotted`]: a dotted name resolved as a callee would be.
//! - [`target`]: the entry point, [`target::resolve`], applying the rules in order.
//! - [`calls`]: the calls a symbol makes and the calls elsewhere that reach it.
//! - [`overrides`]: methods that redefine a base's method, both ways.
//! - [`name_only`]: the opt-in name matches of calls whose receiver's type stays unknown.

pub mod bindings;
pub mod calls;
pub mod dotted;
pub mod name_only;
pub mod names;
pub mod overrides;
pub mod receiver;
pub mod rust_impls;
pub mod target;
