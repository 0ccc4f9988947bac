//! The project view, pages and shared errors, and the symbol look-ups every tool of this plugin
//! shares (all from the `tool_support` rlib, re-exported here).

pub use tool_support::symbols::{defines, exported_as, find_symbol, short_name, symbols_named};
pub use tool_support::{MAX_ENTRIES, Page, PageRequest, Project, cap, paginate, unknown_symbol};
