//! Tool plugin: questions about functions, symbols, references and calls, answered from the
//! extracted facts with call sites resolved at query time.
//!
//! Tools (issue 6, OmnySys's names and parameters):
//! - `get_function_details {filePath, functionName, includeNameOnly?}` ([`details`])
//! - `get_molecule_summary {filePath}` ([`summary`])
//! - `get_atomic_functions {filePath, cursor?, limit?}` ([`atomic`])
//! - `get_call_graph {filePath, symbolName, depth?}` ([`call_graph`])
//! - `find_references {symbolName, filePath?, cursor?, limit?, includeNameOnly?}` ([`references`])
//! - `search_symbols {query, kind?, cursor?, limit?}` ([`search`])
//! - `analyze_signature_change {filePath, symbolName, newSignature?}` ([`signature`], [`params`])
//! - `explain_value_flow {filePath, symbolName}` ([`value_flow`])
//!
//! Shared concepts, from `tool_support` (re-exported under their former names): [`project`]
//! (the read-only view of the World and the common errors), [`resolve`] (which symbol a call
//! site calls, and its limits), [`bindings`] (the resolver's rules from local binding names,
//! shadows and own exports), [`receiver`] (calls through typed receivers and inherited
//! methods), [`rust_impls`] (a Rust type's `impl` blocks in other files of its crate),
//! [`target`] (the two in order), [`calls`] (calls made by a symbol and calls into it),
//! [`overrides`] (methods redefining a base's method), [`name_only`] (opt-in name matches).

pub mod atomic;
pub mod call_graph;
pub mod details;
pub mod params;
pub mod project;
pub mod references;
pub mod search;
pub mod signature;
pub mod summary;
pub mod value_flow;

pub use tool_support::resolve::names as resolve;
pub use tool_support::resolve::{
    bindings, calls, dotted, name_only, overrides, receiver, rust_impls, target,
};

#[cfg(test)]
mod bindings_tests;
#[cfg(test)]
mod calls_tests;
#[cfg(test)]
mod overrides_tests;
#[cfg(test)]
mod python_receiver_tests;
#[cfg(test)]
mod receiver_tests;
#[cfg(test)]
mod resolve_tests;
#[cfg(test)]
mod rust_tests;
#[cfg(test)]
mod testkit;

use omnysys_api::prelude::*;

omnysys_api::declare_plugin!(name: "symbol_tools", build: build);

/// Registers every tool of the plugin.
fn build(r: &mut Registrar) {
    r.add_tool(
        ToolSpec::query(
            "get_function_details",
            "A function's line range, parameters, export and async flags, complexity (1 + its call sites), the calls it makes and the calls that reach it; for a method, the base methods it overrides and the methods overriding it. `includeNameOnly` adds calls matched by method name alone on receivers of unknown type.",
        ),
        details::get_function_details,
    );
    r.add_tool(
        ToolSpec::query(
            "get_molecule_summary",
            "A file's outline: its imports with their resolved files, its exports, and its functions and classes with line ranges.",
        ),
        summary::get_molecule_summary,
    );
    r.add_tool(
        ToolSpec::query(
            "get_atomic_functions",
            "Every function and method of a file with its lines, parameters, flags, complexity and call counts.",
        ),
        atomic::get_atomic_functions,
    );
    r.add_tool(
        ToolSpec::query(
            "get_call_graph",
            "Callers and callees of a symbol with their locations, to a depth (default 2, at most 5), each call resolved or marked unresolved.",
        ),
        call_graph::get_call_graph,
    );
    r.add_tool(
        ToolSpec::query(
            "find_references",
            "Every import (on the line of each bound name), re-export, call, export and use as a value of a symbol across the project, with file, line and kind; a method's overrides are listed apart (`overrides`, `overriddenBy`). `includeNameOnly` adds calls matched by method name alone on receivers of unknown type (`confidence: name-only`).",
        ),
        references::find_references,
    );
    r.add_tool(
        ToolSpec::query(
            "search_symbols",
            "Ranked fuzzy search over symbol names (exact, prefix, substring, subsequence; shorter names first), optionally by kind.",
        ),
        search::search_symbols,
    );
    r.add_tool(
        ToolSpec::query(
            "analyze_signature_change",
            "Every call site of a symbol and, given a new parameter list, whether the change (arity, removed or moved parameters) puts them up for review.",
        ),
        signature::analyze_signature_change,
    );
    r.add_tool(
        ToolSpec::query(
            "explain_value_flow",
            "What flows into a function (parameters, imported names it calls), what it calls, and where its result goes (exports, callers).",
        ),
        value_flow::explain_value_flow,
    );
}
