//! Lookups and value builders shared by the extractor plugins' tests. They panic with the
//! facts they searched when what is asked for is missing.

use omnysys_api::facts::{CallSite, FileFacts, Import, ImportKind, Symbol, SymbolKind};

/// The symbol named `name` (the first one, when a name is defined twice).
///
/// # Panics
///
/// When there is none.
pub fn symbol<'f>(f: &'f FileFacts, name: &str) -> &'f Symbol {
    f.symbols
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no symbol {name} in {:#?}", f.symbols))
}

/// Export names in order.
pub fn export_names(f: &FileFacts) -> Vec<&str> {
    f.exports.iter().map(|e| e.name.as_str()).collect()
}

/// Symbol names in order.
pub fn symbol_names(f: &FileFacts) -> Vec<&str> {
    f.symbols.iter().map(|s| s.name.as_str()).collect()
}

/// Names of the symbols marked `exported`, in order.
pub fn exported_symbols(f: &FileFacts) -> Vec<&str> {
    f.symbols
        .iter()
        .filter(|s| s.exported)
        .map(|s| s.name.as_str())
        .collect()
}

/// `(kind, start_line, end_line)` of a symbol.
pub fn shape(s: &Symbol) -> (SymbolKind, u32, u32) {
    (s.kind, s.start_line, s.end_line)
}

/// An import value for comparisons.
pub fn imp(specifier: &str, names: &[&str], kind: ImportKind, line: u32) -> Import {
    Import {
        specifier: specifier.to_owned(),
        resolved: None,
        names: strings(names),
        kind,
        line,
    }
}

/// A call site value for comparisons.
pub fn call(caller: Option<&str>, callee: &str, line: u32) -> CallSite {
    CallSite {
        caller: caller.map(str::to_owned),
        callee: callee.to_owned(),
        line,
    }
}

/// Owned strings.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs `f`, asserting it takes less than `release` in an optimised build (ten times that in a
/// debug build, whose tree-sitter C code is unoptimised), and returns what it returned.
///
/// # Panics
///
/// When `f` takes longer.
pub fn within<T>(what: &str, release: std::time::Duration, f: impl FnOnce() -> T) -> T {
    let bound = if cfg!(debug_assertions) {
        release * 10
    } else {
        release
    };
    let start = std::time::Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < bound, "{what} took {took:?}, bound {bound:?}");
    out
}
