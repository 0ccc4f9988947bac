//! What [`crate::references`] needs to know of a node's kind, read by its numeric id: a kind's
//! name costs a string lookup and a UTF-8 check each time it is read, and the collector looks
//! at every node, so each kind id is classified once per file and kept as bits.

use tree_sitter::Node;

/// An identifier that can be a use: `identifier`, `shorthand_property_identifier`.
pub const USE_NAME: u16 = 1 << 1;
/// An identifier that can be a declaration: `identifier`, `shorthand_property_identifier_pattern`.
pub const DECLARED_NAME: u16 = 1 << 2;
/// `member_expression`.
pub const MEMBER: u16 = 1 << 3;
/// A kind whose identifier children can be value uses ([`VALUE_PARENTS`]).
pub const VALUE_PARENT: u16 = 1 << 4;
/// A kind whose identifier children can declare names ([`DECLARING`]).
pub const DECLARING_PARENT: u16 = 1 << 5;
/// `this`.
pub const THIS: u16 = 1 << 6;
/// `property_identifier`.
pub const PROPERTY: u16 = 1 << 7;

/// The kinds of node whose identifier children can be values (see
/// [`crate::references`]).
pub const VALUE_PARENTS: &[&str] = &[
    "arguments",
    "return_statement",
    "array",
    "ternary_expression",
    "binary_expression",
    "parenthesized_expression",
    "spread_element",
    "yield_expression",
    "await_expression",
    "unary_expression",
    "sequence_expression",
    "template_substitution",
    "as_expression",
    "satisfies_expression",
    "variable_declarator",
    "assignment_expression",
    "pair",
    "object",
    "arrow_function",
];

/// The kinds of node whose identifier children can declare a name.
pub const DECLARING: &[&str] = &[
    "object_pattern",
    "array_pattern",
    "rest_pattern",
    "pair_pattern",
    "assignment_pattern",
    "object_assignment_pattern",
    "required_parameter",
    "optional_parameter",
    "formal_parameters",
    "arrow_function",
    "catch_clause",
    "for_in_statement",
    "variable_declarator",
];

/// Classified so far (set on every classified entry, so 0 means not yet).
const SEEN: u16 = 1;

/// The bits of each kind id met so far in one file.
#[derive(Debug, Default)]
pub struct KindTable {
    bits: Vec<u16>,
}

impl KindTable {
    /// The bits of `node`'s kind.
    pub fn of(&mut self, node: Node<'_>) -> u16 {
        let id = usize::from(node.kind_id());
        if id >= self.bits.len() {
            self.bits.resize(id + 1, 0);
        }
        if self.bits[id] == 0 {
            self.bits[id] = SEEN | classify(node.kind());
        }
        self.bits[id]
    }

    /// Whether `node`'s kind has any of `bits`.
    pub fn is(&mut self, node: Node<'_>, bits: u16) -> bool {
        self.of(node) & bits != 0
    }
}

/// The bits of a kind name.
fn classify(kind: &str) -> u16 {
    let mut bits = match kind {
        "identifier" => USE_NAME | DECLARED_NAME,
        "shorthand_property_identifier" => USE_NAME,
        "shorthand_property_identifier_pattern" => DECLARED_NAME,
        "member_expression" => MEMBER,
        "this" => THIS,
        "property_identifier" => PROPERTY,
        _ => 0,
    };
    if VALUE_PARENTS.contains(&kind) {
        bits |= VALUE_PARENT;
    }
    if DECLARING.contains(&kind) {
        bits |= DECLARING_PARENT;
    }
    bits
}
