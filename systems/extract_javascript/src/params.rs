//! Declared types of parameters: JSDoc `@param {T} name` tags and TypeScript annotations, a
//! type parameter read as its bound (`@template {Base} T`, `<T extends Base>`).

use tree_sitter::Node;

use crate::jsdoc::{self, Tag};
use crate::parse::{Source, named_children};
use crate::syntax::{Field, Syntax};

/// The binding pattern of each parameter of `function` whose type is declared, with the type:
/// by an annotation (`name: T`), by the JSDoc `@param` of its name, or — for a destructuring
/// pattern (`{ chunkGraph }`), which JSDoc names freely — by the `@param` in its position.
/// Destructuring patterns without a type come with `None`: the names they bind are unknown.
pub fn typed<'t>(
    function: Node<'t>,
    tags: &[Tag<'_>],
    generics: &Generics,
    src: Source<'_>,
) -> Vec<(Node<'t>, Option<String>)> {
    let params: Vec<&Tag<'_>> = tags
        .iter()
        .filter(|t| t.kind == "param" && t.name.is_some_and(|n| !n.contains('.')))
        .collect();
    let list = match function.field(Field::Parameter) {
        Some(single) => vec![single],
        None => function
            .field(Field::Parameters)
            .map(named_children)
            .unwrap_or_default(),
    };
    let mut out = Vec::new();
    for (i, param) in list.into_iter().enumerate() {
        let Some(pattern) = pattern_of(param) else {
            continue;
        };
        let annotation = param.field(Field::Type).and_then(|t| annotated(t, src));
        let tag = match pattern.kind_name() {
            "identifier" => {
                let name = src.text(pattern);
                params.iter().find(|t| t.name == Some(&name)).copied()
            }
            _ => params.get(i).copied(),
        };
        let ty = annotation
            .or_else(|| jsdoc::first_name(tag?.ty))
            .and_then(|ty| generics.bound(ty));
        if ty.is_some() || pattern.kind_name() == "object_pattern" {
            out.push((pattern, ty));
        }
    }
    out
}

/// The identifier or object pattern a parameter binds (defaults and annotations dropped).
fn pattern_of(param: Node<'_>) -> Option<Node<'_>> {
    match param.kind_name() {
        "identifier" | "object_pattern" => Some(param),
        "assignment_pattern" => pattern_of(param.field(Field::Left)?),
        "required_parameter" | "optional_parameter" => pattern_of(param.field(Field::Pattern)?),
        _ => None,
    }
}

/// The type parameters of a function, each with the name of its bound: JSDoc `@template {Base} T`
/// and TypeScript `<T extends Base>`. A value of type `T` is used as a `Base`: its methods are
/// the bound's (as a checker resolves them); an unbounded `T` is no type at all.
#[derive(Debug, Default)]
pub struct Generics(Vec<(String, Option<String>)>);

impl Generics {
    /// The type parameters of `function`, whose doc comment is `doc`.
    pub fn of(function: Node<'_>, doc: Option<&str>, src: Source<'_>) -> Self {
        let documented = doc.map(jsdoc::templates).unwrap_or_default();
        let mut all: Vec<(String, Option<String>)> = documented
            .into_iter()
            .map(|(name, bound)| (name.to_owned(), bound.and_then(jsdoc::first_name)))
            .collect();
        let declared = function.field(Field::TypeParameters).map(named_children);
        for parameter in declared.unwrap_or_default() {
            let Some(name) = parameter.field(Field::Name) else {
                continue;
            };
            let bound = parameter.field(Field::Constraint).and_then(|c| {
                let text = src.text(c);
                jsdoc::first_name(text.trim_start().trim_start_matches("extends"))
            });
            all.push((src.text(name).into_owned(), bound));
        }
        Generics(all)
    }

    /// `ty`, or its bound when it names a type parameter (`None` when that one has none).
    pub fn bound(&self, ty: String) -> Option<String> {
        match self.0.iter().find(|(name, _)| *name == ty) {
            Some((_, bound)) => bound.clone(),
            None => Some(ty),
        }
    }
}

/// The type name of a TypeScript `type_annotation` (`: T`).
pub fn annotated(annotation: Node<'_>, src: Source<'_>) -> Option<String> {
    let text = src.text(annotation);
    jsdoc::first_name(text.trim_start().trim_start_matches(':'))
}
