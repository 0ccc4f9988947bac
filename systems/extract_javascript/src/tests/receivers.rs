//! Type facts: receivers of calls, classes with bases and fields, return types, type aliases.

use omnysys_api::facts::{CallSite, Field, FileFacts, TypeAlias, TypePath};

use super::facts;

/// A type path value.
fn ty(base: &str, members: &[&str]) -> TypePath {
    TypePath {
        base: base.to_owned(),
        members: members.iter().map(|m| (*m).to_owned()).collect(),
        guessed: false,
    }
}

/// `call` with the receiver `base` then `members`, as the file types it.
pub(super) fn on(call: CallSite, base: &str, members: &[&str]) -> CallSite {
    CallSite {
        receiver: Some(ty(base, members)),
        ..call
    }
}

/// `call` with the receiver `base` then `members`, guessed from a variable's name.
pub(super) fn guessed(call: CallSite, base: &str, members: &[&str]) -> CallSite {
    let mut receiver = ty(base, members);
    receiver.guessed = true;
    CallSite {
        receiver: Some(receiver),
        ..call
    }
}

/// The call of `callee` (the first one).
fn call<'f>(f: &'f FileFacts, callee: &str) -> &'f CallSite {
    f.calls
        .iter()
        .find(|c| c.callee == callee)
        .unwrap_or_else(|| panic!("no call of {callee} in {:#?}", f.calls))
}

/// The receiver of the call of `callee`.
fn receiver(f: &FileFacts, callee: &str) -> Option<TypePath> {
    call(f, callee).receiver.clone()
}

const MODULE: &str = r#"/** @typedef {import("./graph")} Graph */
/** @typedef {import("./parser").State} State */
const Base = require("./base");
class Mod extends Base {
	/**
	 * @param {Graph} graph the graph
	 */
	constructor(graph) {
		super();
		this.graph = graph;
		/** @type {Logger | undefined} */
		this.logger = undefined;
		this.set = new TupleSet();
	}
	/**
	 * @param {Compilation} compilation c
	 * @returns {Graph} g
	 */
	build(compilation) {
		compilation.chunkGraph.getModuleId(this);
		this.addDependency(1);
		this.graph.size();
		const { moduleGraph } = compilation;
		moduleGraph.getDepth(this);
		const g = /** @type {import("./graph")} */ (compilation.other);
		g.walk();
		const logger = compilation.getLogger("x");
		logger.time();
		items.forEach(item => item.go());
		return this.graph;
	}
}
/**
 * @param {Compilation} compilation c
 */
const helper = compilation => {
	compilation.seal();
};
function untyped() {
	compilation.seal();
}
"#;

#[test]
fn receivers_come_from_jsdoc_params_fields_destructuring_and_casts() {
    let f = facts("lib/Mod.js", MODULE);
    assert_eq!(
        receiver(&f, "compilation.chunkGraph.getModuleId"),
        Some(ty("Compilation", &["chunkGraph"]))
    );
    assert_eq!(receiver(&f, "this.addDependency"), Some(ty("Mod", &[])));
    assert_eq!(receiver(&f, "this.graph.size"), Some(ty("Mod", &["graph"])));
    assert_eq!(
        receiver(&f, "moduleGraph.getDepth"),
        Some(ty("Compilation", &["moduleGraph"]))
    );
    assert_eq!(receiver(&f, "g.walk"), Some(ty("import(\"./graph\")", &[])));
    assert_eq!(
        receiver(&f, "logger.time"),
        Some(ty("Compilation", &["getLogger()"]))
    );
    let mut item = ty("Item", &[]);
    item.guessed = true;
    assert_eq!(receiver(&f, "item.go"), Some(item));
    assert_eq!(receiver(&f, "super"), None);
}

#[test]
fn an_untyped_name_takes_the_one_type_the_file_gives_it() {
    let f = facts("lib/Mod.js", MODULE);
    let seals: Vec<_> = f
        .calls
        .iter()
        .filter(|c| c.callee == "compilation.seal")
        .map(|c| c.receiver.clone())
        .collect();
    assert_eq!(seals, vec![Some(ty("Compilation", &[])); 2]);
}

#[test]
fn classes_have_bases_and_field_types() {
    let f = facts("lib/Mod.js", MODULE);
    let class = f.classes.iter().find(|c| c.name == "Mod").expect("Mod");
    assert_eq!(class.bases, vec!["Base".to_owned()]);
    let field = |name: &str, t: TypePath| Field {
        name: name.to_owned(),
        ty: t,
    };
    assert_eq!(
        class.fields,
        vec![
            field("logger", ty("Logger", &[])),
            field("graph", ty("Graph", &[])),
            field("set", ty("TupleSet", &[])),
        ]
    );
    let build = f
        .symbols
        .iter()
        .find(|s| s.name == "Mod.build")
        .expect("build");
    assert_eq!(build.returns, Some(ty("Graph", &[])));
}

