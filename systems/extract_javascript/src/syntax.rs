//! Node kinds and fields of the three dialects' grammars, read by number
//! ([`extract_support::grammar`]): `node.kind_name()` for `node.kind()` and
//! `node.field(Field::Name)` for `node.child_by_field_name("name")`.

use std::sync::OnceLock;

use extract_support::grammar::Grammars;
use tree_sitter::Node;

use crate::parse::Dialect;

extract_support::fields! {
    /// The fields this plugin reads.
    pub enum Field {
        Alias = "alias",
        Arguments = "arguments",
        Constructor = "constructor",
        Declaration = "declaration",
        Function = "function",
        Index = "index",
        Key = "key",
        Left = "left",
        Name = "name",
        Object = "object",
        Operator = "operator",
        OptionalChain = "optional_chain",
        Parameter = "parameter",
        Parameters = "parameters",
        Pattern = "pattern",
        Property = "property",
        ReturnType = "return_type",
        Right = "right",
        Source = "source",
        Type = "type",
        Value = "value",
    }
}

/// The tables of the three grammars, made at the first use.
fn grammars() -> &'static Grammars {
    static GRAMMARS: OnceLock<Grammars> = OnceLock::new();
    GRAMMARS.get_or_init(|| {
        let dialects = [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx];
        Grammars::new(dialects.map(Dialect::language), Field::NAMES)
    })
}

/// Kinds and fields by number.
pub trait Syntax<'t> {
    /// `self.kind()`.
    fn kind_name(&self) -> &'t str;
    /// `self.child_by_field_name(field's name)`.
    fn field(&self, field: Field) -> Option<Node<'t>>;
}

impl<'t> Syntax<'t> for Node<'t> {
    fn kind_name(&self) -> &'t str {
        grammars().kind(*self)
    }

    fn field(&self, field: Field) -> Option<Node<'t>> {
        grammars().field(*self, field as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn every_dialect_is_read_from_the_tables_and_answers_as_by_name() {
        let source =
            b"const { a: b } = require('x'); class C extends D { m(p) { return p.q(1); } }";
        for dialect in [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx] {
            let tree = parse(dialect, source).expect("parses");
            let mut nodes = vec![tree.root_node()];
            while let Some(node) = nodes.pop() {
                assert!(grammars().knows(node), "{dialect:?} {}", node.kind());
                assert_eq!(node.kind_name(), node.kind());
                for (i, name) in Field::NAMES.iter().enumerate() {
                    let by_id = grammars().field(node, i);
                    assert_eq!(by_id, node.child_by_field_name(name), "{name}");
                }
                nodes.extend((0..node.child_count()).filter_map(|i| node.child(i)));
            }
        }
    }
}
