//! Type facts ([`crate::receivers`]) of fixture snippets, worked by hand.

use omnysys_api::facts::{ClassFacts, Field, FileFacts, TypePath};

use crate::extract;

/// Extracts `code`.
fn facts(code: &str) -> FileFacts {
    extract(code.as_bytes()).expect("the parser is set up")
}

/// The type `base` then `members`.
fn ty(base: &str, members: &[&str]) -> TypePath {
    TypePath {
        base: base.to_owned(),
        members: members.iter().map(|m| (*m).to_owned()).collect(),
        guessed: false,
    }
}

/// `(callee, receiver)` of every call of `f` with a `.` in its callee, in order.
fn receivers(f: &FileFacts) -> Vec<(String, Option<TypePath>)> {
    f.calls
        .iter()
        .filter(|c| c.callee.contains('.'))
        .map(|c| (c.callee.clone(), c.receiver.clone()))
        .collect()
}

/// `(callee, receiver)` with the receiver given.
fn got(callee: &str, receiver: Option<TypePath>) -> (String, Option<TypePath>) {
    (callee.to_owned(), receiver)
}

#[test]
fn typed_parameters_type_their_method_calls_through_references_and_smart_pointers() {
    let f = facts(
        "fn run(a: &Graph, b: &mut crate::g::Graph, c: Arc<Graph>, d: Box<dyn Store>, e: impl Store, n: u8, i: io::Error) {\n\
        \x20   a.nodes();\n\
        \x20   b.nodes();\n\
        \x20   c.nodes();\n\
        \x20   d.load();\n\
        \x20   e.load();\n\
        \x20   n.pow(2);\n\
        \x20   other.thing();\n\
        \x20   i.kind();\n\
         }\n",
    );
    let graph = Some(ty("Graph", &[]));
    let store = Some(ty("Store", &[]));
    assert_eq!(
        receivers(&f),
        vec![
            got("a.nodes", graph.clone()),
            got("b.nodes", graph.clone()),
            got("c.nodes", graph),
            got("d.load", store.clone()),
            got("e.load", store),
            got("n.pow", None),
            got("other.thing", None),
            got("i.kind", None),
        ]
    );
}

#[test]
fn generic_parameters_are_read_as_their_first_trait_bound() {
    let f = facts(
        "impl<S: Store> Cache<S> {\n\
        \x20   fn get<R>(&self, s: S, r: &R) where R: Reader + Send {\n\
        \x20       s.load();\n\
        \x20       r.read();\n\
        \x20   }\n\
         }\n",
    );
    assert_eq!(
        receivers(&f),
        vec![
            got("s.load", Some(ty("Store", &[]))),
            got("r.read", Some(ty("Reader", &[]))),
        ]
    );
}

#[test]
fn locals_take_their_annotation_or_the_type_of_their_value() {
    let f = facts(
        "fn main() {\n\
        \x20   let a: Parser = make();\n\
        \x20   let b = Parser::new(1);\n\
        \x20   let c = Parser::default();\n\
        \x20   let d = Parser { x: 1 };\n\
        \x20   let e = Arc::new(Parser::new(2));\n\
        \x20   let g = b.child()?;\n\
        \x20   let h = build(1).unwrap();\n\
        \x20   a.run(); b.run(); c.run(); d.run(); e.run(); g.run(); h.run();\n\
         }\n",
    );
    let parser = Some(ty("Parser", &[]));
    assert_eq!(
        receivers(&f),
        vec![
            got("b.child", Some(ty("Parser", &["new()"]))),
            got("build().unwrap", Some(ty("build", &["()"]))),
            got("a.run", parser.clone()),
            got("b.run", Some(ty("Parser", &["new()"]))),
            got("c.run", parser.clone()),
            got("d.run", parser),
            got("e.run", Some(ty("Parser", &["new()"]))),
            got("g.run", Some(ty("Parser", &["new()", "child()"]))),
            got("h.run", Some(ty("build", &["()"]))),
        ]
    );
}

#[test]
fn a_later_let_shadows_an_earlier_one_from_the_next_line() {
    let f = facts(
        "fn main(x: Input) {\n\
        \x20   let x = x.parse();\n\
        \x20   x.check();\n\
         }\n",
    );
    assert_eq!(
        receivers(&f),
        vec![
            got("x.parse", Some(ty("Input", &[]))),
            got("x.check", Some(ty("Input", &["parse()"]))),
        ]
    );
}

