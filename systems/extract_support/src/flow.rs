//! Values of variables within one file, looked up through nested scopes: the language-neutral
//! part of the receiver facts (issue 13). A plugin's walk records which scopes nest, which
//! names each scope binds and to what ([`Value`]); [`Env`] then answers what type a value has.
//!
//! A variable is looked up from the scope it is read in outward; the first of its bindings
//! there whose type is known wins. A name bound nowhere on that chain takes the type the file
//! gives that name everywhere else, when every typed binding of the name in the file agrees.
//! Nothing is guessed from a name.

use std::cell::Cell;
use std::collections::HashMap;

use omnysys_api::facts::{ClassFacts, Field, TypePath};

/// How many variable hops a lookup follows (`a = b.c; b = d.e; ...`).
const MAX_HOPS: usize = 8;

/// How many variable lookups resolving one value may make (bindings that read other names
/// bound in many places could otherwise branch at every hop).
const MAX_STEPS: usize = 64;

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
    /// Variable lookups made for the value being resolved.
    steps: Cell<usize>,
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
            steps: Cell::new(0),
        }
    }

    /// The type `value` has, if the file says.
    pub fn resolve(&self, value: &Value) -> Option<TypePath> {
        self.steps.set(0);
        self.resolve_at(value, &mut Vec::new())
    }

    /// Counts one variable lookup; false once [`MAX_STEPS`] were made for one value.
    fn step(&self) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        steps <= MAX_STEPS
    }

    /// [`Env::resolve`]; `visiting`: the variables being looked up (a binding that reads the
    /// variable it binds, `x = x.m()`, gives nothing rather than going round).
    fn resolve_at<'v>(
        &'v self,
        value: &'v Value,
        visiting: &mut Vec<(usize, &'v str)>,
    ) -> Option<TypePath> {
        match value {
            Value::Unknown => None,
            Value::Type(t) => Some(t.clone()),
            Value::Var { .. } if visiting.len() > MAX_HOPS || !self.step() => None,
            Value::Var {
                scope,
                name,
                members,
            } => {
                let mut ty = self.variable(*scope, name, visiting)?;
                ty.members.extend(members.iter().cloned());
                Some(ty)
            }
        }
    }

    /// The type of the variable `name` read in `scope`.
    fn variable<'v>(
        &'v self,
        scope: usize,
        name: &'v str,
        visiting: &mut Vec<(usize, &'v str)>,
    ) -> Option<TypePath> {
        let mut at = Some(scope);
        for _ in 0..MAX_SCOPES {
            let Some(s) = at else {
                break;
            };
            if let Some(values) = self.by_scope.get(&(s, name)) {
                return self.first_typed((s, name), values, visiting);
            }
            at = self.parents.get(s).copied().flatten();
        }
        let values = self.by_name.get(name)?;
        let everywhere = (usize::MAX, name);
        if visiting.contains(&everywhere) {
            return None;
        }
        visiting.push(everywhere);
        let mut first: Option<TypePath> = None;
        let mut agree = true;
        for value in values {
            match (self.resolve_at(value, visiting), &first) {
                (Some(t), None) => first = Some(t),
                (Some(t), Some(f)) if t != *f => agree = false,
                _ => {}
            }
            if !agree {
                break;
            }
        }
        visiting.pop();
        first.filter(|_| agree)
    }

    /// The type of the first of `values` (the bindings of `variable`) that has one.
    fn first_typed<'v>(
        &'v self,
        variable: (usize, &'v str),
        values: &[&'v Value],
        visiting: &mut Vec<(usize, &'v str)>,
    ) -> Option<TypePath> {
        if visiting.contains(&variable) {
            return None;
        }
        visiting.push(variable);
        let found = values.iter().find_map(|v| self.resolve_at(v, visiting));
        visiting.pop();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binding of `name` in `scope`.
    fn bind(scope: usize, name: &str, value: Value) -> Binding {
        Binding {
            scope,
            name: name.to_owned(),
            value,
        }
    }

    /// The variable `name` read in `scope`, then `members`.
    fn var(scope: usize, name: &str, members: &[&str]) -> Value {
        Value::Var {
            scope,
            name: name.to_owned(),
            members: members.iter().map(|m| (*m).to_owned()).collect(),
        }
    }

    /// The type `base` then `members`.
    fn ty(base: &str, members: &[&str]) -> TypePath {
        TypePath {
            base: base.to_owned(),
            members: members.iter().map(|m| (*m).to_owned()).collect(),
            guessed: false,
        }
    }

    #[test]
    fn a_variable_is_looked_up_outward_and_an_unknown_binding_shadows() {
        // Scope 0 (module) holds scopes 1 and 2.
        let parents = [None, Some(0), Some(0)];
        let bindings = vec![
            bind(0, "c", Value::named("Console".to_owned())),
            bind(1, "c", Value::Unknown),
            bind(2, "d", var(2, "c", &["file"])),
        ];
        let env = Env::new(&parents, &bindings);
        assert_eq!(env.resolve(&var(1, "c", &["print()"])), None);
        assert_eq!(
            env.resolve(&var(2, "d", &["write()"])),
            Some(ty("Console", &["file", "write()"]))
        );
    }

    #[test]
    fn an_unbound_name_takes_the_files_type_only_when_every_binding_agrees() {
        let parents = [None, Some(0), Some(0), Some(0)];
        let agree = vec![
            bind(1, "t", Value::named("Text".to_owned())),
            bind(2, "t", Value::named("Text".to_owned())),
        ];
        let env = Env::new(&parents, &agree);
        assert_eq!(env.resolve(&var(3, "t", &[])), Some(ty("Text", &[])));
        let disagree = vec![
            bind(1, "t", Value::named("Text".to_owned())),
            bind(2, "t", Value::named("Style".to_owned())),
        ];
        let env = Env::new(&parents, &disagree);
        assert_eq!(env.resolve(&var(3, "t", &[])), None);
    }

    #[test]
    fn a_self_referencing_binding_ends_and_the_next_typed_one_wins() {
        let parents = [None];
        let bindings = vec![
            bind(0, "x", var(0, "x", &["m()"])),
            bind(0, "x", Value::named("Text".to_owned())),
        ];
        let env = Env::new(&parents, &bindings);
        assert_eq!(env.resolve(&var(0, "x", &[])), Some(ty("Text", &[])));
    }

    #[test]
    fn names_bound_to_each_other_in_many_scopes_end_within_the_step_bound() {
        // Eight names in a cycle (n0 = n1, n1 = n2, ..., n7 = n0), each bound in twenty
        // functions: unbounded, a lookup would branch twenty ways at every hop.
        let names: Vec<String> = (0..8).map(|i| format!("n{i}")).collect();
        let mut parents = vec![None];
        let mut bindings = Vec::new();
        for _ in 0..20 {
            for (i, name) in names.iter().enumerate() {
                parents.push(Some(0));
                let scope = parents.len() - 1;
                let next = &names[(i + 1) % names.len()];
                bindings.push(bind(scope, name, var(scope, next, &[])));
            }
        }
        let env = Env::new(&parents, &bindings);
        assert_eq!(env.resolve(&var(0, "n0", &[])), None);
    }
}