#[test]
fn typedefs_and_inline_imports_are_type_aliases() {
    let f = facts("lib/Mod.js", MODULE);
    let alias = |name: &str, spec: &str, targets: &[&str], line| TypeAlias {
        name: name.to_owned(),
        specifier: Some(spec.to_owned()),
        targets: targets.iter().map(|t| (*t).to_owned()).collect(),
        line,
        ..TypeAlias::default()
    };
    assert_eq!(
        f.types,
        vec![
            alias("Graph", "./graph", &[], 1),
            alias("State", "./parser", &["State"], 2),
            alias("import(\"./graph\")", "./graph", &[], 0),
        ]
    );
    assert!(f.imports.iter().all(|i| i.specifier != "./graph"));
}

#[test]
fn object_typedefs_have_their_properties_as_fields() {
    let code = "/**\n * @typedef {object} StateBase\n * @property {NormalModule} module\n * @property {string} name\n */\n/** @typedef {Record<string, any> & StateBase} State */\n";
    let f = facts("lib/Parser.js", code);
    assert_eq!(f.types.len(), 2);
    assert_eq!(f.types[0].name, "StateBase");
    assert_eq!(
        f.types[0].fields,
        vec![Field {
            name: "module".to_owned(),
            ty: ty("NormalModule", &[]),
        }]
    );
    assert_eq!(f.types[1].targets, vec!["StateBase".to_owned()]);
}

#[test]
fn typescript_annotations_and_heritage() {
    let code = "class A extends B<number> implements C {\n  private g: Graph;\n  run(x: Foo | null): Bar {\n    x.go();\n    this.g.walk();\n    return x;\n  }\n}\n";
    let f = facts("src/a.ts", code);
    assert_eq!(receiver(&f, "x.go"), Some(ty("Foo", &[])));
    assert_eq!(receiver(&f, "this.g.walk"), Some(ty("A", &["g"])));
    let class = &f.classes[0];
    assert_eq!(class.bases, vec!["B".to_owned(), "C".to_owned()]);
    assert_eq!(class.fields[0].ty, ty("Graph", &[]));
    let run = f.symbols.iter().find(|s| s.name == "A.run").expect("run");
    assert_eq!(run.returns, Some(ty("Bar", &[])));
}

#[test]
fn typescript_parameter_properties_are_fields_of_their_class() {
    let code = "class H {\n  constructor(private readonly graph: Graph, public log: Logger, plain: Other, readonly n = 1) {}\n  run() {\n    this.graph.add(1);\n  }\n}\nclass K {\n  start(private x: Nope) {}\n}\n";
    let f = facts("src/h.ts", code);
    assert_eq!(receiver(&f, "this.graph.add"), Some(ty("H", &["graph"])));
    let fields: Vec<(&str, &TypePath)> = f.classes[0]
        .fields
        .iter()
        .map(|field| (field.name.as_str(), &field.ty))
        .collect();
    assert_eq!(
        fields,
        [("graph", &ty("Graph", &[])), ("log", &ty("Logger", &[]))]
    );
    assert!(f.classes[1].fields.is_empty(), "{:?}", f.classes[1]);
}

#[test]
fn an_abstract_method_is_a_method_of_its_class_and_a_call_through_the_class_has_its_receiver() {
    let code = "export abstract class Shape {\n  abstract area(scale: number): number;\n  describe(): string {\n    return String(this.area(1));\n  }\n}\nexport function total(s: Shape): number {\n  return s.area(2);\n}\n";
    let f = facts("src/shape.ts", code);
    let area = f
        .symbols
        .iter()
        .find(|s| s.name == "Shape.area")
        .unwrap_or_else(|| panic!("no Shape.area in {:#?}", f.symbols));
    assert_eq!(area.kind, omnysys_api::facts::SymbolKind::Method);
    assert_eq!((area.start_line, area.end_line), (2, 2));
    assert_eq!(area.params, ["scale"]);
    assert_eq!(receiver(&f, "s.area"), Some(ty("Shape", &[])));
}

/// An interface with a base, a class implementing it, and a call through an interface-typed
/// parameter; an object type's method signature and a class's overload signature are not
/// symbols.
const SINK: &str = "export interface Sink extends Named<string>, ns.Base {\n  add(n: number): void;\n  size?: number;\n  flush: () => void;\n}\nexport class ArraySink implements Sink {\n  add(n: number): void;\n  add(n: number) {}\n}\ntype Shape = { area(): number };\nexport function total(k: Sink) {\n  k.add(1);\n}\n";

