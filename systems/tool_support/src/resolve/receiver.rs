//! Calls through receivers: `chunkGraph.getModuleId(m)`, `compilation.chunkGraph.getModuleId`,
//! `this.logger.time()`, and `this.m()` where `m` is inherited — resolved from the type facts
//! the extractors give ([`CallSite::receiver`], [`FileFacts::classes`], [`FileFacts::types`],
//! [`Symbol::returns`]), across files, at query time.
//!
//! The extractor does what one file can: it names the type the object of a call starts from,
//! as the calling file knows it (a class, an imported name, a JSDoc typedef alias, an inline
//! `import("./x").Y`), and the members read from it (`compilation` typed `Compilation`, then
//! `chunkGraph`; a member `m()` is what `m` returns). This module does the rest:
//!
//! 1. **The base type** in the calling file, first that applies: a class the file defines; a
//!    type alias it declares — `import("./x")` is the default export (`module.exports`) of the
//!    file the engine resolved the specifier to, `import("./x").Y` is `Y` there (a class, an
//!    alias or an export of that file), an object typedef is its `@property` fields, a local
//!    alias (`A & B`, `T | undefined`) is the first of its names that resolves; else an imported
//!    name (the rules of [`super::names`]) that is a class or a type alias of its file, or a
//!    dotted name through a module imported whole ([`super::dotted`]).
//! 2. **The members**, one by one: a field of the class (its type facts), else a getter or a
//!    method's declared return type (`m()`), else the same on its bases (`extends`, followed
//!    across files); a field of an object typedef. Calling a class (`()`, Python's `C(..)`)
//!    gives an instance of it.
//! 3. **The method** on the class, else on its bases: the defining class's method is the
//!    target (`Module` extends `DependenciesBlock`: `module.addDependency` →
//!    `DependenciesBlock.addDependency`). A call through a base-typed receiver is reported to
//!    the base's method, as the type checker does; overrides are not added to its calls (the
//!    tools list them apart, see [`super::overrides`]).
//!
//! A Rust type's methods and trait impls may sit in other files of its crate
//! ([`super::rust_impls`]); its bases are the traits it implements.
//!
//! Every step is bounded ([`MAX_DEPTH`]), so cyclic aliases and bases end. A resolution that
//! went through an inferred receiver has [`super::names::Via::Receiver`] (confidence
//! `inferred`); `this.m()` found on a base has [`super::names::Via::Inherited`].
//!
//! A receiver whose variable nothing in its file types has a base guessed from the variable's
//! name ([`TypePath::guessed`]: `compilation` → `Compilation`, as in hook callbacks whose
//! parameters only the checker's inference types). Such a base is taken only when it names a
//! type in the calling file or, failing that, the class so named in the only file named after
//! it (`lib/ChunkGraph.js`); the
//! resolution is [`super::names::Via::ReceiverGuessed`] (confidence `inferred`).

use omnysys_api::prelude::*;

use super::dotted::resolve_dotted;
use super::names::{SymbolRef, resolve_binding, resolve_export};
use super::rust_impls::{fact_files, method_of};
use crate::Project;
use crate::symbols::defines;

/// How many steps (aliases, bases, members) a resolution follows.
const MAX_DEPTH: u32 = 12;

/// A type as resolved: a class, or an object typedef (`@typedef {object}` with properties).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ty {
    /// The class `symbol` of `file`.
    Class(SymbolRef),
    /// The object type alias `symbol` of `file`.
    Object(SymbolRef),
    /// The function `symbol` of `file` (its member `()` is what it returns).
    Function(SymbolRef),
}

/// How a receiver's method was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// Through types the files declare or imply.
    Typed,
    /// Through a class guessed from a variable's name ([`TypePath::guessed`]).
    Guessed,
}

