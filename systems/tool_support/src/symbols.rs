//! Symbol look-ups the tools and the resolver share: by exact or short name, and by export.

use omnysys_api::prelude::*;

use crate::unknown_symbol;

/// True when `facts` defines a symbol named exactly `name`.
pub fn defines(facts: &FileFacts, name: &str) -> bool {
    facts.symbols.iter().any(|s| s.name == name)
}

/// The part of a symbol name after its class (`m` for `Class.m`).
pub fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The symbol `name` of `file`: an exact name, else the only method whose short name is `name`.
///
/// # Errors
///
/// Not found, with the closest symbol and export names of the file; invalid arguments when
/// `name` is the short name of several methods (`area` of `Shape.area` and `Square.area`), naming
/// them.
pub fn find_symbol<'f>(
    facts: &'f FileFacts,
    file: &str,
    name: &str,
) -> Result<&'f Symbol, ToolError> {
    match symbols_named(facts, name).as_slice() {
        [] => Err(unknown_symbol(facts, file, name)),
        [only] => Ok(only),
        several => Err(ToolError::invalid_arguments(format!(
            "`{name}` names {} methods in `{file}`: {}; give the one you mean",
            several.len(),
            several
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The symbols of `facts` that `name` names: the one named exactly so, else every method whose
/// short name it is.
pub fn symbols_named<'f>(facts: &'f FileFacts, name: &str) -> Vec<&'f Symbol> {
    if let Some(symbol) = facts.symbols.iter().find(|s| s.name == name) {
        return vec![symbol];
    }
    facts
        .symbols
        .iter()
        .filter(|s| short_name(&s.name) == name)
        .collect()
}

/// The names under which `file` exports its symbol `symbol` (`default` included).
pub fn exported_as(facts: &FileFacts, symbol: &str) -> Vec<String> {
    facts
        .exports
        .iter()
        .filter(|e| e.local.as_deref().unwrap_or(&e.name) == symbol)
        .map(|e| e.name.clone())
        .collect()
}
