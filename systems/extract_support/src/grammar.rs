//! Node kinds and fields read by number.
//!
//! `Node::kind` reads the kind's name back through a C string (a length scan and a UTF-8 check
//! at every call) and `Node::child_by_field_name` compares the name against every field name of
//! the grammar. Extractors ask both many times for every node, so [`Grammars`] looks each
//! grammar's kind names and the plugin's field ids up once, and answers by number after that.
//!
//! A plugin keeps its [`Grammars`] in a `static` `OnceLock` (never a thread-local: its
//! destructor would keep the library mapped, see DESIGN.md). A node of a grammar the table does
//! not hold is answered the slow way, by name, so an answer never depends on the table.

use tree_sitter::{Language, Node};

/// One grammar's kind names by kind id, and the plugin's fields by their index.
struct Grammar {
    language: Language,
    kinds: Box<[Box<str>]>,
    /// The grammar's id of each of [`Grammars::field_names`]; 0 where it has no such field.
    fields: Box<[u16]>,
}

impl Grammar {
    fn new(language: Language, field_names: &[&str]) -> Self {
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                let id = u16::try_from(id).unwrap_or(u16::MAX);
                language.node_kind_for_id(id).unwrap_or_default().into()
            })
            .collect();
        let fields = field_names
            .iter()
            .map(|name| language.field_id_for_name(name).map_or(0, |id| id.get()))
            .collect();
        Grammar {
            language,
            kinds,
            fields,
        }
    }
}

/// The grammars of one extractor plugin, with the fields it reads.
pub struct Grammars {
    grammars: Box<[Grammar]>,
    field_names: &'static [&'static str],
}

impl Grammars {
    /// The tables of `languages`, for the fields named by `field_names` (a plugin's field index
    /// is the position of its name there).
    pub fn new(
        languages: impl IntoIterator<Item = Language>,
        field_names: &'static [&'static str],
    ) -> Self {
        let grammars = languages
            .into_iter()
            .map(|language| Grammar::new(language, field_names))
            .collect();
        Grammars {
            grammars,
            field_names,
        }
    }

    #[inline]
    fn of(&self, node: Node<'_>) -> Option<&Grammar> {
        let language = node.language();
        self.grammars.iter().find(|g| g.language == *language)
    }

    /// `node.kind()`, from the table.
    #[inline]
    pub fn kind<'a>(&'a self, node: Node<'a>) -> &'a str {
        let known = self
            .of(node)
            .and_then(|g| g.kinds.get(usize::from(node.kind_id())));
        match known {
            Some(name) => name,
            None => node.kind(),
        }
    }

    /// `node.child_by_field_name(field_names[field])`, by the field's id.
    ///
    /// # Panics
    ///
    /// When `field` is not an index of the field names the tables were made with.
    #[inline]
    pub fn field<'t>(&self, node: Node<'t>, field: usize) -> Option<Node<'t>> {
        match self.of(node).map(|g| g.fields[field]) {
            Some(0) => None,
            Some(id) => node.child_by_field_id(id),
            None => node.child_by_field_name(self.field_names[field]),
        }
    }

    /// Whether `node` is of a grammar in the tables (tests check that parsed trees are).
    pub fn knows(&self, node: Node<'_>) -> bool {
        self.of(node).is_some()
    }
}

/// Declares a plugin's field enum: `fields! { pub enum Field { Left = "left", .. } }` gives the
/// enum and `Field::NAMES`, the names in the variants' order (each variant's index into it is
/// `variant as usize`, as [`Grammars::field`] takes it).
#[macro_export]
macro_rules! fields {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident = $field:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name {
            $(
                #[doc = concat!("`", $field, "`")]
                $variant
            ),*
        }

        impl $name {
            /// The field names, in the variants' order.
            pub const NAMES: &'static [&'static str] = &[$($field),*];
        }
    };
}
