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
/// Not found, with the closest symbol and export names of the file.
pub fn find_symbol<'f>(
    facts: &'f FileFacts,
    file: &str,
    name: &str,
) -> Result<&'f Symbol, ToolError> {
    if let Some(symbol) = facts.symbols.iter().find(|s| s.name == name) {
        return Ok(symbol);
    }
    let mut by_short = facts.symbols.iter().filter(|s| short_name(&s.name) == name);
    match (by_short.next(), by_short.next()) {
        (Some(only), None) => Ok(only),
        _ => Err(unknown_symbol(facts, file, name)),
    }
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