#[test]
fn self_is_the_impl_type_and_field_chains_and_constructors_are_members() {
    let f = facts(
        "impl<T> Walker<T> {\n\
        \x20   fn step(&self) {\n\
        \x20       self.done();\n\
        \x20       self.state.graph.reset();\n\
        \x20       self.graph().clear();\n\
        \x20       Self::new().done();\n\
        \x20       self.items[0].run();\n\
        \x20   }\n\
         }\n",
    );
    assert_eq!(
        receivers(&f),
        vec![
            got("self.done", Some(ty("Walker", &[]))),
            got(
                "self.state.graph.reset",
                Some(ty("Walker", &["state", "graph"]))
            ),
            got("self.graph().clear", Some(ty("Walker", &["graph()"]))),
            got("self.graph", Some(ty("Walker", &[]))),
            got("Self::new().done", Some(ty("Walker", &["new()"]))),
            got("self.items[0].run", Some(ty("Walker", &["items[]"]))),
        ]
    );
}

#[test]
fn returns_read_self_and_see_through_result_and_option() {
    let f = facts(
        "impl Walker {\n\
        \x20   fn new() -> Self { todo!() }\n\
        \x20   fn open(p: &str) -> Result<Walker, Error> { todo!() }\n\
        \x20   fn size(&self) -> usize { 0 }\n\
         }\n\
         fn find() -> Option<Box<Entry>> { None }\n",
    );
    let returns: Vec<(&str, Option<TypePath>)> = f
        .symbols
        .iter()
        .map(|s| (s.name.as_str(), s.returns.clone()))
        .collect();
    assert_eq!(
        returns,
        vec![
            ("Walker.new", Some(ty("Walker", &[]))),
            ("Walker.open", Some(ty("Walker", &[]))),
            ("Walker.size", None),
            ("find", Some(ty("Entry", &[]))),
        ]
    );
}

#[test]
fn struct_fields_and_implemented_traits_are_class_facts_but_not_other_modules_traits() {
    let f = facts(
        "struct Walker<S: Store> { graph: Arc<Graph>, store: S, count: usize }\n\
         struct Id(Name, u32);\n\
         trait Store: Reader + Send { fn load(&self); }\n\
         impl fmt::Display for Walker<S> {}\n\
         impl Store for Id { fn load(&self) {} }\n",
    );
    let field = |name: &str, base: &str| Field {
        name: name.to_owned(),
        ty: ty(base, &[]),
    };
    let class = |name: &str, bases: &[&str], fields: Vec<Field>| ClassFacts {
        name: name.to_owned(),
        bases: bases.iter().map(|b| (*b).to_owned()).collect(),
        fields,
    };
    assert_eq!(
        f.classes,
        vec![
            class(
                "Walker",
                &[],
                vec![field("graph", "Graph"), field("store", "Store")]
            ),
            class("Id", &["Store"], vec![field("0", "Name")]),
            class("Store", &["Reader", "Send"], vec![]),
        ]
    );
}

#[test]
fn trait_method_signatures_are_methods_of_the_trait() {
    let f = facts(
        "pub trait Store {\n\
        \x20   fn load(&self) -> Item;\n\
        \x20   fn save(&self) {}\n\
         }\n",
    );
    let methods: Vec<(&str, bool)> = f
        .symbols
        .iter()
        .map(|s| (s.name.as_str(), s.exported))
        .collect();
    assert_eq!(
        methods,
        vec![("Store", true), ("Store.load", true), ("Store.save", true)]
    );
    assert_eq!(f.symbols[1].returns, Some(ty("Item", &[])));
}

