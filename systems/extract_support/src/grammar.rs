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

    /// Where the tables answer otherwise than the names would, under `root` (a plugin's tests
    /// expect none): a node of a grammar not in the tables, a kind, or a field of the plugin's.
    pub fn disagreements(&self, root: Node<'_>) -> Vec<String> {
        let mut found = Vec::new();
        let mut nodes = vec![root];
        while let Some(node) = nodes.pop() {
            if !self.knows(node) {
                found.push(format!("{}: not in the tables", node.kind()));
            }
            if self.kind(node) != node.kind() {
                found.push(format!("{}: kind read as {}", node.kind(), self.kind(node)));
            }
            for (i, name) in self.field_names.iter().enumerate() {
                if self.field(node, i) != node.child_by_field_name(name) {
                    found.push(format!("{}: field {name}", node.kind()));
                }
            }
            nodes.extend((0..node.child_count()).filter_map(|i| node.child(i)));
        }
        found
    }
}

/// Declares a plugin's syntax module: its `Field` enum (with `Field::NAMES`), the tables of its
/// grammars made at the first use, and the `Syntax` trait that reads kinds and fields of any
/// `tree_sitter::Node` through them (`node.kind_name()`, `node.field(Field::Name)`):
///
/// ```ignore
/// extract_support::syntax! {
///     languages: [tree_sitter_python::LANGUAGE.into()],
///     fields: { Left = "left", Name = "name" },
/// }
/// ```
#[macro_export]
macro_rules! syntax {
    (
        languages: [$($language:expr),* $(,)?],
        fields: { $($variant:ident = $field:literal),* $(,)? } $(,)?
    ) => {
        /// The fields this plugin reads.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Field {
            $(
                #[doc = concat!("`", $field, "`")]
                $variant
            ),*
        }

        impl Field {
            /// The field names, in the variants' order.
            pub const NAMES: &'static [&'static str] = &[$($field),*];
        }

        /// The tables of the plugin's grammars, made at the first use.
        fn grammars() -> &'static $crate::grammar::Grammars {
            static GRAMMARS: std::sync::OnceLock<$crate::grammar::Grammars> =
                std::sync::OnceLock::new();
            GRAMMARS.get_or_init(|| $crate::grammar::Grammars::new([$($language),*], Field::NAMES))
        }

        /// Kinds and fields by number.
        pub trait Syntax<'t> {
            /// `self.kind()`.
            fn kind_name(&self) -> &'t str;
            /// `self.child_by_field_name(field's name)`.
            fn field(&self, field: Field) -> Option<tree_sitter::Node<'t>>;
        }

        impl<'t> Syntax<'t> for tree_sitter::Node<'t> {
            fn kind_name(&self) -> &'t str {
                grammars().kind(*self)
            }

            fn field(&self, field: Field) -> Option<tree_sitter::Node<'t>> {
                grammars().field(*self, field as usize)
            }
        }
    };
}
