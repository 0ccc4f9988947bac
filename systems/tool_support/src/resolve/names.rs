//! Resolving a call site to the symbol it calls, at query time, from the facts alone.
//!
//! A callee as written in file `F` resolves, first rule that applies:
//!
//! 0. **bindings**: the rules of [`super::bindings`] — a name an inner scope rebinds is
//!    unresolved, `module.exports.f` / `exports.f` is `F`'s own export `f`, and a local name an
//!    import binds (`import {a as b}` then `b`) is the name it imports.
//!
//! Rust paths are read like members: `Type::f` as `Type.f`, `module::f` as `module.f`.
//!
//! 1. **local**: `F` defines a symbol named exactly as written (`foo`, `Class.m`).
//! 2. **this**: `this.m` / `self.m` / `Self::m` inside `Class.x` (or inside `Class` itself) →
//!    `Class.m` of `F`.
//! 3. **named import**: `foo` where an import of `F` lists the name `foo` and its resolved file
//!    exports or defines `foo` (re-exports followed, see [`resolve_export`]).
//! 4. **default import**: `foo` where an import of `F` is a default import (or a whole-module
//!    `require`) whose target's default export is a symbol named `foo`, or whose specifier's
//!    stem is `foo` (`./router/index.js` → `router`).
//! 5. **static member**: `C.m` where `C` resolves by rules 3–4 to a class that defines `C.m`.
//! 6. **namespace import**: `ns.foo` where `F` has a namespace import or whole-module `require`
//!    whose file exports `foo`: the one whose specifier stem is `ns`, else the only candidate —
//!    unless `ns` is a parameter of the calling function or a well-known global (`console`…).
//!    A dotted head names a Python module imported whole: `pkg.util.f` after `import pkg.util`.
//! 7. **submodule**: `mod.foo` where `F` imports the name `mod` from a Python package
//!    (`from pkg import mod`, `from .. import mod`: the import resolves to the package's
//!    `__init__.py`) and `mod` is a module of that package exporting or defining `foo`.
//!
//! Names a Rust `pub use` brings in are bound in the file as well as re-exported; JavaScript
//! `export ... from` binds nothing.
//!
//! 8. **receiver** (when rules 1–7 find nothing): `x.m()` through the type of `x`, and `this.m()`
//!    through the class's bases — see `super::receiver`; `super::target` applies the rules in
//!    this order.
//!
//! Anything else is unresolved, with the reason: imported from outside the project, more than
//! one candidate, or no rule applies (globals, calls on values, longer member chains).
//!
//! Limits: where the facts carry no local binding names (Python, Rust), `import {a as b}` then
//! `b()` is not resolved and a default import is matched by name or stem only; the namespace
//! of `ns.foo` is guessed as described; inheritance is followed only through receivers
//! ([`super::receiver`]); re-exports are followed by name, so `export {a as b} from` chains
//! break at the rename.

use omnysys_api::prelude::*;

use super::bindings::{Bound, bound};
use crate::Project;
use crate::symbols::defines;

/// How many re-export hops [`resolve_export`] follows before giving up (cycles end there too).
const MAX_HOPS: u32 = 8;

/// Objects that are never namespace imports.
const GLOBALS: &[&str] = &[
    "console",
    "Math",
    "JSON",
    "Object",
    "Array",
    "Promise",
    "Number",
    "String",
    "Date",
    "Reflect",
    "process",
    "window",
    "document",
    "globalThis",
    "module",
    "exports",
    "super",
];

/// A symbol of a file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub struct SymbolRef {
    /// Project-relative path of the file defining it.
    pub file: String,
    /// Its name (`f`, `Class.method`, or an exported value's name).
    pub symbol: String,
}

impl SymbolRef {
    /// `symbol` of `file`.
    pub fn new(file: &str, symbol: &str) -> Self {
        SymbolRef {
            file: file.to_owned(),
            symbol: symbol.to_owned(),
        }
    }
}