#[test]
fn for_loops_bind_an_element_of_a_typed_collection() {
    let f = facts(
        "struct Set { strats: Vec<Strategy> }\n\
         impl Set {\n\
        \x20   fn run(&self, items: &[Item], more: Vec<Item>) {\n\
        \x20       for s in &self.strats { s.check(); }\n\
        \x20       for (i, it) in items.iter().enumerate() { it.go(); }\n\
        \x20       for it in more { it.go(); }\n\
        \x20       let copy = self.strats.clone();\n\
        \x20       for t in copy.iter() { t.check(); }\n\
        \x20   }\n\
         }\n",
    );
    let strategy = Some(ty("Set", &["strats[]"]));
    let item = Some(ty("Item", &[]));
    assert_eq!(
        receivers(&f),
        vec![
            got("s.check", strategy.clone()),
            got("items.iter().enumerate", None),
            got("items.iter", None),
            got("it.go", item.clone()),
            got("it.go", item),
            got("self.strats.clone", Some(ty("Set", &["strats"]))),
            got("copy.iter", Some(ty("Set", &["strats"]))),
            got("t.check", strategy),
        ]
    );
    assert_eq!(
        f.classes[0].fields,
        vec![
            Field {
                name: "strats".to_owned(),
                ty: ty("Vec", &[]),
            },
            Field {
                name: "strats[]".to_owned(),
                ty: ty("Strategy", &[]),
            },
        ]
    );
}

#[test]
fn match_arms_and_if_let_bind_through_enum_variants_and_options() {
    let f = facts(
        "enum Strategy { Literal(Lits), Regex { set: RegexSet, n: usize } }\n\
         impl Strategy {\n\
        \x20   fn run(&self, found: Option<Hit>) {\n\
        \x20       match *self {\n\
        \x20           Strategy::Literal(ref s) => s.check(),\n\
        \x20           Regex { ref set, n: _ } => set.check(),\n\
        \x20       }\n\
        \x20       if let Some(h) = found { h.show(); }\n\
        \x20   }\n\
         }\n",
    );
    assert_eq!(
        receivers(&f),
        vec![
            got("s.check", Some(ty("Strategy", &["Literal.0"]))),
            got("set.check", Some(ty("Strategy", &["Regex.set"]))),
            got("h.show", Some(ty("Hit", &[]))),
        ]
    );
    let fields: Vec<(&str, &str)> = f.classes[0]
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty.base.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![("Literal.0", "Lits"), ("Regex.set", "RegexSet")]
    );
}

#[test]
fn associated_function_calls_name_their_type_as_receiver() {
    let f = facts(
        "impl Walker {\n\
        \x20   fn run() {\n\
        \x20       Self::helper();\n\
        \x20       crate::graph::Graph::build();\n\
        \x20       graph::Graph::build();\n\
        \x20       helpers::make();\n\
        \x20       make();\n\
        \x20   }\n\
         }\n",
    );
    let got: Vec<(&str, Option<TypePath>)> = f
        .calls
        .iter()
        .map(|c| (c.callee.as_str(), c.receiver.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Self::helper", Some(ty("Walker", &[]))),
            ("crate::graph::Graph::build", Some(ty("Graph", &[]))),
            ("graph::Graph::build", None),
            ("helpers::make", None),
            ("make", None),
        ]
    );
}

#[test]
fn paths_through_the_crate_s_own_modules_name_types_but_other_crates_paths_do_not() {
    let f = facts(
        "mod graph;\n\
         use crate::util::private;\n\
         use std::io;\n\
         fn run(a: graph::Graph, b: private::Never, c: io::Error) {\n\
        \x20   a.nodes(); b.never(); c.kind();\n\
         }\n",
    );
    assert_eq!(
        receivers(&f),
        vec![
            got("a.nodes", Some(ty("Graph", &[]))),
            got("b.never", Some(ty("Never", &[]))),
            got("c.kind", None),
        ]
    );
}

#[test]
fn indexing_a_typed_collection_gives_an_element() {
    let f = facts(
        "fn run(items: &[Item]) {\n\
        \x20   let first = &items[0];\n\
        \x20   first.go();\n\
        \x20   items[1].go();\n\
         }\n",
    );
    let item = Some(ty("Item", &[]));
    assert_eq!(
        receivers(&f),
        vec![got("first.go", item.clone()), got("items[1].go", item)]
    );
}

#[test]
fn an_untyped_closure_parameter_of_an_iterator_method_is_an_element() {
    let f = facts(
        "fn run(items: Vec<Item>) {\n\
        \x20   items.iter().filter(|x| x.ok()).map(|y| y.go());\n\
        \x20   items.iter().map(|x: &Other| x.ok());\n\
         }\n",
    );
    let item = Some(ty("Item", &[]));
    let found: Vec<(String, Option<TypePath>)> = receivers(&f)
        .into_iter()
        .filter(|(callee, _)| !callee.starts_with("items"))
        .collect();
    assert_eq!(
        found,
        vec![
            got("x.ok", item.clone()),
            got("y.go", item),
            got("x.ok", Some(ty("Other", &[]))),
        ]
    );
}

