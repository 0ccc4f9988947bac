//! What the tool plugins (`graph_tools`, `symbol_tools`) share, so that every tool caps,
//! pages and reports unknown symbols the same way. An rlib linked into each plugin, not a
//! plugin itself.
//!
//! - [`cap`]: lists a tool does not page are cut at [`MAX_ENTRIES`] with a `truncated` flag.
//! - [`paginate`]: lists that can be long are served a page at a time. A tool takes optional
//!   `cursor` and `limit` arguments and returns `nextCursor` while more remain (absent on the
//!   last page). A cursor is opaque to clients: the offset of the next entry, sealed with a
//!   checksum of the query it belongs to, so a garbled cursor, or one from another query, is an
//!   error naming `cursor` rather than a wrong page. Pages are cut from the same ordered list
//!   each time, so successive pages are disjoint and together complete, as long as the index
//!   does not change between calls (a cursor past the end of a list that shrank is an error).
//! - [`unknown_symbol`]: the not-found error for a symbol, with the file's closest names.
//! - [`check_name`]: names longer than [`MAX_NAME_CHARS`] are refused; errors quote client
//!   input [`shorten`]ed.
//! - [`Project`]: the read-only view of the World (files, facts, the import graph) and the
//!   path checks ("outside the project", unknown files with the closest paths).
//! - [`resolve`]: call resolution (names, bindings, typed receivers, inheritance) and the
//!   callers of a symbol, shared by `symbol_tools` and `graph_tools`.
//! - [`symbols`]: symbol look-ups by name and by export.
//! - [`testing`]: hand-built worlds and fact builders shared by the plugins' unit tests.

mod project;
mod python;
pub mod resolve;
pub mod symbols;
pub mod testing;

use omnysys_api::paths::closest;
use omnysys_api::prelude::*;

pub use omnysys_api::paths::shorten;

pub use project::Project;
pub use python::python_package;

/// The most entries in any list a tool returns in one answer.
pub const MAX_ENTRIES: usize = 200;

/// Cuts `items` to [`MAX_ENTRIES`]; the flag says whether anything was cut.
pub fn cap<T>(mut items: Vec<T>) -> (Vec<T>, bool) {
    let truncated = items.len() > MAX_ENTRIES;
    items.truncate(MAX_ENTRIES);
    (items, truncated)
}

/// What the client asked for: where to continue and how many entries at most.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageRequest<'a> {
    /// The `nextCursor` of the previous page, or `None` for the first page.
    pub cursor: Option<&'a str>,
    /// The most entries on the page, 1 to [`MAX_ENTRIES`]; the tool's default when `None`.
    pub limit: Option<u32>,
}

impl<'a> PageRequest<'a> {
    /// A request from a tool's `cursor` and `limit` arguments.
    pub fn new(cursor: Option<&'a str>, limit: Option<u32>) -> Self {
        PageRequest { cursor, limit }
    }
}

/// One page of a list.
#[derive(Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The entries of this page, in list order.
    pub items: Vec<T>,
    /// The cursor of the next page, `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The page of `items` that `request` asks for, `default_limit` entries when it names no
/// limit. `query` identifies the list (the tool and the arguments that decide its contents):
/// a cursor is only accepted by the query that issued it.
///
/// # Errors
///
/// Invalid arguments naming `limit` (outside 1 to [`MAX_ENTRIES`]) or `cursor` (garbled, from
/// another query, or past the end of the list).
pub fn paginate<T>(
    mut items: Vec<T>,
    request: PageRequest<'_>,
    query: &str,
    default_limit: usize,
) -> Result<Page<T>, ToolError> {
    let limit = match request.limit {
        None => default_limit.clamp(1, MAX_ENTRIES),
        Some(n) if (1..=MAX_ENTRIES).contains(&(n as usize)) => n as usize,
        Some(n) => {
            return Err(ToolError::invalid_arguments(format!(
                "`limit` must be between 1 and {MAX_ENTRIES}, not {n}"
            )));
        }
    };
    let start = match request.cursor {
        None => 0,
        Some(cursor) => open(cursor, query)?,
    };
    if start > 0 && start >= items.len() {
        return Err(ToolError::invalid_arguments(format!(
            "`cursor` points past the end of the {} results (the index changed since): ask again without it",
            items.len()
        )));
    }
    let end = items.len().min(start + limit);
    let next_cursor = (end < items.len()).then(|| seal(end, query));
    items.truncate(end);
    items.drain(..start);
    Ok(Page { items, next_cursor })
}

/// The cursor for the entry at `offset` of the list `query`.
fn seal(offset: usize, query: &str) -> String {
    format!("{offset:x}-{:016x}", checksum(offset, query))
}

/// The offset a cursor holds, when it is one [`seal`] made for `query`.
fn open(cursor: &str, query: &str) -> Result<usize, ToolError> {
    let offset = cursor.split_once('-').and_then(|(offset, check)| {
        let offset = usize::from_str_radix(offset, 16).ok()?;
        let sealed = u64::from_str_radix(check, 16).ok()? == checksum(offset, query);
        (sealed && check.len() == 16).then_some(offset)
    });
    offset.ok_or_else(|| {
        ToolError::invalid_arguments(format!(
            "`cursor` `{}` is not a cursor this query returned: pass the `nextCursor` of the previous page unchanged, with the same arguments",
            shorten(cursor)
        ))
    })
}