/// Which rule resolved a call, or why none did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Defined in the calling file under exactly the name called.
    Local,
    /// `this.m` / `self.m` inside a method of the class defining `m`.
    ThisClass,
    /// A name imported by name.
    NamedImport,
    /// A default import or whole-module require matching the called name.
    DefaultImport,
    /// `C.m` where `C` is an imported class defining `m`.
    StaticMember,
    /// `ns.f` through a namespace import or whole-module require.
    NamespaceImport,
    /// `x.m()` through the type of `x` the file declares or implies (see `super::receiver`).
    Receiver,
    /// `x.m()` through a class guessed from the name of `x` (see `super::receiver`).
    ReceiverGuessed,
    /// `this.m()` where `m` is defined on a base class (see `super::receiver`).
    Inherited,
    /// Unresolved `x.m()` whose receiver's type is unknown, matched by the method's name alone
    /// (listed only when asked for, see `super::name_only`).
    NameOnly,
    /// Unresolved: imported from outside the project.
    External,
    /// Unresolved: more than one candidate.
    Ambiguous,
    /// Unresolved: no rule applies (globals, calls on values, aliases, long chains).
    Unknown,
}

impl Via {
    /// Whether this is one of the name rules (1–7), which callers leave out of their answers.
    pub fn by_name(&self) -> bool {
        !matches!(
            self,
            Via::Receiver | Via::ReceiverGuessed | Via::Inherited | Via::NameOnly
        )
    }

    /// How sure a resolution by this rule is.
    pub fn confidence(self) -> Confidence {
        match self {
            Via::Receiver | Via::ReceiverGuessed => Confidence::Inferred,
            Via::NameOnly => Confidence::NameOnly,
            _ => Confidence::Exact,
        }
    }
}

/// How a reference or call was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// By name, import and class rules: what the code says.
    Exact,
    /// Through the type of a receiver the files declare or imply (JSDoc, annotations,
    /// constructions, field and return types).
    Inferred,
    /// `name-only`: a method call `x.m()` whose receiver's type stays unknown, matched by the
    /// method's name alone; listed only when the client asks (`includeNameOnly`), as it may call
    /// any method of that name.
    #[serde(rename = "name-only")]
    NameOnly,
}

impl Confidence {
    /// `exact`: left out of answers, where it is the default.
    pub fn is_exact(&self) -> bool {
        *self == Confidence::Exact
    }

    /// No confidence, or `exact`.
    pub fn omitted(confidence: &Option<Confidence>) -> bool {
        confidence.is_none_or(|c| c.is_exact())
    }
}

/// Marks `via` and `confidence` as optional in an answer's schema: they are left out when a
/// name rule resolved the call (`exact`), which serde's `skip_serializing_if` does not tell the
/// schema (it is derived for reading, where a field without a default is required).
pub fn left_out_when_exact(schema: &mut schemars::Schema) {
    if let Some(required) = schema.get_mut("required").and_then(|r| r.as_array_mut()) {
        required.retain(|name| name != "via" && name != "confidence");
    }
}

/// The import a callee came through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ImportUse {
    /// The specifier as written.
    pub specifier: String,
    /// The project file it resolves to, if any.
    pub resolved: Option<String>,
    /// Its line in the calling file.
    pub line: u32,
}

impl ImportUse {
    fn of(import: &Import) -> Self {
        ImportUse {
            specifier: import.specifier.clone(),
            resolved: import.resolved.clone(),
            line: import.line,
        }
    }
}

/// What a call resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The called symbol, when resolved.
    pub target: Option<SymbolRef>,
    /// The rule that resolved it, or why it is unresolved.
    pub via: Via,
    /// The import the callee came through (also for external imports).
    pub import: Option<ImportUse>,
}

impl Resolution {
    fn to(file: &str, symbol: &str, via: Via, import: Option<&Import>) -> Self {
        Resolution {
            target: Some(SymbolRef::new(file, symbol)),
            via,
            import: import.map(ImportUse::of),
        }
    }

    fn unresolved(via: Via, import: Option<&Import>) -> Self {
        Resolution {
            target: None,
            via,
            import: import.map(ImportUse::of),
        }
    }

    /// Unresolved: `external` when an import from outside the project names it, else `unknown`.
    fn outside_or_unknown(external: Option<&Import>) -> Self {
        let via = if external.is_some() {
            Via::External
        } else {
            Via::Unknown
        };
        Resolution::unresolved(via, external)
    }
}

/// The class or function the name `name` is bound to in `file` by an import (rules 3–4).
pub fn resolve_binding(p: Project<'_>, file: &str, name: &str) -> Option<SymbolRef> {
    let scope = Scope {
        facts: p.facts(file)?,
        rust: file.ends_with(".rs"),
    };
    resolve_name(p, scope, name).target
}

