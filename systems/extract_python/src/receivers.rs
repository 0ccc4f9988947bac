//! Turns what [`crate::types`] collected into facts: call receivers, the receivers of
//! attributes read as values, class fields, return types, and the element types (`[T]`) they use, declared as object types whose member `[]`
//! is `T` (so the resolver reads `for x in xs` through them like any field).

use std::collections::BTreeMap;

use extract_support::flow::{Env, with_fields};
use omnysys_api::facts::{Field, FileFacts, Symbol, SymbolKind, TypeAlias, TypePath, ValueRef};

use crate::types::{Collected, Read};

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
    for read in &c.reads {
        let receiver = env.resolve(&read.object);
        if let Some(receiver) = receiver.filter(|r| !is_function(facts, r)) {
            add_read(facts, read, receiver);
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

/// Gives the value use of `read` its receiver: the use [`crate::references`] recorded (`C.m`),
/// else a new one, after the uses of earlier lines.
fn add_read(facts: &mut FileFacts, read: &Read, receiver: TypePath) {
    let recorded = facts
        .references
        .iter_mut()
        .find(|r| r.line == read.line && r.name == read.written);
    if let Some(recorded) = recorded {
        recorded.receiver = Some(receiver);
        return;
    }
    let at = facts.references.partition_point(|r| r.line <= read.line);
    let used = ValueRef {
        name: read.written.clone(),
        line: read.line,
        caller: enclosing(&facts.symbols, read.line).map(|s| s.name.clone()),
        receiver: Some(receiver),
    };
    facts.references.insert(at, used);
}

/// Whether `path` is a function of the file itself (`f.__name__`: a function's attributes are
/// no methods).
fn is_function(facts: &FileFacts, path: &TypePath) -> bool {
    path.members.is_empty()
        && facts
            .symbols
            .iter()
            .any(|s| s.name == path.base && s.kind == SymbolKind::Function)
}

/// The innermost definition spanning `line`: the last one, as definitions are in source order
/// and nested ones follow the one they are in.
fn enclosing(symbols: &[Symbol], line: u32) -> Option<&Symbol> {
    symbols
        .iter()
        .rev()
        .find(|s| (s.start_line..=s.end_line).contains(&line))
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