#[test]
fn macro_rules_bodies_type_calls_through_the_lets_of_their_rule() {
    let f = facts(
        "macro_rules! check {\n\
        \x20   ($name:ident, $pat:expr) => {\n\
        \x20       fn $name() {\n\
        \x20           let mut builder = GlobBuilder::new($pat);\n\
        \x20           if let Some(x) = $pat.flag { builder.flag(x); }\n\
        \x20           let pat = builder.build().unwrap();\n\
        \x20           assert!(pat.regex().is_empty());\n\
        \x20           let set = SetBuilder::new().add(pat).build()?;\n\
        \x20           set.is_match($pat);\n\
        \x20           other.run();\n\
        \x20           self.hidden();\n\
        \x20           let v = vec![1];\n\
        \x20           v.len();\n\
        \x20       }\n\
        \x20   };\n\
         }\n",
    );
    let builder = ty("GlobBuilder", &["new()"]);
    let glob = ty("GlobBuilder", &["new()", "build()"]);
    let set = ty("SetBuilder", &["new()", "add()", "build()"]);
    assert_eq!(
        receivers(&f),
        vec![
            got("builder.build", Some(builder.clone())),
            got("builder.build().unwrap", Some(glob.clone())),
            got("SetBuilder::new().add", Some(ty("SetBuilder", &["new()"]))),
            got(
                "SetBuilder::new().add().build",
                Some(ty("SetBuilder", &["new()", "add()"]))
            ),
            got("set.is_match", Some(set)),
            got("other.run", None),
            got("v.len", None),
            got("builder.flag", Some(builder)),
            got("pat.regex", Some(glob.clone())),
            got(
                "pat.regex().is_empty",
                Some(ty("GlobBuilder", &["new()", "build()", "regex()"]))
            ),
        ]
    );
    let paths: Vec<_> = f
        .calls
        .iter()
        .filter(|c| !c.callee.contains('.'))
        .map(|c| (c.callee.as_str(), c.caller.clone(), c.receiver.clone()))
        .collect();
    assert!(paths.contains(&("GlobBuilder::new", None, Some(ty("GlobBuilder", &[])))));
}

#[test]
fn generic_items_and_conversions_type_loop_variables_and_default_calls() {
    let f = facts(
        "fn new<I, G>(globs: I, one: G) -> Set\n\
        \x20   where I: IntoIterator<Item = G>, G: AsRef<Glob> {\n\
        \x20   let mut it = globs.into_iter().peekable();\n\
        \x20   for (i, p) in it.enumerate() {\n\
        \x20       let p = p.as_ref();\n\
        \x20       p.regex();\n\
        \x20   }\n\
        \x20   one.as_ref().regex();\n\
        \x20   let set: Set = Default::default();\n\
        \x20   let n: u8 = Default::default();\n\
        \x20   set.len();\n\
         }\n\
         fn path<P: AsRef<Path>>(p: P) { p.as_ref().to_str(); }\n",
    );
    let glob = Some(ty("Glob", &[]));
    assert_eq!(
        receivers(&f),
        vec![
            got(
                "globs.into_iter().peekable",
                Some(ty("IntoIterator", &["into_iter()"]))
            ),
            got("globs.into_iter", Some(ty("IntoIterator", &[]))),
            got(
                "it.enumerate",
                Some(ty("IntoIterator", &["into_iter()", "peekable()"]))
            ),
            got("p.as_ref", glob.clone()),
            got("p.regex", glob.clone()),
            got("one.as_ref().regex", glob.clone()),
            got("one.as_ref", glob),
            got("set.len", Some(ty("Set", &[]))),
            got("p.as_ref().to_str", Some(ty("Path", &[]))),
            got("p.as_ref", Some(ty("Path", &[]))),
        ]
    );
    let default: Vec<_> = f
        .calls
        .iter()
        .filter(|c| c.callee == "Default::default")
        .map(|c| (c.line, c.receiver.clone()))
        .collect();
    assert_eq!(
        default,
        vec![(9, Some(ty("Set", &[]))), (10, Some(ty("Default", &[])))]
    );
}
