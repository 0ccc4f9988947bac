//! Bindings through patterns: `match` arms, `if let`, `while let` and destructuring `let`
//! (`Some(x)` and `Ok(x)` see through; an enum variant's fields are the enum's members
//! `Variant.0`, `Variant.field`; a struct's own pattern binds its fields).

use omnysys_api::facts::TypePath;
use tree_sitter::Node;

use crate::flow::{Env, MAX_DEPTH, binding_name, last_segment, with};
use crate::parse::{Source, line, named_children};
use crate::syntax::{Field, Syntax};

impl Env {
    /// The bindings of a `match` (its arms' patterns) or of an `if let`/`while let` condition.
    pub fn bind_match(&mut self, node: Node<'_>, src: Source<'_>) {
        let Some(value) = node.field(Field::Value) else {
            return;
        };
        let ty = self.expression(value, src, 0);
        if node.kind_name() == "let_condition" {
            if let Some(pattern) = node.field(Field::Pattern) {
                self.bind_pattern(pattern, ty, line(node), src, 0);
            }
            return;
        }
        let arms = node
            .field(Field::Body)
            .map(named_children)
            .unwrap_or_default();
        for arm in arms.into_iter().filter(|a| a.kind_name() == "match_arm") {
            let pattern = arm
                .field(Field::Pattern)
                .and_then(|p| named_children(p).first().copied());
            if let Some(pattern) = pattern {
                self.bind_pattern(pattern, ty.clone(), line(arm), src, 0);
            }
        }
    }

    /// Binds the names of `pattern` matched against a value of type `ty`: a name takes `ty`;
    /// `Some(x)`/`Ok(x)` give `x` the type itself (`Option`, `Result` are seen through); an enum
    /// variant's fields (`V(a, b)`, `V { f, g: x }`) are the enum's members `V.0`, `V.f`.
    pub(crate) fn bind_pattern(
        &mut self,
        pattern: Node<'_>,
        ty: Option<TypePath>,
        at: u32,
        src: Source<'_>,
        depth: u32,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(name) = binding_name(pattern, src) {
            self.bind(name, at, ty);
            return;
        }
        let variant = pattern
            .field(Field::Type)
            .map(|t| last_segment(&src.compact(t)).to_owned());
        let member = |field: &str| -> Option<TypePath> {
            match variant.as_deref()? {
                "Some" | "Ok" => ty.clone(),
                "None" | "Err" => None,
                // A struct's own pattern (`Point { x, .. }`): its fields.
                v if ty
                    .as_ref()
                    .is_some_and(|t| t.base == v && t.members.is_empty()) =>
                {
                    Some(with(ty.clone()?, field.to_owned()))
                }
                v => Some(with(ty.clone()?, format!("{v}.{field}"))),
            }
        };
        match pattern.kind_name() {
            "or_pattern" => {
                for alternative in named_children(pattern) {
                    self.bind_pattern(alternative, ty.clone(), at, src, depth + 1);
                }
            }
            "tuple_struct_pattern" => {
                let items = named_children(pattern).into_iter().skip(1);
                for (index, item) in items.enumerate() {
                    let item_ty = member(&index.to_string());
                    self.bind_pattern(item, item_ty, at, src, depth + 1);
                }
            }
            "struct_pattern" => {
                let fields = named_children(pattern)
                    .into_iter()
                    .filter(|f| f.kind_name() == "field_pattern");
                for field in fields {
                    let Some(name) = field.field(Field::Name) else {
                        continue;
                    };
                    let name = src.compact(name);
                    let item_ty = member(&name);
                    match field.field(Field::Pattern) {
                        Some(inner) => self.bind_pattern(inner, item_ty, at, src, depth + 1),
                        None => self.bind(name, at, item_ty),
                    }
                }
            }
            _ => {}
        }
    }
}
