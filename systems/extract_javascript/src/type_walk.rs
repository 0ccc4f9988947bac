//! The type facts' part of the extractor's walk: a [`NodeCollector`] that keeps, per depth, the
//! scope and class of each node on the path and the comment right before it, hands the nodes
//! [`crate::types`] reads to it, and at the end turns what it found into facts
//! ([`crate::receivers`]).

use extract_support::collect::NodeCollector;
use extract_support::walk::Visit;
use omnysys_api::facts::FileFacts;
use tree_sitter::{Node, Tree};

use crate::parse::Source;
use crate::syntax::Syntax;
use crate::types::{Collected, Here, Scope};

/// Collects the type facts over the extractor's walk ([`NodeCollector`]): every node is seen
/// once, in source order, with its depth.
pub struct Collector<'t> {
    /// What was found.
    c: Collected,
    /// Per depth on the path to the visited node: the scope of its children and its class.
    frames: Vec<(usize, Option<usize>)>,
    /// Per depth on the path: the comment right before that node, if any.
    docs: Vec<Option<Node<'t>>>,
    /// The last comment seen.
    last_comment: Option<Node<'t>>,
    /// Which kind ids are read (see [`visited_kinds`]).
    visited: Vec<bool>,
}

impl<'t> Collector<'t> {
    /// A collector for `tree`.
    pub fn new(tree: &'t Tree) -> Self {
        Collector {
            c: Collected {
                scopes: vec![Scope {
                    parent: None,
                    this_class: None,
                }],
                ..Collected::default()
            },
            frames: Vec::new(),
            docs: Vec::new(),
            last_comment: None,
            visited: visited_kinds(tree),
        }
    }
}

impl<'t> NodeCollector<'t> for Collector<'t> {
    fn visit(&mut self, v: &Visit<'_, 't>, src: Source<'_>) {
        let (node, depth) = (v.node, v.ancestors.depth());
        self.frames.truncate(depth);
        self.docs.truncate(depth);
        let (scope, class) = self.frames.last().copied().unwrap_or((0, None));
        let doc = self.last_comment.filter(|c| adjacent(*c, node, src));
        self.docs.push(doc);
        let frame = if self.visited.get(usize::from(node.kind_id())) == Some(&true) {
            let here = Here {
                node,
                ancestors: &v.ancestors,
                docs: &self.docs,
            };
            let frame = self.c.visit(&here, scope, class, src);
            if node.kind_name() == "comment" {
                self.last_comment = Some(node);
            }
            frame
        } else {
            (scope, class)
        };
        self.frames.push(frame);
    }

    fn finish(self, facts: &mut FileFacts) {
        crate::receivers::apply(&self.c, facts);
    }
}

/// Whether only whitespace separates `comment` from the start of `node`.
fn adjacent(comment: Node<'_>, node: Node<'_>, src: Source<'_>) -> bool {
    let (end, start) = (comment.end_byte(), node.start_byte());
    end <= start
        && start - end < 256
        && src
            .bytes()
            .get(end..start)
            .is_some_and(|gap| gap.iter().all(u8::is_ascii_whitespace))
}

/// Whether [`Collected::visit`] reads nodes of the named kind `kind`.
fn is_visited(kind: &str) -> bool {
    matches!(
        kind,
        "comment"
            | "class_declaration"
            | "abstract_class_declaration"
            | "class"
            | "interface_declaration"
            | "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "method_definition"
            | "variable_declarator"
            | "assignment_expression"
            | "field_definition"
            | "public_field_definition"
            | "call_expression"
            | "new_expression"
            | "statement_block"
            | "expression_statement"
            | "return_statement"
    )
}

/// Which kind ids of the tree's grammar are visited ([`is_visited`]), by id: comparing ids
/// spares the walk reading every node's kind name (a C string: `strlen` and UTF-8 checks), and
/// going through the ids once costs less than looking each kind up by name.
fn visited_kinds(tree: &Tree) -> Vec<bool> {
    let language = tree.language();
    (0..language.node_kind_count())
        .map(|id| {
            let id = u16::try_from(id).unwrap_or(u16::MAX);
            language.node_kind_is_named(id) && language.node_kind_for_id(id).is_some_and(is_visited)
        })
        .collect()
}
