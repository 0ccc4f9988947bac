//! Call sites: every call and `new` expression whose callee is an identifier or a member path.
//!
//! The callee is the path as written ([`crate::names::path`]): `foo`, `obj.method`, `this.enable`,
//! `a.b.c`, `fetch().then`. `require(...)` and `import(...)` are imports, not calls; callees
//! that are not paths (an immediately invoked function, `(0, f)()`) are left out. The caller is
//! the innermost enclosing definition, `None` at module level; the line is where the callee
//! ends, so each link of a multi-line chain gets its own line.

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
    src: Source<'_>,
    out: &mut Vec<CallSite>,
) {
    if let Some(callee) = callee(node, src) {
        push_call(callee, enclosing, paths, out);
    }
}

/// The callee of a call or `new` expression that is a call site: not `require(...)` nor
/// `import(...)`.
pub fn callee<'t>(node: Node<'t>, src: Source<'_>) -> Option<Node<'t>> {
    let callee = match node.kind_name() {
        "call_expression" => node.field(Field::Function),
        "new_expression" => node.field(Field::Constructor),
        _ => None,
    }?;
    let import = callee.kind_name() == "import"
        || (callee.kind_name() == "identifier" && src.text(callee) == "require");
    (!import).then_some(callee)
}