/// The method `call` (made in `file`) reaches through its receiver, if it resolves.
pub fn resolve_receiver(p: Project<'_>, file: &str, call: &CallSite) -> Option<(SymbolRef, Found)> {
    let receiver = call.receiver.as_ref()?;
    let method = call.callee.rsplit(['.', ':']).next()?;
    if method.is_empty()
        || !method
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        return None;
    }
    let ty = type_of(p, file, receiver, 0)?;
    let found = if receiver.guessed {
        Found::Guessed
    } else {
        Found::Typed
    };
    Some((find_method(p, &ty, method, 0)?, found))
}

/// The type `path` names in `file`; a guessed base that names nothing there is the class of
/// that name in the file named after it ([`class_file`]).
fn type_of(p: Project<'_>, file: &str, path: &TypePath, depth: u32) -> Option<Ty> {
    let base = match named(p, file, &path.base, depth) {
        None if path.guessed => class_file(p, &path.base),
        found => found,
    };
    let mut ty = base?;
    for member in &path.members {
        ty = member_type(p, &ty, member, depth + 1)?;
    }
    Some(ty)
}

/// The type `name` stands for in `file` (step 1 of the module docs).
fn named(p: Project<'_>, file: &str, name: &str, depth: u32) -> Option<Ty> {
    if depth > MAX_DEPTH {
        return None;
    }
    let facts = p.facts(file)?;
    if is_class(facts, name) {
        return Some(Ty::Class(SymbolRef::new(file, name)));
    }
    if let Some(alias) = facts.types.iter().find(|a| a.name == name) {
        return aliased(p, file, alias, depth + 1);
    }
    if defines(facts, name) {
        return Some(Ty::Function(SymbolRef::new(file, name)));
    }
    let target = resolve_binding(p, file, name).or_else(|| resolve_dotted(p, file, name))?;
    let declared = &p.facts(&target.file)?.types;
    if declared.iter().any(|a| a.name == target.symbol) {
        return named(p, &target.file, &target.symbol, depth + 1);
    }
    class_at(p, &target).or(Some(Ty::Function(target)))
}

/// The class `name` defined in a file named after it (`lib/ChunkGraph.js` for `ChunkGraph`),
/// when exactly one file so named defines it. Looking at file names only keeps this cheap: a
/// query may ask it for every candidate call in the project.
fn class_file(p: Project<'_>, name: &str) -> Option<Ty> {
    let mut found = p.paths().filter(|path| {
        let file = path.rsplit('/').next().unwrap_or(path);
        file.split('.').next() == Some(name) && p.facts(path).is_some_and(|f| is_class(f, name))
    });
    match (found.next(), found.next()) {
        (Some(file), None) => Some(Ty::Class(SymbolRef::new(file, name))),
        _ => None,
    }
}

/// What a type alias of `file` stands for.
fn aliased(p: Project<'_>, file: &str, alias: &TypeAlias, depth: u32) -> Option<Ty> {
    if alias.specifier.is_some() {
        let module = alias.resolved.as_deref()?;
        if alias.targets.is_empty() {
            return class_at(p, &resolve_export(p, module, "default")?);
        }
        return alias
            .targets
            .iter()
            .find_map(|t| exported_type(p, module, t, depth + 1));
    }
    if !alias.fields.is_empty() {
        return Some(Ty::Object(SymbolRef::new(file, &alias.name)));
    }
    alias
        .targets
        .iter()
        .filter(|t| **t != alias.name)
        .find_map(|t| named(p, file, t, depth + 1))
}

/// The type `module` declares or exports as `name` (`A.B`: the member `B` of `A`, unsupported).
fn exported_type(p: Project<'_>, module: &str, name: &str, depth: u32) -> Option<Ty> {
    if name.contains('.') {
        return None;
    }
    let facts = p.facts(module)?;
    if is_class(facts, name) || facts.types.iter().any(|a| a.name == name) {
        return named(p, module, name, depth);
    }
    class_at(p, &resolve_export(p, module, name)?)
}

/// `target` as a type, when it is a class.
fn class_at(p: Project<'_>, target: &SymbolRef) -> Option<Ty> {
    is_class(p.facts(&target.file)?, &target.symbol).then(|| Ty::Class(target.clone()))
}

