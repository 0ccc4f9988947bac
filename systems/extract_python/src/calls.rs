//! Call sites: every `call` whose callee is an identifier or an attribute path.
//!
//! The callee is the path as written ([`crate::names::path`]): `foo`, `self.bar`, `os.path.join`,
//! `super().__init__`, `items[0].run`. Callees that are not paths (`(lambda: 1)()`,
//! `(f or g)()`) are left out. Decorators with arguments (`@app.route("/")`) are calls made
//! where the decorated definition is (module level for a module-level function). The caller is
//! the innermost enclosing definition (a function, a method `Class.method`, or a class for
//! calls in a class body), `None` at module level; the line is where the callee ends, so each
//! link of a multi-line chain gets its own line.

use extract_support::chain::Paths;
use extract_support::facts::push_call;
use omnysys_api::facts::{CallSite, Symbol};
use tree_sitter::Node;

use crate::parse::Source;
use crate::syntax::{Field, Syntax};

/// Records the call `node` makes, if it is a call (its callee named by `paths`).
pub fn visit<'t>(
    node: Node<'t>,
    enclosing: Option<&Symbol>,
    paths: &mut Paths<'t, '_>,
    _src: Source<'_>,
    out: &mut Vec<CallSite>,
) {
    if node.kind_name() != "call" {
        return;
    }
    let Some(callee) = node.field(Field::Function) else {
        return;
    };
    push_call(callee, enclosing, paths, out);
}
