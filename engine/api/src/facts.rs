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
