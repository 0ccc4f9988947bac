//! `explain_value_flow`: what flows into a function (parameters, imported names it calls), what
//! it calls, and where its result goes (exports, the callers that receive it).
//!
//! The index holds call sites, not reads, returns or assignments: imported values a function
//! only reads, and what it returns, are not visible. The answer says so in `note`.

use std::collections::BTreeSet;

use omnysys_api::prelude::*;

use crate::calls::{IncomingCall, OutgoingCall, callers_of, calls_inside};
use crate::project::{Project, cap, exported_as, find_symbol};
use crate::resolve::SymbolRef;

/// What the analysis cannot see, repeated in every answer.
const NOTE: &str = "Built from call sites only: imported values the function reads without calling, and what it returns, are not in the index; every caller is listed as a place that may receive the result.";

/// Arguments of `explain_value_flow`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FlowArgs {
    /// The file defining the symbol, relative to the project root.
    pub file_path: String,
    /// The function or method; at most 512 characters.
    #[schemars(length(max = 512))]
    pub symbol_name: String,
}

/// An imported name the function calls.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedInput {
    /// The name as used (`helper`, or `util` for `util.helper`).
    pub name: String,
    /// The import's specifier.
    pub specifier: String,
    /// The project file it comes from, `null` for a package outside the project.
    pub resolved: Option<String>,
    /// The import's line.
    pub import_line: u32,
}

/// What flows in.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inputs {
    /// Parameter names in order.
    pub parameters: Vec<String>,
    /// Imported names it calls, once each.
    pub imports: Vec<ImportedInput>,
}

/// Where the result goes.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Outputs {
    /// Whether its file exports it.
    pub exported: bool,
    /// The names it is exported under.
    pub exported_as: Vec<String>,
    /// The calls that receive its result.
    pub received_by: Vec<IncomingCall>,
}

/// Result of `explain_value_flow`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValueFlow {
    /// The symbol.
    pub symbol: SymbolRef,
    /// What flows in.
    pub inputs: Inputs,
    /// What it calls, in source order.
    pub calls: Vec<OutgoingCall>,
    /// Where its result goes.
    pub outputs: Outputs,
    /// What the analysis cannot see.
    pub note: String,
    /// Whether any list was cut to 200 entries.
    pub truncated: bool,
}

/// The tool.
pub fn explain_value_flow(ctx: &ToolContext<'_>, args: FlowArgs) -> Result<ValueFlow, ToolError> {
    tool_support::check_name("symbolName", &args.symbol_name)?;
    let p = Project::of(ctx);
    let (file, facts) = p.file(&args.file_path)?;
    let symbol = find_symbol(facts, &file, &args.symbol_name)?;
    let target = SymbolRef::new(&file, &symbol.name);
    let calls = calls_inside(p, &file, facts, &symbol.name);
    let imports = imported_inputs(&calls);
    let (calls, a) = cap(calls);
    let (received_by, b) = cap(callers_of(p, &target));
    Ok(ValueFlow {
        inputs: Inputs {
            parameters: symbol.params.clone(),
            imports,
        },
        calls,
        outputs: Outputs {
            exported: symbol.exported,
            exported_as: exported_as(facts, &symbol.name),
            received_by,
        },
        symbol: target,
        note: NOTE.to_owned(),
        truncated: a || b,
    })
}

/// The imported names among `calls`, once each, in source order.
fn imported_inputs(calls: &[OutgoingCall]) -> Vec<ImportedInput> {
    let mut seen = BTreeSet::new();
    calls
        .iter()
        .filter_map(|c| {
            let import = c.import.as_ref()?;
            let name = c
                .callee
                .split(['.', ':'])
                .next()
                .unwrap_or(&c.callee)
                .to_owned();
            Some(ImportedInput {
                name,
                specifier: import.specifier.clone(),
                resolved: import.resolved.clone(),
                import_line: import.line,
            })
        })
        .filter(|input| seen.insert(input.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn flow(world: &World, file: &str, name: &str) -> Result<ValueFlow, ToolError> {
        let args = FlowArgs {
            file_path: file.into(),
            symbol_name: name.into(),
        };
        explain_value_flow(&ctx(world), args)
    }

    #[test]
    fn imported_names_flow_in_and_callers_receive_the_result() {
        let w = js_basic_world();
        let f = flow(&w, "src/index.js", "main").unwrap();
        let inputs: Vec<(&str, &str, u32)> = f
            .inputs
            .imports
            .iter()
            .map(|i| (i.name.as_str(), i.specifier.as_str(), i.import_line))
            .collect();
        assert_eq!(
            inputs,
            vec![
                ("createApp", "./app", 1),
                ("router", "./router", 2),
                ("util", "./util.js", 3)
            ]
        );
        assert_eq!(f.calls.len(), 3);
        assert!(f.outputs.exported && f.outputs.received_by.is_empty());
    }

    #[test]
    fn parameters_external_imports_and_a_caller() {
        let w = shapes_world();
        let f = flow(&w, "src/shapes.js", "Shape.describe").unwrap();
        assert_eq!(f.inputs.parameters, vec!["prefix", "suffix"]);
        let names: Vec<(&str, Option<&str>)> = f
            .inputs
            .imports
            .iter()
            .map(|i| (i.name.as_str(), i.resolved.as_deref()))
            .collect();
        assert_eq!(names, vec![("log", Some("src/log.js")), ("lodash", None)]);
        let f = flow(&w, "src/log.js", "format").unwrap();
        assert_eq!(f.outputs.exported_as, vec!["default"]);
        assert_eq!(f.outputs.received_by[0].caller.as_deref(), Some("run"));
        assert!(flow(&w, "src/log.js", "nope").is_err());
    }
}
