//! Type facts: receivers of calls, classes with bases and fields, return types, element types.

use omnysys_api::facts::{CallSite, ClassFacts, Field, FileFacts, TypeAlias, TypePath};

use super::facts;

/// A type path value.
pub(super) fn ty(base: &str, members: &[&str]) -> TypePath {
    TypePath {
        base: base.to_owned(),
        members: members.iter().map(|m| (*m).to_owned()).collect(),
        guessed: false,
    }
}

/// `call` with the receiver `base`, as the file types it.
pub(super) fn on(call: CallSite, base: &str) -> CallSite {
    CallSite {
        receiver: Some(ty(base, &[])),
        ..call
    }
}

/// The receiver of the call of `callee` on `line`.
fn receiver(f: &FileFacts, callee: &str, line: u32) -> Option<TypePath> {
    f.calls
        .iter()
        .find(|c| c.callee == callee && c.line == line)
        .unwrap_or_else(|| panic!("no call of {callee} on {line} in {:#?}", f.calls))
        .receiver
        .clone()
}

/// The type facts of the class `name`.
fn class<'f>(f: &'f FileFacts, name: &str) -> &'f ClassFacts {
    f.classes
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no class {name} in {:#?}", f.classes))
}

/// A field value.
fn field(name: &str, ty: TypePath) -> Field {
    Field {
        name: name.to_owned(),
        ty,
    }
}

const MODULE: &str = r#"from typing import TYPE_CHECKING, List, Optional
from .segment import Segment as _Segment
if TYPE_CHECKING:
    from .console import Console
from .progress import Progress
class Live(Base):
    theme: "Theme"
    def __init__(self, console: Optional["Console"] = None) -> None:
        self.console = console
        self._lines: List[Text] = []
        self.buffer = Buffer()
    def start(self) -> "Live":
        self.console.print("x")
        self.refresh()
        super().stop()
        for line in self._lines:
            line.render()
        with Progress() as progress:
            progress.update(1)
        _Segment.line()
        return self
    @classmethod
    def make(cls) -> "Live":
        return cls.parse()

def run(console: "Console | None", n: int):
    live = Live(console)
    live.start().stop()
    n.bit_length()
"#;

#[test]
fn annotated_parameters_and_self_fields_type_method_calls() {
    let f = facts(MODULE);
    assert_eq!(
        receiver(&f, "self.console.print", 13),
        Some(ty("Live", &["console"]))
    );
    assert_eq!(
        class(&f, "Live").fields.first(),
        Some(&field("theme", ty("Theme", &[])))
    );
    assert!(
        class(&f, "Live")
            .fields
            .contains(&field("console", ty("Console", &[])))
    );
    assert_eq!(receiver(&f, "n.bit_length", 29), None);
}

#[test]
fn self_cls_and_super_are_the_class_and_its_first_base() {
    let f = facts(MODULE);
    assert_eq!(class(&f, "Live").bases, vec!["Base".to_owned()]);
    assert_eq!(receiver(&f, "self.refresh", 14), Some(ty("Live", &[])));
    assert_eq!(receiver(&f, "super().stop", 15), Some(ty("Base", &[])));
    assert_eq!(receiver(&f, "cls.parse", 24), Some(ty("Live", &[])));
}

#[test]
fn constructions_returns_loops_and_with_items_type_locals() {
    let f = facts(MODULE);
    assert_eq!(
        receiver(&f, "live.start().stop", 28),
        Some(ty("Live", &["()", "start()"]))
    );
    assert_eq!(
        receiver(&f, "line.render", 17),
        Some(ty("Live", &["_lines", "[]"]))
    );
    assert_eq!(
        receiver(&f, "progress.update", 19),
        Some(ty("Progress", &["()", "__enter__()"]))
    );
    assert_eq!(receiver(&f, "_Segment.line", 20), Some(ty("Segment", &[])));
    let start = f.symbols.iter().find(|s| s.name == "Live.start");
    assert_eq!(start.and_then(|s| s.returns.clone()), Some(ty("Live", &[])));
}

#[test]
fn collections_are_element_types_whose_member_is_the_element() {
    let f = facts(MODULE);
    assert_eq!(
        f.types,
        vec![TypeAlias {
            name: "[Text]".to_owned(),
            fields: vec![field("[]", ty("Text", &[]))],
            line: 10,
            ..TypeAlias::default()
        }]
    );
}

#[test]
fn named_tuple_fields_are_positional_members_and_iterators_give_elements() {
    let f = facts(
        "class Seg(NamedTuple):\n    text: str\n    style: Optional[Style] = None\n\
         class Lines:\n    def __iter__(self) -> Iterator[\"Text\"]:\n        pass\n\
         def f(buffer: Iterable[Seg], lines: Lines):\n\
         \x20   for text, style in buffer:\n        style.render()\n\
         \x20   for line in lines:\n        line.split()\n",
    );
    assert!(
        class(&f, "Seg")
            .fields
            .contains(&field("[1]", ty("Style", &[])))
    );
    assert_eq!(
        class(&f, "Lines").fields,
        vec![field("[]", ty("[Text]", &["[]"]))]
    );
    assert_eq!(
        receiver(&f, "style.render", 9),
        Some(ty("[Seg]", &["[]", "[1]"]))
    );
    assert_eq!(receiver(&f, "line.split", 11), Some(ty("Lines", &["[]"])));
}

#[test]
fn unannotated_and_untyped_parameters_shadow_outer_names() {
    let f = facts(
        "from .console import Console\n\
         console = Console()\n\
         def f(console, value: Any):\n    console.print()\n    value.render()\n\
         def g():\n    console.print()\n",
    );
    assert_eq!(receiver(&f, "console.print", 4), None);
    assert_eq!(receiver(&f, "value.render", 5), None);
    assert_eq!(
        receiver(&f, "console.print", 7),
        Some(ty("Console", &["()"]))
    );
}

#[test]
fn module_level_typing_constructs_are_type_aliases() {
    let f = facts(
        "TextType = Union[str, \"Text\"]\nLines = List[Text]\nlimit = sizes[0]\n\
         class A:\n    B = Optional[int]\n",
    );
    let alias = |name: &str, target: &str, line| TypeAlias {
        name: name.to_owned(),
        targets: vec![target.to_owned()],
        line,
        ..TypeAlias::default()
    };
    assert_eq!(f.types.first(), Some(&alias("TextType", "Text", 1)));
    assert_eq!(f.types.get(1), Some(&alias("Lines", "[Text]", 2)));
    assert_eq!(
        f.types.len(),
        3,
        "and the element type [Text]: {:#?}",
        f.types
    );
}

#[test]
fn an_isinstance_test_narrows_the_variable_in_its_branch_only() {
    let f = facts(
        "from .text import Text\n\
         import rich.segment\n\
         def render(obj: Renderable):\n\
        \x20   if isinstance(obj, Text):\n\
        \x20       obj.highlight()\n\
        \x20   elif isinstance(obj, rich.segment.Segment):\n\
        \x20       obj.split()\n\
        \x20   else:\n\
        \x20       obj.render()\n\
        \x20   obj.after()\n",
    );
    assert_eq!(receiver(&f, "obj.highlight", 5), Some(ty("Text", &[])));
    assert_eq!(
        receiver(&f, "obj.split", 7),
        Some(ty("rich.segment.Segment", &[]))
    );
    assert_eq!(receiver(&f, "obj.render", 9), Some(ty("Renderable", &[])));
    assert_eq!(receiver(&f, "obj.after", 10), Some(ty("Renderable", &[])));
}
