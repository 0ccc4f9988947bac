//! Node kinds and fields of the Rust grammar, read by number ([`extract_support::grammar`]):
//! `node.kind_name()` for `node.kind()` and `node.field(Field::Name)` for
//! `node.child_by_field_name("name")`.

extract_support::syntax! {
    languages: [tree_sitter_rust::LANGUAGE.into()],
    fields: {
        Alias = "alias",
        Argument = "argument",
        Arguments = "arguments",
        Body = "body",
        Bounds = "bounds",
        Element = "element",
        Field = "field",
        Function = "function",
        Left = "left",
        List = "list",
        Macro = "macro",
        Name = "name",
        Parameters = "parameters",
        Path = "path",
        Pattern = "pattern",
        ReturnType = "return_type",
        Right = "right",
        Trait = "trait",
        Type = "type",
        TypeArguments = "type_arguments",
        TypeParameters = "type_parameters",
        Value = "value",
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn the_rust_grammar_is_read_from_the_table_and_answers_as_by_name() {
        let source = b"use a::{b as c};\nimpl<T: Tr> S<T> {\n    fn m(&self, p: Vec<T>) -> u8 {\n        let x: u8 = p.iter().map(|e| e.f()).sum();\n        for y in p { m!(y); }\n        x\n    }\n}\n";
        let tree = parse(source).expect("parses");
        let found = grammars().disagreements(tree.root_node());
        assert!(found.is_empty(), "{found:?}");
    }
}
