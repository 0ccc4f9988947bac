//! Node kinds and fields of the three dialects' grammars, read by number
//! ([`extract_support::grammar`]): `node.kind_name()` for `node.kind()` and
//! `node.field(Field::Name)` for `node.child_by_field_name("name")`.

use crate::parse::Dialect;

extract_support::syntax! {
    languages: [
        Dialect::JavaScript.language(),
        Dialect::TypeScript.language(),
        Dialect::Tsx.language(),
    ],
    fields: {
        Alias = "alias",
        Arguments = "arguments",
        Condition = "condition",
        Consequence = "consequence",
        Constraint = "constraint",
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
        TypeParameters = "type_parameters",
        Value = "value",
    },
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
            let found = grammars().disagreements(tree.root_node());
            assert!(found.is_empty(), "{dialect:?}: {found:?}");
        }
    }
}
