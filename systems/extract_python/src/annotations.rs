//! The type an annotation names, read from its text (so string annotations read the same):
//!
//! - `T`, `mod.T`, `"T"`, `Foo[...]` (a generic class: its arguments dropped) → that name;
//! - `Optional[T]`, `Union[T, None]`, `T | None` (and `Union[str, T]`: built-in scalars left
//!   out), `Annotated[T, ...]`, `ClassVar[T]`,
//!   `Final[T]` → what `T` names;
//! - a collection of `T` (`List[T]`, `Sequence[T]`, `Iterable[T]`, `Iterator[T]`, `Set[T]`,
//!   `Tuple[T, ...]`, `Generator[T, ...]`, lower-case built-ins alike) → `[T]`, the name of an
//!   element type that [`crate::receivers`] declares as an object type whose member `[]` is `T`
//!   (what iterating or indexing it gives);
//! - `Any`, `object` and the built-in scalars (`str`, `int`, ...) → nothing;
//! - anything else (`Union` of several types, `Callable`, `Type[T]`, `Dict[K, V]`, a literal)
//!   → nothing.

/// Wrappers that stand for their first argument.
const TRANSPARENT: &[&str] = &["Optional", "Annotated", "ClassVar", "Final", "Required"];

/// Collections whose first argument is their element type.
const COLLECTIONS: &[&str] = &[
    "List",
    "list",
    "Sequence",
    "MutableSequence",
    "Iterable",
    "Iterator",
    "Collection",
    "Reversible",
    "Set",
    "set",
    "FrozenSet",
    "frozenset",
    "AbstractSet",
    "MutableSet",
    "Deque",
    "deque",
    "Generator",
    "AsyncIterator",
    "AsyncIterable",
    "AsyncGenerator",
];

/// Generics that name no class of their own.
const OPAQUE: &[&str] = &[
    "Union", "Callable", "Type", "type", "Dict", "dict", "Mapping", "Literal", "Tuple", "tuple",
];

/// Names that type nothing a receiver could be resolved through (they shadow, see
/// [`crate::types`]).
const UNTYPED: &[&str] = &[
    "Any", "object", "str", "int", "float", "bool", "bytes", "complex", "None",
];

/// How deeply nested an annotation is read.
const MAX_DEPTH: usize = 8;

/// The type name `text` (an annotation as written) stands for (see the module docs).
pub fn annotated(text: &str) -> Option<String> {
    read(text, 0)
}

fn read(text: &str, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let text = text.trim();
    let unquoted = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')));
    if let Some(inner) = unquoted {
        return read(inner, depth + 1);
    }
    let alternatives = split_top(text, '|');
    if alternatives.len() > 1 {
        return one_of(&alternatives, depth);
    }
    match text.split_once('[') {
        Some((head, rest)) => generic(head.trim(), rest.strip_suffix(']')?, depth),
        None => is_dotted_name(text).then(|| text.to_owned()),
    }
}

/// The only alternative that is not `None`, read.
fn one_of(alternatives: &[&str], depth: usize) -> Option<String> {
    let mut some = alternatives
        .iter()
        .filter(|a| !UNTYPED.contains(&a.trim().trim_matches(['"', '\''])));
    let (Some(only), None) = (some.next(), some.next()) else {
        return None;
    };
    read(only, depth + 1)
}

/// The type a module-level `X = <text>` declares when `<text>` is a typing construct
/// (`Union[..]`, `Optional[..]`, a collection, `A | B`), so `X` is a type alias of it.
pub fn alias_of(text: &str) -> Option<String> {
    let head = text.split_once('[').map(|(head, _)| head.trim());
    let last = head.map(|h| h.rsplit('.').next().unwrap_or(h));
    let typing =
        last.is_some_and(|l| l == "Union" || TRANSPARENT.contains(&l) || COLLECTIONS.contains(&l));
    (typing || split_top(text, '|').len() > 1)
        .then(|| annotated(text))
        .flatten()
}

/// `head[args]`.
fn generic(head: &str, args: &str, depth: usize) -> Option<String> {
    let last = head.rsplit('.').next().unwrap_or(head);
    let args = split_top(args, ',');
    if TRANSPARENT.contains(&last) {
        return read(args.first()?, depth + 1);
    }
    if last == "Union" {
        return one_of(&args, depth);
    }
    let homogeneous_tuple = matches!(last, "Tuple" | "tuple")
        && args.len() == 2
        && args.get(1).is_some_and(|a| a.trim() == "...");
    if COLLECTIONS.contains(&last) || homogeneous_tuple {
        return read(args.first()?, depth + 1).map(|t| format!("[{t}]"));
    }
    if OPAQUE.contains(&last) {
        return None;
    }
    is_dotted_name(head).then(|| head.to_owned())
}

/// `text` split at `sep` outside brackets.
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Whether `text` is a name or a dotted path of names (`T`, `mod.T`), not one of [`UNTYPED`].
fn is_dotted_name(text: &str) -> bool {
    !UNTYPED.contains(&text.rsplit('.').next().unwrap_or(text))
        && !text.is_empty()
        && text.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        })
}
