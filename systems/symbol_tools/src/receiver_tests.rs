//! Calls through receivers and inherited methods, resolved across files by [`crate::calls`].

use crate::calls::{IncomingCall, callers_of};
use crate::project::Project;
use crate::resolve::{Confidence, SymbolRef, Via};
use crate::testkit::receivers_world;

/// `(line, callee, via, confidence)` of the callers of `symbol` of `file`.
fn callers(file: &str, symbol: &str) -> Vec<(u32, String, Via, Confidence)> {
    let w = receivers_world();
    let got = callers_of(Project::new(&w), &SymbolRef::new(file, symbol));
    got.into_iter()
        .map(|c: IncomingCall| (c.line, c.callee, c.via, c.confidence))
        .collect()
}

#[test]
fn an_inherited_this_call_reaches_the_base_class_method_across_files() {
    assert_eq!(
        callers("lib/base.js", "Base.addDependency"),
        vec![(
            5,
            "this.addDependency".to_owned(),
            Via::Inherited,
            Confidence::Exact
        )]
    );
}

#[test]
fn typed_receivers_reach_methods_through_aliases_fields_and_return_types() {
    assert_eq!(
        callers("lib/graph.js", "Graph.getModuleId"),
        vec![
            (
                6,
                "compilation.chunkGraph.getModuleId".to_owned(),
                Via::Receiver,
                Confidence::Inferred
            ),
            (
                7,
                "compilation.getGraph().getModuleId".to_owned(),
                Via::Receiver,
                Confidence::Inferred
            ),
        ]
    );
}