/// Resolves the call `call` made in `file` by rules 1–7 of the module docs (rule 8 is
/// `super::target`'s).
pub fn resolve_call(p: Project<'_>, file: &str, call: &CallSite) -> Resolution {
    let Some(facts) = p.facts(file) else {
        return Resolution::unresolved(Via::Unknown, None);
    };
    if let Some(resolution) = bound(facts, call).and_then(|b| resolve_bound(p, file, b)) {
        return resolution;
    }
    let callee = call.callee.replace("::", ".");
    if defines(facts, &callee) {
        return Resolution::to(file, &callee, Via::Local, None);
    }
    let scope = Scope {
        facts,
        rust: file.ends_with(".rs"),
    };
    let caller = call.caller.as_deref();
    match callee.split_once('.') {
        None => resolve_name(p, scope, &callee),
        Some((_, member)) if member.contains('.') => dotted_member(p, scope, &callee),
        Some((_, member)) if !is_identifier(member) => Resolution::unresolved(Via::Unknown, None),
        Some(("this" | "self" | "Self", member)) => resolve_this(file, facts, caller, member),
        Some((head, _)) if !is_identifier(head) => Resolution::unresolved(Via::Unknown, None),
        Some((head, member)) => resolve_member(p, scope, caller, head, member),
    }
}

/// What the file's bindings say a callee names ([`super::bindings`]) as a resolution; `None`
/// when the named binding leads nowhere (the other rules then apply).
fn resolve_bound(p: Project<'_>, file: &str, bound: Bound<'_>) -> Option<Resolution> {
    match bound {
        Bound::Shadowed => Some(Resolution::unresolved(Via::Unknown, None)),
        Bound::OwnExport(name) => Some(Resolution {
            target: Some(resolve_export(p, file, name)?),
            via: Via::Local,
            import: None,
        }),
        Bound::Imported { import, line, name } => Some(Resolution {
            target: Some(resolve_export(p, import.resolved.as_deref()?, name)?),
            via: match name {
                "default" => Via::DefaultImport,
                _ => Via::NamedImport,
            },
            import: Some(ImportUse {
                line,
                ..ImportUse::of(import)
            }),
        }),
    }
}

/// The facts of the calling file, and whether its re-exports bind names (Rust `pub use`).
#[derive(Clone, Copy)]
struct Scope<'f> {
    facts: &'f FileFacts,
    rust: bool,
}

/// `a.b.f`: `f` of the module imported whole as `a.b` (Python `import a.b`), else unresolved.
fn dotted_member(p: Project<'_>, scope: Scope<'_>, callee: &str) -> Resolution {
    let Some((head, member)) = callee.rsplit_once('.') else {
        return Resolution::unresolved(Via::Unknown, None);
    };
    let whole = bindings(scope).filter(|i| is_namespace(i) && i.specifier == head);
    let found = pick(whole.filter_map(|i| Some((i, by_name(p, i, member)?))));
    found
        .into_resolution(Via::NamespaceImport)
        .unwrap_or_else(|| Resolution::unresolved(Via::Unknown, None))
}

/// `true` for a plain identifier (letters, digits, `_`, `$`).
fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// `this.member` inside `caller`.
fn resolve_this(file: &str, facts: &FileFacts, caller: Option<&str>, member: &str) -> Resolution {
    let class = caller.and_then(|c| enclosing_class(facts, c));
    match class.map(|c| format!("{c}.{member}")) {
        Some(name) if defines(facts, &name) => Resolution::to(file, &name, Via::ThisClass, None),
        _ => Resolution::unresolved(Via::Unknown, None),
    }
}

/// The class of a method `Class.m`, or the class itself when `caller` is one.
fn enclosing_class<'a>(facts: &FileFacts, caller: &'a str) -> Option<&'a str> {
    if let Some((class, _)) = caller.rsplit_once('.') {
        return Some(class);
    }
    let is_class = facts
        .symbols
        .iter()
        .any(|s| s.name == caller && s.kind == SymbolKind::Class);
    is_class.then_some(caller)
}

