//! What an extractor pulls out of one source file.
//!
//! Facts are plain data: the engine stores them in [`CacheEntry`](crate::schema::CacheEntry),
//! resolves import specifiers to project files, and builds the
//! [`DependencyGraph`](crate::graph::DependencyGraph) from them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Everything known about one file's code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileFacts {
    /// Imports in source order.
    pub imports: Vec<Import>,
    /// Names this file exports.
    pub exports: Vec<Export>,
    /// Imported names and module-level definitions used as values, not called (see
    /// [`ValueRef`]); empty for languages that do not record them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<ValueRef>,
    /// Inner scopes that rebind an imported or module-level name (see [`Shadow`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shadows: Vec<Shadow>,
    /// Functions, classes and methods defined in the file.
    pub symbols: Vec<Symbol>,
    /// Call sites: who calls what, where.
    pub calls: Vec<CallSite>,
    /// Number of lines in the file.
    pub lines: u32,
    /// True when the file had syntax errors and only what parsed was extracted.
    pub partial: bool,
}

/// How one file depends on another.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// `import ... from 'x'`, `use x`, `from x import y`.
    Static,
    /// `import type ... from 'x'`: a type-only edge.
    Type,
    /// CommonJS `require('x')`.
    Require,
    /// `import('x')` with a literal specifier.
    Dynamic,
    /// `export ... from 'x'`.
    ReExport,
}

/// One import as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Import {
    /// The specifier exactly as written (`./router`, `lodash`, `crate::a::b`).
    pub specifier: String,
    /// The project file it resolves to, relative to the project root, when it does.
    pub resolved: Option<String>,
    /// Imported names (`default`, `*`, or the name).
    pub names: Vec<String>,
    /// What kind of edge this is.
    pub kind: ImportKind,
    /// 1-based line.
    pub line: u32,
    /// The local names it binds, each on its own line (`import {a as b}` binds `b` to `a`;
    /// `const x = require('x')` binds `x` to `*`). Empty when it binds none, and where the
    /// extractor does not record them: then `names` at `line` is all there is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bindings: Vec<Binding>,
}

/// One exported name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Export {
    /// The name under which it is exported (`default` for a default export).
    pub name: String,
    /// The local name it refers to, when different.
    pub local: Option<String>,
    /// 1-based line.
    pub line: u32,
    /// Whether the exported value is written as a name, a reference to a binding of the file
    /// (`export {a}`, `export default a`, `module.exports = a`, `exports.a = a`,
    /// `module.exports = {a}`), rather than declared or computed there (`export function a`,
    /// `exports.a = function () {}`, `exports.a = make()`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub by_name: bool,
}

/// For `skip_serializing_if`: a `false` flag is left out (and read back as the default).
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// One local name an import binds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Binding {
    /// The imported name (`default`, `*` for the whole module, or the name).
    pub name: String,
    /// The local name it is bound to in the importing file.
    pub local: String,
    /// 1-based line of the local name.
    pub line: u32,
}

/// A name used as a value, not called: passed (`sort(compareIds)`), assigned, returned, put in
/// an object or array, compared. Only names bound at module level (imports, top-level functions
/// and classes) and not rebound in an inner scope, and a class's methods read as
/// `this.m` or `C.prototype.m`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ValueRef {
    /// The name as written (`f`, `this.m`, `C.prototype.m`).
    pub name: String,
    /// 1-based line.
    pub line: u32,
    /// The enclosing symbol, or `None` at module level.
    pub caller: Option<String>,
}

/// An inner scope (function, block, loop, `catch`) that declares a name the file also binds at
/// module level (a parameter, a local, a destructured argument): uses of the name on its lines
/// refer to the inner binding, not to the import or module-level definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Shadow {
    /// The rebound name.
    pub name: String,
    /// 1-based first line of the scope.
    pub start_line: u32,
    /// 1-based last line of the scope.
    pub end_line: u32,
}

/// What a symbol is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    /// A free function (or a function-valued binding).
    Function,
    /// A class, struct, enum or trait.
    Class,
    /// A method inside a class or impl.
    Method,
}

/// A function, class or method definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Symbol {
    /// Its name (methods: `Class.method`).
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// 1-based first line.
    pub start_line: u32,
    /// 1-based last line.
    pub end_line: u32,
    /// Parameter names in order.
    pub params: Vec<String>,
    /// Whether the file exports it.
    pub exported: bool,
    /// Whether it is `async`.
    pub is_async: bool,
}

/// One call site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CallSite {
    /// The enclosing symbol, or `None` at module level.
    pub caller: Option<String>,
    /// The callee as written (`foo`, `obj.method`).
    pub callee: String,
    /// 1-based line.
    pub line: u32,
}
