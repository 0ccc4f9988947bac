//! Turns what [`crate::types`] collected into facts: call receivers, class fields, return
//! types, and the element types (`[T]`) they use, declared as object types whose member `[]`
//! is `T` (so the resolver reads `for x in xs` through them like any field).

use std::collections::BTreeMap;

use extract_support::flow::{Env, with_fields};
use omnysys_api::facts::{Field, FileFacts, TypeAlias, TypePath};

use crate::types::Collected;

/// Adds the type facts `c` holds to `facts` (whose calls come from the same tree).
pub fn apply(c: &Collected, facts: &mut FileFacts) {
    let env = Env::new(&c.parents, &c.bindings);
    if c.calls.len() == facts.calls.len() {
        for (call, (written, value)) in facts.calls.iter_mut().zip(&c.calls) {
            if call.callee == *written {
                call.receiver = value.as_ref().and_then(|v| env.resolve(v));
            }
        }
    }
    facts.classes = with_fields(&c.classes, &c.fields, &env);
    for (name, ty) in &c.returns {
        if let Some(symbol) = facts.symbols.iter_mut().find(|s| s.name == *name) {
            symbol.returns.get_or_insert_with(|| plain(ty));
        }
    }
    facts.types = c.aliases.clone();
    facts.types.extend(elements(&c.elements));
}

/// The type path of the name `base`.
fn plain(base: &str) -> TypePath {
    TypePath {
        base: base.to_owned(),
        members: Vec::new(),
        guessed: false,
    }
}

/// The element types `[T]` (nested ones too) as object types with the member `[]` of type
/// `T`, each on the line of its first use.
fn elements(used: &[(String, u32)]) -> Vec<TypeAlias> {
    let mut declared: BTreeMap<&str, u32> = BTreeMap::new();
    for (name, line) in used {
        let mut name = name.as_str();
        while let Some(element) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            declared.entry(name).or_insert(*line);
            name = element;
        }
    }
    declared
        .into_iter()
        .map(|(name, line)| TypeAlias {
            name: name.to_owned(),
            fields: vec![Field {
                name: "[]".to_owned(),
                ty: plain(&name[1..name.len() - 1]),
            }],
            line,
            ..TypeAlias::default()
        })
        .collect()
}
