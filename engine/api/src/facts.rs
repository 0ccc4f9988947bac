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
    /// Type names the file declares for its annotations (JSDoc `@typedef`), in source order.
    /// Not imports: they never become dependency-graph edges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<TypeAlias>,
    /// The classes the file defines, with their bases and field types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassFacts>,
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
/// and classes) and not rebound in an inner scope, a class's methods read as
/// `this.m` or `C.prototype.m`, and members read through an object the file types
/// ([`ValueRef::receiver`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ValueRef {
    /// The name as written (`f`, `this.m`, `C.prototype.m`, `self._theme.get_style`).
    pub name: String,
    /// 1-based line.
    pub line: u32,
    /// The enclosing symbol, or `None` at module level.
    pub caller: Option<String>,
    /// What the object of a member read is, when the file says (`theme.get_style` where
    /// `theme: SyntaxTheme` → base `SyntaxTheme`, no members), as [`CallSite::receiver`]. The
    /// member read is the name's last segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<TypePath>,
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
    /// The type it returns, when declared (`@returns {T}`, `(): T`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<TypePath>,
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
    /// What the object of a member call is, when the file says (`chunkGraph.getModuleId`
    /// inside a function whose JSDoc types `chunkGraph` as `ChunkGraph` → base `ChunkGraph`,
    /// no members). The method called on it is the callee's last segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<TypePath>,
}

// Type facts (issue 13). They are language-neutral: a type is named as the file knows it (a
// class, an imported name, a type alias) and reached through member names, so Python
// (annotations, `self.x: T`, bases) and Rust (`impl T`, struct fields, `let x: T`) extractors
// can emit the same facts. Resolution across files happens at query time (`symbol_tools`).

/// A type reached from a named type through members: `Compilation` then `chunkGraph` for the
/// object of `compilation.chunkGraph.getModuleId(..)`. A member ending in `()` is the value a
/// method returns (`getLogger()`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TypePath {
    /// The type name as written in the file (`ChunkGraph`, a class name, an alias, or an
    /// inline `import("./x").Y`, which the file's [`FileFacts::types`] then declares).
    pub base: String,
    /// The members read from it, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// True when nothing in the file types the variable the path starts from and `base` is
    /// guessed from its name (`chunkGraph` → `ChunkGraph`): a weaker inference, which the
    /// resolver accepts only where the name is a type of the file or a class defined in the
    /// one file named after it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guessed: bool,
}

/// A type name the file declares: `/** @typedef {import("./ChunkGraph")} ChunkGraph */`,
/// `/** @typedef {import("../Parser").ParserState} ParserState */`, an object typedef with
/// `@property` fields, or a local alias of other names (`A & B`, `T | undefined`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TypeAlias {
    /// The name it declares.
    pub name: String,
    /// The module it comes from, as written (`./ChunkGraph` of `import("./ChunkGraph")`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specifier: Option<String>,
    /// The project file `specifier` resolves to (filled in by the engine like an import's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// The names it stands for, in order of preference: in the module of `specifier` when
    /// there is one (empty: the module's own export), else in this file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// Fields of an object type (`@property {NormalModule} module`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// 1-based line.
    pub line: u32,
}

/// A named field and its type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    /// The field's name.
    pub name: String,
    /// Its type.
    pub ty: TypePath,
}

/// A class: its bases as written (`extends X`, TypeScript `implements` after them) and the
/// types of its fields (`this.x = new C()`, `/** @type {T} */ this.x`, `x: T;`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClassFacts {
    /// The class name, as its [`Symbol`] is named.
    pub name: String,
    /// Base type names as written in the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<String>,
    /// Fields with a known type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}
