//! Value uses of module-level names, and the functions that rebind them.

use omnysys_api::facts::{Shadow, ValueRef};

use super::facts;
use super::receivers::ty;

/// A value use.
fn value(name: &str, line: u32, caller: Option<&str>) -> ValueRef {
    ValueRef {
        name: name.to_owned(),
        line,
        caller: caller.map(str::to_owned),
        receiver: None,
    }
}

/// `value` read through an object of the type `base` then `members`.
fn through(value: ValueRef, base: &str, members: &[&str]) -> ValueRef {
    ValueRef {
        receiver: Some(ty(base, members)),
        ..value
    }
}

#[test]
fn functions_and_imports_used_without_a_call_are_value_uses() {
    let f = facts(
        "from .cells import cell_len\n\
         def inspect(): pass\n\
         def size(): pass\n\
         _cell_len = cell_len\n\
         def check(obj):\n\
        \x20   is_it = obj is inspect\n\
        \x20   sort(key=size)\n\
        \x20   return [size, cell_len(obj)]\n",
    );
    assert_eq!(
        f.references,
        vec![
            value("cell_len", 4, None),
            value("inspect", 6, Some("check")),
            value("size", 7, Some("check")),
            value("size", 8, Some("check")),
        ]
    );
}

#[test]
fn a_decorator_written_without_a_call_is_a_value_use_and_one_with_a_call_is_a_call() {
    let f = facts(
        "from .repr import rich_repr, auto\n\
         @rich_repr\n\
         class Color: pass\n\
         @auto(angular=True)\n\
         class Box: pass\n",
    );
    assert_eq!(f.references, vec![value("rich_repr", 2, None)]);
    assert!(f.calls.iter().any(|c| c.callee == "auto" && c.line == 4));
}

#[test]
fn an_overload_signature_names_the_function_it_declares_and_a_plain_decorator_does_not() {
    let f = facts(
        "from typing import overload\n\
         import typing\n\
         @overload\n\
         def auto(cls: int) -> int: ...\n\
         @typing.overload\n\
         def auto(*, angular: bool) -> str: ...\n\
         def auto(cls=None, *, angular=None): pass\n\
         class Text:\n\
        \x20   @overload\n\
        \x20   def split(self, sep: str) -> list: ...\n\
        \x20   def split(self, sep=None): pass\n\
        \x20   @staticmethod\n\
        \x20   def join(): pass\n",
    );
    assert_eq!(
        f.references,
        vec![
            value("overload", 3, None),
            value("auto", 4, Some("auto")),
            value("auto", 6, Some("auto")),
            value("overload", 9, Some("Text")),
            value("Text.split", 10, Some("Text.split")),
        ]
    );
}

#[test]
fn class_attributes_read_without_a_call_are_value_uses_and_untyped_instance_reads_are_not() {
    let f = facts(
        "from .color import Color\n\
         class Theme:\n\
        \x20   def get(self): pass\n\
         def parse(theme):\n\
        \x20   from_rgb = Color.from_rgb\n\
        \x20   get = Theme.get\n\
        \x20   style = theme.get\n",
    );
    assert_eq!(
        f.references,
        vec![
            through(value("Color.from_rgb", 5, Some("parse")), "Color", &[]),
            through(value("Theme.get", 6, Some("parse")), "Theme", &[]),
        ]
    );
}

#[test]
fn methods_read_through_a_typed_object_are_value_uses_with_its_receiver() {
    let f = facts(
        "from .theme import SyntaxTheme\n\
         class Syntax:\n\
        \x20   def __init__(self, theme: SyntaxTheme):\n\
        \x20       self._theme = theme\n\
        \x20   def highlight(self):\n\
        \x20       get = self._theme.get_style\n\
        \x20       register(callback=self.highlight)\n\
        \x20       return self._theme.get_style(1)\n\
         def render(theme: SyntaxTheme, other):\n\
        \x20   use(theme.get_style, other.get_style)\n\
        \x20   return {\"k\": [theme.background]}\n",
    );
    assert_eq!(
        f.references,
        vec![
            through(
                value("self._theme.get_style", 6, Some("Syntax.highlight")),
                "Syntax",
                &["_theme"],
            ),
            through(
                value("self.highlight", 7, Some("Syntax.highlight")),
                "Syntax",
                &[],
            ),
            through(
                value("theme.get_style", 10, Some("render")),
                "SyntaxTheme",
                &[]
            ),
            through(
                value("theme.background", 11, Some("render")),
                "SyntaxTheme",
                &[]
            ),
        ]
    );
}

#[test]
fn assignment_targets_callees_and_unbound_names_are_not_value_uses() {
    let f = facts(
        "def size(): pass\n\
         size = size()\n\
         x = unknown\n\
         print(size.__name__)\n",
    );
    assert!(f.references.is_empty(), "{:?}", f.references);
}

#[test]
fn a_parameter_or_local_of_the_same_name_shadows_the_module_binding() {
    let f = facts(
        "from .cells import cell_len\n\
         def size(): pass\n\
         def measure(cell_len):\n\
        \x20   return cell_len\n\
         def local():\n\
        \x20   size = 3\n\
        \x20   return size\n\
         def other():\n\
        \x20   return size\n",
    );
    assert_eq!(f.references, vec![value("size", 9, Some("other"))]);
    assert_eq!(
        f.shadows,
        vec![
            Shadow {
                name: "cell_len".to_owned(),
                start_line: 3,
                end_line: 4,
            },
            Shadow {
                name: "size".to_owned(),
                start_line: 5,
                end_line: 7,
            },
        ]
    );
}

#[test]
fn nested_definitions_are_not_module_bindings_and_class_bodies_do_not_shadow() {
    let f = facts(
        "def outer():\n\
        \x20   def inner(): pass\n\
        \x20   return inner\n\
         def run(): pass\n\
         class C:\n\
        \x20   run = run\n\
        \x20   def m(self):\n\
        \x20       return run\n",
    );
    assert_eq!(
        f.references,
        vec![value("run", 6, Some("C")), value("run", 8, Some("C.m"))]
    );
}