/// Whether `facts` defines the class `name`.
fn is_class(facts: &FileFacts, name: &str) -> bool {
    facts
        .symbols
        .iter()
        .any(|s| s.kind == SymbolKind::Class && s.name == name)
}

/// The type of `member` of `ty` (step 2 of the module docs).
fn member_type(p: Project<'_>, ty: &Ty, member: &str, depth: u32) -> Option<Ty> {
    if depth > MAX_DEPTH {
        return None;
    }
    match ty {
        Ty::Function(function) => {
            let facts = p.facts(&function.file)?;
            let symbol = facts.symbols.iter().find(|s| s.name == function.symbol)?;
            let returns = symbol.returns.as_ref().filter(|_| member == "()")?;
            type_of(p, &function.file, returns, depth + 1)
        }
        Ty::Object(alias) => {
            let facts = p.facts(&alias.file)?;
            let a = facts.types.iter().find(|a| a.name == alias.symbol)?;
            let field = a.fields.iter().find(|f| f.name == member)?;
            type_of(p, &alias.file, &field.ty, depth + 1)
        }
        Ty::Class(_) if member == "()" => Some(ty.clone()),
        Ty::Class(class) => {
            let name = member.strip_suffix("()").unwrap_or(member);
            let facts = p.facts(&class.file)?;
            let field = (name == member)
                .then(|| {
                    class_facts(facts, &class.symbol)?
                        .fields
                        .iter()
                        .find(|f| f.name == name)
                })
                .flatten();
            if let Some(field) = field {
                return type_of(p, &class.file, &field.ty, depth + 1);
            }
            if let Some(method) = method_of(p, class, name) {
                let returns = p
                    .facts(&method.file)?
                    .symbols
                    .iter()
                    .find(|s| s.name == method.symbol)
                    .and_then(|s| s.returns.as_ref());
                if let Some(returns) = returns {
                    return type_of(p, &method.file, returns, depth + 1);
                }
            }
            bases(p, class, depth).find_map(|base| member_type(p, &base, member, depth + 1))
        }
    }
}

/// The type facts of class `name` in `facts`.
fn class_facts<'f>(facts: &'f FileFacts, name: &str) -> Option<&'f ClassFacts> {
    facts.classes.iter().find(|c| c.name == name)
}

/// The classes `class` names as its bases, resolved (`extends`, Python bases, the traits a Rust
/// type implements), for [`super::overrides`].
pub fn base_classes(p: Project<'_>, class: &SymbolRef) -> Vec<SymbolRef> {
    bases(p, class, 0)
        .filter_map(|base| match base {
            Ty::Class(found) => Some(found),
            _ => None,
        })
        .collect()
}

/// Whether the type of `call`'s receiver resolves in `file` (its method may still not), for
/// [`super::name_only`].
pub fn receiver_type_known(p: Project<'_>, file: &str, call: &CallSite) -> bool {
    call.receiver
        .as_ref()
        .is_some_and(|r| type_of(p, file, r, 0).is_some())
}

/// The resolved bases of `class`.
fn bases<'p>(p: Project<'p>, class: &SymbolRef, depth: u32) -> impl Iterator<Item = Ty> + 'p {
    let written: Vec<(String, String)> = fact_files(p, class)
        .into_iter()
        .filter_map(|file| {
            let bases = class_facts(p.facts(&file)?, &class.symbol)?.bases.clone();
            Some(bases.into_iter().map(move |b| (file.clone(), b)))
        })
        .flatten()
        .collect();
    written
        .into_iter()
        .filter_map(move |(file, b)| named(p, &file, &b, depth + 1))
}

/// The method `method` of `ty` or of its nearest base defining it (step 3 of the module docs).
fn find_method(p: Project<'_>, ty: &Ty, method: &str, depth: u32) -> Option<SymbolRef> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Ty::Class(class) = ty else {
        return None;
    };
    if let Some(found) = method_of(p, class, method) {
        return Some(found);
    }
    bases(p, class, depth).find_map(|base| find_method(p, &base, method, depth + 1))
}
