//! Turns what [`crate::types`] collected into facts: call receivers, class fields, return
//! types and type aliases.
//!
//! A variable is looked up from the scope it is read in outward; a variable bound nowhere on
//! that chain (an untyped callback parameter, say) takes the type the file gives that name
//! everywhere else, when every typed binding of the name in the file agrees; a name bound
//! nowhere that starts with a capital letter is read as a class (`ChunkGraph.forChunk()`), and
//! one that starts with a small letter is guessed to hold an instance of the class named like
//! it (`chunkGraph` → `ChunkGraph`, marked [`TypePath::guessed`]).

use std::collections::{BTreeSet, HashMap};

use omnysys_api::facts::{ClassFacts, Field, FileFacts, TypePath};

use crate::typedefs;
use crate::types::Collected;
use crate::values::Value;

/// How many variable hops a lookup follows (`a = b.c; b = d.e; ...`).
const MAX_HOPS: usize = 8;

/// How many enclosing scopes a lookup climbs (nesting deeper than this is pathological).
const MAX_SCOPES: usize = 64;

/// Adds the type facts `c` holds to `facts` (whose calls come from the same tree).
pub fn apply(c: &Collected, facts: &mut FileFacts) {
    let env = Env::new(c);
    if c.calls.len() == facts.calls.len() {
        for (call, (line, value)) in facts.calls.iter_mut().zip(&c.calls) {
            if call.line == *line {
                call.receiver = value.as_ref().and_then(|v| env.resolve(v, 0));
            }
        }
    }
    facts.classes = classes(c, &env);
    for (name, ty) in &c.returns {
        if let Some(symbol) = facts.symbols.iter_mut().find(|s| s.name == *name) {
            symbol.returns = Some(TypePath {
                base: ty.clone(),
                members: Vec::new(),
                guessed: false,
            });
        }
    }
    facts.types = c.aliases.clone();
    add_inline_aliases(facts);
}

/// Variables by scope and by name.
struct Env<'c> {
    c: &'c Collected,
    by_scope: HashMap<(usize, &'c str), Vec<&'c Value>>,
    by_name: HashMap<&'c str, Vec<&'c Value>>,
}

impl<'c> Env<'c> {
    fn new(c: &'c Collected) -> Self {
        let mut by_scope: HashMap<(usize, &str), Vec<&Value>> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<&Value>> = HashMap::new();
        for b in &c.bindings {
            by_scope
                .entry((b.scope, &b.name))
                .or_default()
                .push(&b.value);
            by_name.entry(&b.name).or_default().push(&b.value);
        }
        Env {
            c,
            by_scope,
            by_name,
        }
    }

    /// The type `value` has, if the file says.
    fn resolve(&self, value: &Value, hops: usize) -> Option<TypePath> {
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
                let found = values.iter().find_map(|v| self.resolve(v, hops + 1));
                return found.map(|ty| guess_own_name(ty, name));
            }
            at = self.c.scopes.get(s).and_then(|s| s.parent);
        }
        if let Some(values) = self.by_name.get(name) {
            let mut types = values.iter().filter_map(|v| self.resolve(v, hops + 1));
            let first = types.next()?;
            return types.all(|t| t == first).then_some(first);
        }
        let capitalised = name.starts_with(|c: char| c.is_ascii_uppercase()) && is_identifier(name);
        let class = || TypePath {
            base: name.to_owned(),
            members: Vec::new(),
            guessed: false,
        };
        if capitalised {
            Some(class())
        } else {
            guess(name)
        }
    }
}

/// `true` for a plain identifier (ASCII letters, digits, `_`, `$`).
fn is_identifier(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `ty`, unless it is guessed and ends with a member named like the variable (`{ chunkGraph } =
/// context` with `context` untyped: `Context` then `chunkGraph`, where `Context` may name no
/// class): then the guess from the variable's own name (`ChunkGraph`) is the nearer one.
fn guess_own_name(ty: TypePath, name: &str) -> TypePath {
    if !ty.guessed || ty.members.last().is_none_or(|m| m != name) {
        return ty;
    }
    guess(name).unwrap_or(ty)
}

/// The class a variable named `name` is guessed to hold: `ChunkGraph` for `chunkGraph`.
fn guess(name: &str) -> Option<TypePath> {
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_lowercase() && is_identifier(name)).then(|| TypePath {
        base: format!("{}{}", first.to_ascii_uppercase(), chars.as_str()),
        members: Vec::new(),
        guessed: true,
    })
}

/// The classes with their fields: per field, the first declared type, else the first
/// assigned value with a known type.
fn classes(c: &Collected, env: &Env<'_>) -> Vec<ClassFacts> {
    let mut out = c.classes.clone();
    for declared in [true, false] {
        for f in c.fields.iter().filter(|f| f.declared == declared) {
            let class = &mut out[f.class];
            if class.fields.iter().any(|x| x.name == f.name) {
                continue;
            }
            if let Some(ty) = env.resolve(&f.value, 0) {
                class.fields.push(Field {
                    name: f.name.clone(),
                    ty,
                });
            }
        }
    }
    out
}

/// Declares the inline `import("./x").Y` types the facts use as aliases named by their text.
fn add_inline_aliases(facts: &mut FileFacts) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let receivers = facts.calls.iter().filter_map(|c| c.receiver.as_ref());
    let fields = facts
        .classes
        .iter()
        .flat_map(|c| c.fields.iter().map(|f| &f.ty));
    let alias_fields = facts
        .types
        .iter()
        .flat_map(|a| a.fields.iter().map(|f| &f.ty));
    let returns = facts.symbols.iter().filter_map(|s| s.returns.as_ref());
    for ty in receivers.chain(fields).chain(alias_fields).chain(returns) {
        if ty.base.starts_with("import(") {
            used.insert(ty.base.clone());
        }
    }
    for name in used {
        if !facts.types.iter().any(|a| a.name == name) {
            facts.types.extend(typedefs::inline(&name));
        }
    }
}