/// A plain name not defined in the file: named imports, then default imports.
fn resolve_name(p: Project<'_>, scope: Scope<'_>, name: &str) -> Resolution {
    let named = bindings(scope).filter(|i| i.names.iter().any(|n| n == name));
    let found = pick(
        named
            .clone()
            .filter_map(|i| Some((i, by_name(p, i, name)?))),
    );
    if let Some(resolution) = found.into_resolution(Via::NamedImport) {
        return resolution;
    }
    if let Some(external) = named.clone().find(|i| i.resolved.is_none()) {
        return Resolution::unresolved(Via::External, Some(external));
    }
    let defaults = bindings(scope).filter(|i| is_default_like(i));
    let found = pick(defaults.filter_map(|i| Some((i, by_default(p, i, name)?))));
    if let Some(resolution) = found.into_resolution(Via::DefaultImport) {
        return resolution;
    }
    let external = bindings(scope)
        .filter(|i| i.resolved.is_none() && is_default_like(i))
        .find(|i| stem(&i.specifier) == name);
    Resolution::outside_or_unknown(external)
}

/// Imports that bind local names (JavaScript re-exports do not; Rust `pub use` does).
fn bindings<'f>(scope: Scope<'f>) -> impl Iterator<Item = &'f Import> + Clone {
    scope
        .facts
        .imports
        .iter()
        .filter(move |i| scope.rust || i.kind != ImportKind::ReExport)
}

/// A default import or a whole-module `require`.
fn is_default_like(import: &Import) -> bool {
    import.names.iter().any(|n| n == "default")
        || (import.kind == ImportKind::Require && import.names.iter().any(|n| n == "*"))
}

/// A namespace import or a whole-module `require`/`import()`.
fn is_namespace(import: &Import) -> bool {
    import.names.iter().any(|n| n == "*")
}

/// `name` imported by name through `import`.
fn by_name(p: Project<'_>, import: &Import, name: &str) -> Option<SymbolRef> {
    resolve_export(p, import.resolved.as_deref()?, name)
}

/// The default export behind `import`, when it matches the called `name`.
fn by_default(p: Project<'_>, import: &Import, name: &str) -> Option<SymbolRef> {
    let target = resolve_export(p, import.resolved.as_deref()?, "default")?;
    (target.symbol == name || stem(&import.specifier) == name).then_some(target)
}

/// `head.member` where `head` is not `this`.
fn resolve_member(
    p: Project<'_>,
    scope: Scope<'_>,
    caller: Option<&str>,
    head: &str,
    member: &str,
) -> Resolution {
    if let Some(resolution) = static_member(p, scope, head, member) {
        return resolution;
    }
    let facts = scope.facts;
    if defines(facts, head) || GLOBALS.contains(&head) || is_param(facts, caller, head) {
        return Resolution::unresolved(Via::Unknown, None);
    }
    if let Some(resolution) = submodule_member(p, scope, head, member) {
        return resolution;
    }
    namespace_member(p, scope, head, member)
}

/// `m.member` where `m` is imported by name from a Python package and is a module of it.
fn submodule_member(
    p: Project<'_>,
    scope: Scope<'_>,
    head: &str,
    member: &str,
) -> Option<Resolution> {
    let named = bindings(scope).filter(|i| i.names.iter().any(|n| n == head));
    let found = pick(named.filter_map(|i| {
        let package = i.resolved.as_deref()?.strip_suffix("__init__.py")?;
        let module = [
            format!("{package}{head}.py"),
            format!("{package}{head}/__init__.py"),
        ]
        .into_iter()
        .find(|m| p.facts(m).is_some())?;
        Some((i, resolve_export(p, &module, member)?))
    }));
    found.into_resolution(Via::NamespaceImport)
}

/// `C.m` where `C` is imported and its file defines `C.m`.
fn static_member(p: Project<'_>, scope: Scope<'_>, head: &str, member: &str) -> Option<Resolution> {
    let class = resolve_name(p, scope, head);
    let target = class.target?;
    let name = format!("{}.{member}", target.symbol);
    defines(p.facts(&target.file)?, &name).then(|| Resolution {
        target: Some(SymbolRef::new(&target.file, &name)),
        via: Via::StaticMember,
        import: class.import,
    })
}

/// Whether `name` is a parameter of the calling symbol.
fn is_param(facts: &FileFacts, caller: Option<&str>, name: &str) -> bool {
    let Some(caller) = caller else {
        return false;
    };
    facts
        .symbols
        .iter()
        .filter(|s| s.name == caller)
        .any(|s| s.params.iter().any(|p| p == name))
}

