//! Python calls through receivers (the type facts `extract_python` gives), resolved across
//! files by [`crate::calls`]:
//!
//! ```python
//! # pkg/base.py
//! 1 class Base:
//! 2     def stop(self): ...
//! # pkg/console.py
//! 1 class Console:
//! 2     def print(self, x): ...
//! # pkg/live.py
//! 1 from .console import Console
//! 2 from .base import Base
//! 3 class Live(Base):
//! 4     def __init__(self, console: Console):
//! 5         self.console = console
//! 6     def run(self, other: Console):
//! 7         other.print(1)
//! 8         self.console.print(2)
//! 9         self.stop()
//! 10        c = Console()
//! 11        c.print(3)
//! 12        show = other.print
//! 13        register(self.console.print, unknown.print)
//! ```

use omnysys_api::prelude::*;

use crate::calls::{IncomingCall, callers_of};
use crate::project::Project;
use crate::references::{RefKind, ReferencesArgs, find_references};
use crate::resolve::{Confidence, SymbolRef, Via};
use crate::testkit::{call_on, ctx, facts, imp, sym, type_path as path, value, world_with};

/// A module defining one class with one method.
pub(crate) fn class_module(class: &str, method: &str) -> FileFacts {
    facts(
        vec![],
        vec![],
        vec![
            sym(class, SymbolKind::Class, (1, 2), &[], true),
            sym(
                &format!("{class}.{method}"),
                SymbolKind::Method,
                (2, 2),
                &[],
                false,
            ),
        ],
        vec![],
        2,
    )
}

/// The world of the module docs.
fn world() -> World {
    use SymbolKind::{Class, Method};
    let typed = |callee, line, receiver| call_on(Some("Live.run"), callee, line, receiver);
    let mut live = facts(
        vec![
            imp(
                ".console",
                Some("pkg/console.py"),
                &["Console"],
                ImportKind::Static,
                1,
            ),
            imp(
                ".base",
                Some("pkg/base.py"),
                &["Base"],
                ImportKind::Static,
                2,
            ),
        ],
        vec![],
        vec![
            sym("Live", Class, (3, 13), &[], true),
            sym("Live.__init__", Method, (4, 5), &["console"], false),
            sym("Live.run", Method, (6, 13), &["other"], false),
        ],
        vec![
            typed("other.print", 7, Some(path("Console", &[]))),
            typed("self.console.print", 8, Some(path("Live", &["console"]))),
            typed("self.stop", 9, Some(path("Live", &[]))),
            typed("Console", 10, None),
            typed("c.print", 11, Some(path("Console", &["()"]))),
        ],
        13,
    );
    let through = |name, line, receiver| ValueRef {
        receiver,
        ..value(name, line, Some("Live.run"))
    };
    live.references = vec![
        through("other.print", 12, Some(path("Console", &[]))),
        through("self.console.print", 13, Some(path("Live", &["console"]))),
        through("unknown.print", 13, None),
    ];
    live.classes = vec![ClassFacts {
        name: "Live".to_owned(),
        bases: vec!["Base".to_owned()],
        fields: vec![Field {
            name: "console".to_owned(),
            ty: path("Console", &[]),
        }],
    }];
    world_with(
        "python",
        vec![
            ("pkg/base.py", class_module("Base", "stop")),
            ("pkg/console.py", class_module("Console", "print")),
            ("pkg/live.py", live),
        ],
    )
}

/// `(line, callee, via, confidence)` of the callers of `symbol` of `file`.
fn callers(file: &str, symbol: &str) -> Vec<(u32, String, Via, Confidence)> {
    let w = world();
    let got = callers_of(Project::new(&w), &SymbolRef::new(file, symbol));
    got.into_iter()
        .map(|c: IncomingCall| (c.line, c.callee, c.via, c.confidence))
        .collect()
}

#[test]
fn python_instance_calls_resolve_through_parameters_fields_and_constructed_locals() {
    let inferred =
        |line, callee: &str| (line, callee.to_owned(), Via::Receiver, Confidence::Inferred);
    assert_eq!(
        callers("pkg/console.py", "Console.print"),
        vec![
            inferred(7, "other.print"),
            inferred(8, "self.console.print"),
            inferred(11, "c.print"),
        ]
    );
}

#[test]
fn a_python_self_call_reaches_the_method_inherited_from_a_base_in_another_file() {
    assert_eq!(
        callers("pkg/base.py", "Base.stop"),
        vec![(9, "self.stop".to_owned(), Via::Inherited, Confidence::Exact)]
    );
}

#[test]
fn python_methods_read_as_values_through_typed_objects_are_inferred_value_references() {
    let w = world();
    let args = ReferencesArgs {
        symbol_name: "print".into(),
        file_path: Some("pkg/console.py".into()),
        cursor: None,
        limit: None,
        include_name_only: false,
    };
    let found = find_references(&ctx(&w), args).expect("Console.print is defined");
    let values: Vec<_> = found
        .references
        .iter()
        .filter(|r| r.kind == RefKind::Value)
        .map(|r| (r.line, r.text.as_str(), r.confidence))
        .collect();
    assert_eq!(
        values,
        vec![
            (12, "other.print", Confidence::Inferred),
            (13, "self.console.print", Confidence::Inferred),
        ]
    );
}