#[test]
fn an_interface_is_a_class_symbol_and_its_method_signatures_are_its_methods() {
    use omnysys_api::facts::SymbolKind;
    let f = facts("src/sink.ts", SINK);
    let kinds: Vec<(&str, SymbolKind, u32, u32)> = f
        .symbols
        .iter()
        .map(|s| (s.name.as_str(), s.kind, s.start_line, s.end_line))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Sink", SymbolKind::Class, 1, 5),
            ("Sink.add", SymbolKind::Method, 2, 2),
            ("ArraySink", SymbolKind::Class, 6, 9),
            ("ArraySink.add", SymbolKind::Method, 8, 8),
            ("total", SymbolKind::Function, 11, 13),
        ]
    );
    let sink = &f.symbols[0];
    assert!(sink.exported);
    assert_eq!(f.symbols[1].params, ["n"]);
    assert_eq!(receiver(&f, "k.add"), Some(ty("Sink", &[])));
}

#[test]
fn an_interface_has_its_extends_as_bases_and_a_class_its_implements() {
    let f = facts("src/sink.ts", SINK);
    let bases: Vec<(&str, Vec<&str>)> = f
        .classes
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.bases.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        bases,
        [
            ("Sink", vec!["Named", "ns.Base"]),
            ("ArraySink", vec!["Sink"])
        ]
    );
}

#[test]
fn a_construction_starts_a_call_path_and_types_its_receiver() {
    let f = facts("lib/a.js", "new Plugin(options).apply(compiler);\n");
    assert_eq!(
        f.calls
            .iter()
            .map(|c| c.callee.as_str())
            .collect::<Vec<_>>(),
        ["new Plugin().apply", "Plugin"]
    );
    assert_eq!(receiver(&f, "new Plugin().apply"), Some(ty("Plugin", &[])));
}

#[test]
fn a_name_destructured_from_an_untyped_object_is_guessed_from_its_own_name() {
    let code = "const render = (renderContext) => {\n\tconst { chunkGraph } = renderContext;\n\tchunkGraph.getModuleId(1);\n\tconst logger = renderContext.getLogger();\n\tlogger.log(1);\n};\n";
    let f = facts("lib/a.js", code);
    let guessed = |base: &str, members: &[&str]| {
        let mut t = ty(base, members);
        t.guessed = true;
        Some(t)
    };
    assert_eq!(
        receiver(&f, "chunkGraph.getModuleId"),
        guessed("ChunkGraph", &[])
    );
    assert_eq!(
        receiver(&f, "logger.log"),
        guessed("RenderContext", &["getLogger()"])
    );
}

#[test]
fn a_value_typed_by_a_type_parameter_is_read_as_its_bound_and_an_unbounded_one_as_undeclared() {
    // An unbounded parameter's value is as good as untyped: at most guessed from its name.
    let undeclared = |t: Option<TypePath>| t.is_none_or(|t| t.guessed);
    let code = "/**\n * @template {Graph} G\n * @template T\n * @param {G} g\n * @param {T} item\n * @returns {G}\n */\nfunction jsdoc(g, item) {\n  g.add(1);\n  item.add(2);\n  return g;\n}\n";
    let f = facts("lib/a.js", code);
    assert_eq!(receiver(&f, "g.add"), Some(ty("Graph", &[])));
    assert!(undeclared(receiver(&f, "item.add")));
    let jsdoc = f.symbols.iter().find(|s| s.name == "jsdoc").expect("jsdoc");
    assert_eq!(jsdoc.returns, Some(ty("Graph", &[])));

    let code = "function typed<G extends Graph, T>(g: G, item: T): G {\n  g.add(1);\n  item.add(2);\n  return g;\n}\nclass Graph {}\n";
    let f = facts("src/a.ts", code);
    assert_eq!(receiver(&f, "g.add"), Some(ty("Graph", &[])));
    assert!(undeclared(receiver(&f, "item.add")));
}

#[test]
fn an_instanceof_test_narrows_the_variable_in_the_if_branch_only() {
    let code = "/** @param {Iterable<number>} iterable */\nfunction addAll(iterable) {\n  if (iterable instanceof LazySet) {\n    iterable._isEmpty();\n  } else {\n    iterable.size();\n  }\n  if (iterable instanceof ns.Other) iterable.other();\n  iterable.after();\n}\n";
    let f = facts("lib/a.js", code);
    assert_eq!(receiver(&f, "iterable._isEmpty"), Some(ty("LazySet", &[])));
    assert_eq!(receiver(&f, "iterable.other"), Some(ty("ns.Other", &[])));
    for outside in ["iterable.size", "iterable.after"] {
        assert_eq!(
            receiver(&f, outside),
            Some(ty("Iterable", &[])),
            "{outside}"
        );
    }
}