/// FNV-1a over the query and the offset: not a secret, a seal against typos and mix-ups.
fn checksum(offset: usize, query: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in query.bytes().chain(offset.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The error for a symbol `file` neither defines nor exports, with its closest names.
pub fn unknown_symbol(facts: &FileFacts, file: &str, name: &str) -> ToolError {
    let mut names: Vec<&str> = facts.symbols.iter().map(|s| s.name.as_str()).collect();
    names.extend(facts.exports.iter().map(|e| e.name.as_str()));
    names.sort_unstable();
    names.dedup();
    ToolError::not_found(
        format!("no symbol `{}` in `{file}`", shorten(name)),
        closest(name, names),
    )
}

/// The longest symbol name (or name query) a tool takes, in characters; the tools' schemas say
/// the same (`maxLength`).
pub const MAX_NAME_CHARS: usize = 512;

/// Refuses a name argument longer than [`MAX_NAME_CHARS`]: no symbol is named so, and looking
/// for one (or for names close to it) would only cost time.
///
/// # Errors
///
/// Invalid arguments naming `argument` and quoting the start of the name.
pub fn check_name(argument: &str, name: &str) -> Result<(), ToolError> {
    let chars = name.chars().count();
    if chars <= MAX_NAME_CHARS {
        return Ok(());
    }
    Err(ToolError::invalid_arguments(format!(
        "`{argument}` has {chars} characters, more than the {MAX_NAME_CHARS} allowed: `{}`",
        shorten(name)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnysys_api::tool::ToolErrorKind;

    #[test]
    fn names_longer_than_the_bound_are_refused_quoting_only_their_start() {
        assert!(check_name("symbolName", &"x".repeat(MAX_NAME_CHARS)).is_ok());
        let e = check_name("symbolName", &"x".repeat(1 << 20)).unwrap_err();
        assert_eq!(e.kind, ToolErrorKind::InvalidArguments);
        assert!(e.message.starts_with("`symbolName` has 1048576 characters"));
        assert!(e.message.len() < 200, "{}", e.message);
    }

    #[test]
    fn unknown_symbols_and_garbled_cursors_are_quoted_short() {
        let facts = crate::testing::facts(vec![], vec![], vec![], vec![], 1);
        let e = unknown_symbol(&facts, "a.js", &"é".repeat(300));
        assert!(e.message.len() < 200, "{}", e.message);
        let e = paginate(
            vec![1],
            PageRequest::new(Some(&"c".repeat(5000)), None),
            "q",
            9,
        );
        assert!(e.unwrap_err().message.len() < 300);
    }

    #[test]
    fn pages_are_disjoint_ordered_and_complete() {
        let items: Vec<u32> = (0..7).collect();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = paginate(
                items.clone(),
                PageRequest::new(cursor.as_deref(), Some(3)),
                "q",
                200,
            )
            .unwrap();
            assert!(page.items.len() <= 3);
            seen.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, items);
    }

    #[test]
    fn the_default_limit_applies_and_a_short_list_has_no_next_cursor() {
        let page = paginate(
            (0..5).collect::<Vec<u32>>(),
            PageRequest::new(None, None),
            "q",
            2,
        )
        .unwrap();
        assert_eq!(page.items, vec![0, 1]);
        assert!(page.next_cursor.is_some());
        let page = paginate(vec![1, 2], PageRequest::new(None, None), "q", 200).unwrap();
        assert_eq!((page.items, page.next_cursor), (vec![1, 2], None));
        let empty = paginate(Vec::<u8>::new(), PageRequest::new(None, None), "q", 200).unwrap();
        assert_eq!((empty.items, empty.next_cursor), (vec![], None));
    }

    #[test]
    fn bad_cursors_and_limits_are_errors_naming_the_argument() {
        let items: Vec<u32> = (0..10).collect();
        let next = paginate(items.clone(), PageRequest::new(None, Some(4)), "q", 200)
            .unwrap()
            .next_cursor
            .unwrap();
        for bad in [
            "",
            "garbage",
            "4",
            "4-",
            &next[..next.len() - 1],
            &next.replace('4', "5"),
        ] {
            let e =
                paginate(items.clone(), PageRequest::new(Some(bad), None), "q", 200).unwrap_err();
            assert_eq!(e.kind, ToolErrorKind::InvalidArguments, "{bad}");
            assert!(e.message.starts_with("`cursor`"), "{bad}: {}", e.message);
        }
        let other = paginate(
            items.clone(),
            PageRequest::new(Some(&next), None),
            "other",
            200,
        );
        assert!(other.unwrap_err().message.starts_with("`cursor`"));
        let shrunk = paginate(vec![1, 2], PageRequest::new(Some(&next), None), "q", 200);
        assert!(shrunk.unwrap_err().message.contains("past the end"));
        for limit in [0, 201] {
            let e =
                paginate(items.clone(), PageRequest::new(None, Some(limit)), "q", 200).unwrap_err();
            assert!(
                e.message.starts_with("`limit` must be between 1 and 200"),
                "{}",
                e.message
            );
        }
    }
}
