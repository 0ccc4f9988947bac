//! Node kinds and fields of the Python grammar, read by number ([`extract_support::grammar`]):
//! `node.kind_name()` for `node.kind()` and `node.field(Field::Name)` for
//! `node.child_by_field_name("name")`.

extract_support::syntax! {
    languages: [tree_sitter_python::LANGUAGE.into()],
    fields: {
        Alias = "alias",
        Arguments = "arguments",
        Attribute = "attribute",
        Condition = "condition",
        Consequence = "consequence",
        Function = "function",
        Left = "left",
        ModuleName = "module_name",
        Name = "name",
        Object = "object",
        Operator = "operator",
        Parameters = "parameters",
        ReturnType = "return_type",
        Right = "right",
        Subscript = "subscript",
        Superclasses = "superclasses",
        Type = "type",
        Value = "value",
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn the_python_grammar_is_read_from_the_table_and_answers_as_by_name() {
        let source = b"from a import b as c\nclass C(D):\n    x: int = 1\n    def m(self, p) -> E:\n        return p.q[1](2) if p else None\n";
        let tree = parse(source).expect("parses");
        let found = grammars().disagreements(tree.root_node());
        assert!(found.is_empty(), "{found:?}");
    }
}
