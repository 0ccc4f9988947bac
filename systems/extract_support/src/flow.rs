//! Values of variables within one file, looked up through nested scopes: the language-neutral
//! part of the receiver facts (issue 13). A plugin's walk records which scopes nest, which
//! names each scope binds and to what ([`Value`]); [`Env`] then answers what type a value has.
//!
//! A variable is looked up from the scope it is read in outward; the first of its bindings
//! there whose type is known wins. A name bound nowhere on that chain takes the type the file
//! gives that name everywhere else, when every typed binding of the name in the file agrees.
//! Nothing is guessed from a name.

use std::collections::HashMap;

use omnysys_api::facts::{ClassFacts, Field, TypePath};

/// How many variable hops a lookup follows (`a = b.c; b = d.e; ...`).
const MAX_HOPS: usize = 8;

/// How many enclosing scopes a lookup climbs (nesting deeper than this is pathological).
const MAX_SCOPES: usize = 64;

/// The value of an expression, variables not yet looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A type named in the file, then members.
    Type(TypePath),
    /// The variable `name` as seen from scope `scope`, then `members`.
    Var {
        /// The scope the variable is read in.
        scope: usize,
        /// The variable.
        name: String,
        /// Members read from it.
        members: Vec<String>,
    },
    /// Bound, but to nothing the file types (it shadows outer bindings of the name).
    Unknown,
}

impl Value {
    /// A type without members.
    pub fn named(base: String) -> Self {
        Value::Type(TypePath {
            base,
            members: Vec::new(),
            guessed: false,
        })
    }

    /// This value's `member`.
    #[must_use]
    pub fn member(mut self, member: String) -> Self {
        match &mut self {
            Value::Type(t) => t.members.push(member),
            Value::Var { members, .. } => members.push(member),
            Value::Unknown => {}
        }
        self
    }
}

/// A name bound in a scope to a value.
#[derive(Clone, Debug)]
pub struct Binding {
    /// Where it is bound.
    pub scope: usize,
    /// The name.
    pub name: String,
    /// What it holds.
    pub value: Value,
}

/// A class field assigned or declared with a value.
#[derive(Clone, Debug)]
pub struct FieldValue {
    /// Index of the class in the plugin's list of classes.
    pub class: usize,
    /// The field.
    pub name: String,
    /// Its value.
    pub value: Value,
    /// Whether the type was declared rather than inferred from the assigned value.
    pub declared: bool,
}

/// `classes` with their fields: per field, the first declared type, else the first assigned
/// value with a known type.
pub fn with_fields(
    classes: &[ClassFacts],
    fields: &[FieldValue],
    env: &Env<'_>,
) -> Vec<ClassFacts> {
    let mut out = classes.to_vec();
    for declared in [true, false] {
        for f in fields.iter().filter(|f| f.declared == declared) {
            let Some(class) = out.get_mut(f.class) else {
                continue;
            };
            if class.fields.iter().any(|x| x.name == f.name) {
                continue;
            }
            if let Some(ty) = env.resolve(&f.value) {
                class.fields.push(Field {
                    name: f.name.clone(),
                    ty,
                });
            }
        }
    }
    out
}

/// Variables by scope and by name, over the scopes' parent links.
pub struct Env<'c> {
    parents: &'c [Option<usize>],
    by_scope: HashMap<(usize, &'c str), Vec<&'c Value>>,
    by_name: HashMap<&'c str, Vec<&'c Value>>,
}

impl<'c> Env<'c> {
    /// The environment of `bindings`; `parents[s]` is the scope enclosing scope `s`.
    pub fn new(parents: &'c [Option<usize>], bindings: &'c [Binding]) -> Self {
        let mut by_scope: HashMap<(usize, &str), Vec<&Value>> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<&Value>> = HashMap::new();
        for b in bindings {
            by_scope
                .entry((b.scope, &b.name))
                .or_default()
                .push(&b.value);
            by_name.entry(&b.name).or_default().push(&b.value);
        }
        Env {
            parents,
            by_scope,
            by_name,
        }
    }

    /// The type `value` has, if the file says.
    pub fn resolve(&self, value: &Value) -> Option<TypePath> {
        self.resolve_at(value, 0)
    }

    fn resolve_at(&self, value: &Value, hops: usize) -> Option<TypePath> {
        match value {
            Value::Unknown => None,
            Value::Type(t) => Some(t.clone()),
            Value::Var { .. } if hops > MAX_HOPS => None,
            Value::Var {
                scope,
                name,
                members,
            } => {
                let mut ty = self.variable(*scope, name, hops)?;
                ty.members.extend(members.iter().cloned());
                Some(ty)
            }
        }
    }

    /// The type of the variable `name` read in `scope`.
    fn variable(&self, scope: usize, name: &str, hops: usize) -> Option<TypePath> {
        let mut at = Some(scope);
        for _ in 0..MAX_SCOPES {
            let Some(s) = at else {
                break;
            };
            if let Some(values) = self.by_scope.get(&(s, name)) {
                return values.iter().find_map(|v| self.resolve_at(v, hops + 1));
            }
            at = self.parents.get(s).copied().flatten();
        }
        let values = self.by_name.get(name)?;
        let mut types = values.iter().filter_map(|v| self.resolve_at(v, hops + 1));
        let first = types.next()?;
        types.all(|t| t == first).then_some(first)
    }
}
