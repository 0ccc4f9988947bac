//! Rust calls through receivers (the type facts `extract_rust` gives), resolved by
//! [`crate::calls`] with [`crate::rust_impls`]: a typed parameter, a `let` from a constructor
//! and a `Type::method` path with the method in an `impl` of another file, a `self.field.m()`-like field chain, a trait
//! method reached through a trait impl and through a `&dyn Trait` parameter.
//!
//! ```rust
//! // src/store.rs
//! 1 pub trait Load { fn load(&self); fn warm(&self) {} }
//! 2 pub struct Store;
//! 3 impl Load for Store { fn load(&self) {} }
//! // src/graph.rs
//! 1 use crate::store::Store;
//! 2 pub struct Graph { pub store: Store }
//! 3 impl Graph { pub fn new() -> Self { .. } pub fn nodes(&self) {} }
//! // src/prune.rs
//! 1 use crate::graph::Graph;
//! 2 impl Graph { pub fn prune(&self) {} }
//! // src/main.rs
//! 1 use crate::graph::Graph;
//! 2 use crate::store::Load;
//! 3 fn run(g: &Graph, l: &dyn Load) {
//! 4     g.nodes();
//! 5     let h = Graph::new();
//! 6     h.prune(); Graph::prune(&h);
//! 7     g.store.load();
//! 8     g.store.warm();
//! 9     l.load();
//! 10 }
//! ```

use omnysys_api::prelude::*;

use crate::calls::{IncomingCall, callers_of};
use crate::project::Project;
use crate::resolve::{Confidence, SymbolRef, Via};
use crate::testkit::{call_on, facts, imp, sym, type_path as path, world_with};

/// A class with bases and fields.
fn class(name: &str, bases: &[&str], fields: &[(&str, &str)]) -> ClassFacts {
    ClassFacts {
        name: name.to_owned(),
        bases: bases.iter().map(|b| (*b).to_owned()).collect(),
        fields: fields
            .iter()
            .map(|(n, t)| Field {
                name: (*n).to_owned(),
                ty: path(t, &[]),
            })
            .collect(),
    }
}

/// `facts` with `classes`.
fn with_classes(mut f: FileFacts, classes: Vec<ClassFacts>) -> FileFacts {
    f.classes = classes;
    f
}

/// The world of the module docs.
fn world() -> World {
    use SymbolKind::{Class, Function, Method};
    let store = with_classes(
        facts(
            vec![],
            vec![],
            vec![
                sym("Load", Class, (1, 1), &[], true),
                sym("Load.load", Method, (1, 1), &[], true),
                sym("Load.warm", Method, (1, 1), &[], true),
                sym("Store", Class, (2, 2), &[], true),
                sym("Store.load", Method, (3, 3), &[], false),
            ],
            vec![],
            3,
        ),
        vec![class("Store", &["Load"], &[])],
    );
    let mut new = sym("Graph.new", Method, (3, 3), &[], true);
    new.returns = Some(path("Graph", &[]));
    let graph = with_classes(
        facts(
            vec![imp(
                "crate::store",
                Some("src/store.rs"),
                &["Store"],
                ImportKind::Static,
                1,
            )],
            vec![],
            vec![
                sym("Graph", Class, (2, 2), &[], true),
                new,
                sym("Graph.nodes", Method, (3, 3), &[], true),
            ],
            vec![],
            3,
        ),
        vec![class("Graph", &[], &[("store", "Store")])],
    );
    let prune = facts(
        vec![imp(
            "crate::graph",
            Some("src/graph.rs"),
            &["Graph"],
            ImportKind::Static,
            1,
        )],
        vec![],
        vec![sym("Graph.prune", Method, (2, 2), &[], true)],
        vec![],
        2,
    );
    let typed = |callee, line, receiver| call_on(Some("run"), callee, line, receiver);
    let main = facts(
        vec![
            imp(
                "crate::graph",
                Some("src/graph.rs"),
                &["Graph"],
                ImportKind::Static,
                1,
            ),
            imp(
                "crate::store",
                Some("src/store.rs"),
                &["Load"],
                ImportKind::Static,
                2,
            ),
        ],
        vec![],
        vec![sym("run", Function, (3, 10), &["g", "l"], false)],
        vec![
            typed("g.nodes", 4, Some(path("Graph", &[]))),
            typed("Graph::new", 5, None),
            typed("h.prune", 6, Some(path("Graph", &["new()"]))),
            typed("Graph::prune", 6, Some(path("Graph", &[]))),
            typed("g.store.load", 7, Some(path("Graph", &["store"]))),
            typed("g.store.warm", 8, Some(path("Graph", &["store"]))),
            typed("l.load", 9, Some(path("Load", &[]))),
        ],
        10,
    );
    world_with(
        "rust",
        vec![
            ("src/store.rs", store),
            ("src/graph.rs", graph),
            ("src/prune.rs", prune),
            ("src/main.rs", main),
        ],
    )
}

/// `(line, callee, via)` of the callers of `symbol` of `file`, all `inferred`.
fn callers(file: &str, symbol: &str) -> Vec<(u32, String, Via)> {
    let w = world();
    let got = callers_of(Project::new(&w), &SymbolRef::new(file, symbol));
    got.into_iter()
        .inspect(|c: &IncomingCall| assert_eq!(c.confidence, Confidence::Inferred))
        .map(|c| (c.line, c.callee, c.via))
        .collect()
}

#[test]
fn a_method_call_through_a_typed_parameter_reaches_the_impl_method() {
    assert_eq!(
        callers("src/graph.rs", "Graph.nodes"),
        vec![(4, "g.nodes".to_owned(), Via::Receiver)]
    );
}

#[test]
fn a_local_from_a_constructor_and_a_path_reach_a_method_in_an_impl_of_another_file() {
    assert_eq!(
        callers("src/prune.rs", "Graph.prune"),
        vec![
            (6, "Graph::prune".to_owned(), Via::Receiver),
            (6, "h.prune".to_owned(), Via::Receiver),
        ]
    );
}

#[test]
fn a_field_chain_reaches_the_field_type_s_trait_impl_method() {
    assert_eq!(
        callers("src/store.rs", "Store.load"),
        vec![(7, "g.store.load".to_owned(), Via::Receiver)]
    );
}

#[test]
fn trait_methods_are_reached_through_an_implementing_type_and_a_dyn_trait() {
    assert_eq!(
        callers("src/store.rs", "Load.warm"),
        vec![(8, "g.store.warm".to_owned(), Via::Receiver)]
    );
    assert_eq!(
        callers("src/store.rs", "Load.load"),
        vec![(9, "l.load".to_owned(), Via::Receiver)]
    );
}
