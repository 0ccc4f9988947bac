//! Symbol collectors shared by the plugins.

use std::collections::HashSet;

use omnysys_api::facts::{Symbol, SymbolKind};

use crate::collect::SymbolCollector;
use crate::walk::Visit;

/// The definitions in source order, each with whether it is defined at module level (not
/// inside another definition). Module-level functions and classes are `exported` when their
/// name is one of the file's exported local names; methods and nested definitions never are.
#[derive(Debug, Default)]
pub struct TopLevelSymbols {
    found: Vec<(Symbol, bool)>,
}

impl SymbolCollector for TopLevelSymbols {
    fn visit(&mut self, v: &Visit<'_, '_>) {
        if let Some(def) = v.def {
            self.found.push((def.clone(), v.enclosing.is_none()));
        }
    }

    fn finish(self, exported_locals: &HashSet<String>) -> Vec<Symbol> {
        self.found
            .into_iter()
            .map(|(mut symbol, top_level)| {
                symbol.exported = top_level
                    && symbol.kind != SymbolKind::Method
                    && exported_locals.contains(&symbol.name);
                symbol
            })
            .collect()
    }
}
