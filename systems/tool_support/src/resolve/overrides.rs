//! Overrides: a method `C.m` overrides `B.m` when `B` is a base of `C`, directly or through
//! other bases (`extends`, Python bases, the traits a Rust type implements: an `impl Tr for T`
//! method implements or redefines the trait's method — a call through `dyn Tr` or a generic
//! `T: Tr` runs it, and a change to the trait's method must be made to it too, which is what a
//! client asking about overrides wants to know).
//!
//! `C.m` overrides every method named `m` on its bases, the nearest and those further up
//! (`A.m` ← `B.m` ← `C.m`: `C.m` overrides `B.m` and `A.m`), so that `X` is in `overrides` of
//! `Y` exactly when `Y` is in `overriddenBy` of `X`. The bases are walked breadth first, each
//! class once ([`MAX_CLASSES`] at most), so cyclic bases end.
//!
//! Finding the overrides of a method looks only at the methods of that short name in the
//! project ([`OverrideMap::for_name`]): the query costs one walk up the bases per such method.
//! Calls are unaffected: a call through a receiver typed as the overriding class resolves to
//! the override ([`super::receiver`] looks at the class before its bases).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use omnysys_api::prelude::*;

use super::names::SymbolRef;
use super::receiver::base_classes;
use super::rust_impls::method_of;
use crate::Project;
use crate::symbols::short_name;

/// How many classes a walk up the bases of one class visits at most.
const MAX_CLASSES: usize = 64;

/// A method's definition, as `overrides` and `overriddenBy` list it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct MethodDefinition {
    /// Project-relative path of the file defining it.
    pub file: String,
    /// 1-based line where it starts.
    pub line: u32,
    /// The class (or Rust type, or trait) it is defined on.
    pub class: String,
    /// Its full name (`Class.method`).
    pub symbol: String,
}

impl MethodDefinition {
    /// The definition of the method `method`, when its file's facts hold it.
    fn of(p: Project<'_>, method: &SymbolRef) -> Option<Self> {
        let symbol = p
            .facts(&method.file)?
            .symbols
            .iter()
            .find(|s| s.name == method.symbol)?;
        let (class, _) = method.symbol.rsplit_once('.')?;
        Some(MethodDefinition {
            file: method.file.clone(),
            line: symbol.start_line,
            class: class.to_owned(),
            symbol: method.symbol.clone(),
        })
    }
}

/// The methods one or more methods override, and those overriding them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OverrideLinks {
    /// The base methods redefined, ordered by file and line.
    pub overrides: Vec<MethodDefinition>,
    /// The methods redefining them, ordered by file and line.
    pub overridden_by: Vec<MethodDefinition>,
}

/// Which methods of one short name override which: `(override, overridden)` pairs.
pub struct OverrideMap {
    pairs: BTreeSet<(SymbolRef, SymbolRef)>,
}

impl OverrideMap {
    /// The override pairs among the project's methods named `name` (`m` of `C.m`).
    pub fn for_name(p: Project<'_>, name: &str) -> Self {
        let mut pairs = BTreeSet::new();
        for method in methods_named(p, name) {
            for base in overridden(p, &method) {
                pairs.insert((method.clone(), base));
            }
        }
        OverrideMap { pairs }
    }

    /// The methods `method` overrides.
    pub fn overrides(&self, method: &SymbolRef) -> Vec<&SymbolRef> {
        self.linked(method, |(by, base)| (by, base))
    }

    /// The methods overriding `method`.
    pub fn overridden_by(&self, method: &SymbolRef) -> Vec<&SymbolRef> {
        self.linked(method, |(by, base)| (base, by))
    }

    /// The other ends of the pairs whose end `ends` puts first is `method`.
    fn linked<'m>(
        &'m self,
        method: &SymbolRef,
        ends: impl Fn(&'m (SymbolRef, SymbolRef)) -> (&'m SymbolRef, &'m SymbolRef),
    ) -> Vec<&'m SymbolRef> {
        self.pairs
            .iter()
            .map(ends)
            .filter(|(end, _)| *end == method)
            .map(|(_, other)| other)
            .collect()
    }
}

/// The override links of `symbols` (the methods among them; functions and classes have none),
/// united: what they override and what overrides them.
pub fn links_of(p: Project<'_>, symbols: &[SymbolRef]) -> OverrideLinks {
    let methods: Vec<&SymbolRef> = symbols.iter().filter(|s| is_method(p, s)).collect();
    let mut maps = BTreeMap::new();
    let (mut overrides, mut overridden_by) = (BTreeSet::new(), BTreeSet::new());
    for method in methods {
        let name = short_name(&method.symbol);
        let map = maps
            .entry(name)
            .or_insert_with(|| OverrideMap::for_name(p, name));
        overrides.extend(map.overrides(method).into_iter().cloned());
        overridden_by.extend(map.overridden_by(method).into_iter().cloned());
    }
    OverrideLinks {
        overrides: definitions(p, overrides),
        overridden_by: definitions(p, overridden_by),
    }
}

/// The definitions of `methods`, ordered by file and line.
fn definitions(p: Project<'_>, methods: BTreeSet<SymbolRef>) -> Vec<MethodDefinition> {
    let mut found: Vec<MethodDefinition> = methods
        .iter()
        .filter_map(|m| MethodDefinition::of(p, m))
        .collect();
    found.sort();
    found
}

/// Whether `symbol` is a method (`Class.m` of kind method).
pub fn is_method(p: Project<'_>, symbol: &SymbolRef) -> bool {
    p.facts(&symbol.file)
        .and_then(|f| f.symbols.iter().find(|s| s.name == symbol.symbol))
        .is_some_and(|s| s.kind == SymbolKind::Method && s.name.contains('.'))
}

/// Every method of the project named `name` (`C.name`).
fn methods_named(p: Project<'_>, name: &str) -> Vec<SymbolRef> {
    let mut found = Vec::new();
    for (file, facts) in p.files() {
        let named = facts.symbols.iter().filter(|s| {
            s.kind == SymbolKind::Method && s.name.contains('.') && short_name(&s.name) == name
        });
        found.extend(named.map(|s| SymbolRef::new(file, &s.name)));
    }
    found
}

/// The methods `method` overrides: its name's methods on its class's bases, transitively.
/// The class is taken in the method's own file, where a Rust `impl Tr for T` block holding
/// the method says `T`'s trait.
fn overridden(p: Project<'_>, method: &SymbolRef) -> Vec<SymbolRef> {
    let Some((class, name)) = method.symbol.rsplit_once('.') else {
        return Vec::new();
    };
    let start = SymbolRef::new(&method.file, class);
    let mut seen = BTreeSet::from([start.clone()]);
    let mut queue = VecDeque::from([start]);
    let mut found = Vec::new();
    while let Some(class) = queue.pop_front() {
        for base in base_classes(p, &class) {
            if seen.len() >= MAX_CLASSES || !seen.insert(base.clone()) {
                continue;
            }
            found.extend(method_of(p, &base, name).filter(|m| m != method));
            queue.push_back(base);
        }
    }
    found
}