/// `ns.member` through a namespace import: the one named like `ns`, else the only candidate.
fn namespace_member(p: Project<'_>, scope: Scope<'_>, head: &str, member: &str) -> Resolution {
    let namespaces = bindings(scope).filter(|i| is_namespace(i));
    let candidates: Vec<(&Import, SymbolRef)> = namespaces
        .clone()
        .filter_map(|i| Some((i, by_name(p, i, member)?)))
        .collect();
    let stemmed = candidates
        .iter()
        .filter(|(i, _)| stem(&i.specifier) == head);
    let found = pick(stemmed.cloned());
    if let Some(resolution) = found.into_resolution(Via::NamespaceImport) {
        return resolution;
    }
    if let Some(resolution) = pick(candidates.into_iter()).into_resolution(Via::NamespaceImport) {
        return resolution;
    }
    let external = namespaces
        .filter(|i| i.resolved.is_none())
        .find(|i| stem(&i.specifier) == head);
    Resolution::outside_or_unknown(external)
}

/// The outcome of choosing among candidate targets.
enum Pick<'f> {
    None,
    One(&'f Import, SymbolRef),
    Many,
}

impl Pick<'_> {
    /// `Some` when there was exactly one target (resolved) or several (ambiguous).
    fn into_resolution(self, via: Via) -> Option<Resolution> {
        match self {
            Pick::None => None,
            Pick::One(import, target) => Some(Resolution {
                target: Some(target),
                via,
                import: Some(ImportUse::of(import)),
            }),
            Pick::Many => Some(Resolution::unresolved(Via::Ambiguous, None)),
        }
    }
}

/// The single distinct target among `candidates`, if there is one.
fn pick<'f>(candidates: impl Iterator<Item = (&'f Import, SymbolRef)>) -> Pick<'f> {
    let mut chosen: Option<(&Import, SymbolRef)> = None;
    for (import, target) in candidates {
        match &chosen {
            None => chosen = Some((import, target)),
            Some((_, seen)) if *seen == target => {}
            Some(_) => return Pick::Many,
        }
    }
    chosen.map_or(Pick::None, |(i, t)| Pick::One(i, t))
}

/// The symbol `file` exports (or defines) as `name`, following re-exports.
///
/// In order: the symbol an export named `name` refers to; a symbol named `name`; a named
/// re-export (in Python, any import binding the name), then a `*` re-export, that leads to it;
/// an exported value that is not a symbol (a constant).
pub fn resolve_export(p: Project<'_>, file: &str, name: &str) -> Option<SymbolRef> {
    resolve_export_hops(p, file, name, 0)
}

fn resolve_export_hops(p: Project<'_>, file: &str, name: &str, hops: u32) -> Option<SymbolRef> {
    if hops > MAX_HOPS || name == "*" {
        return None;
    }
    let facts = p.facts(file)?;
    let export = facts.exports.iter().find(|e| e.name == name);
    let local = export.and_then(|e| e.local.as_deref()).unwrap_or(name);
    if export.is_some() && defines(facts, local) {
        return Some(SymbolRef::new(file, local));
    }
    if defines(facts, name) {
        return Some(SymbolRef::new(file, name));
    }
    let reexports = facts
        .imports
        .iter()
        .filter(|i| i.kind == ImportKind::ReExport);
    // A name a Python module imports is an attribute of it (`from .util import helper` in a
    // package's `__init__.py` is how packages re-export).
    let python = file.ends_with(".py") || file.ends_with(".pyi");
    let bound = facts
        .imports
        .iter()
        .filter(|i| python && i.kind == ImportKind::Static);
    let named = reexports
        .clone()
        .chain(bound)
        .filter(|i| i.names.iter().any(|n| n == name));
    let star = reexports.filter(|i| i.names.iter().any(|n| n == "*"));
    let through = named
        .chain(star)
        .find_map(|i| resolve_export_hops(p, i.resolved.as_deref()?, name, hops + 1));
    through.or_else(|| export.map(|_| SymbolRef::new(file, local)))
}

/// The module name a specifier suggests: `util` for `./util.js`, `router` for `./router/index`.
pub fn stem(specifier: &str) -> &str {
    let mut parts = specifier
        .rsplit('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..");
    let last = parts.next().unwrap_or(specifier);
    let base = last.split_once('.').map_or(last, |(b, _)| b);
    if base == "index" || base == "mod" || base == "__init__" {
        let parent = parts.next().unwrap_or(base);
        return parent.split_once('.').map_or(parent, |(b, _)| b);
    }
    base
}
