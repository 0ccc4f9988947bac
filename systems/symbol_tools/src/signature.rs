//! `analyze_signature_change`: every call site of a symbol, and what a new parameter list would
//! break.
//!
//! The index records where each call is but not the arguments it passes, so no single call can
//! be checked against the new arity. When the change can break a call written for the old list
//! (a parameter removed or moved, or more required parameters than before), every call site is
//! `needs_review`; otherwise every call site is `compatible`. The answer says so in `note`.

use omnysys_api::prelude::*;

use crate::calls::{IncomingCall, callers_of};
use crate::params::{Comparison, Param, compare, parse_signature};
use crate::project::{Project, cap, find_symbol};
use crate::resolve::SymbolRef;

/// Why per-call verdicts are all the same, repeated in every answer.
const NOTE: &str = "The index records where each call is, not the arguments it passes, so argument counts cannot be checked per call: when parameters are removed or moved, or more are required than before, every call site is listed as needs_review.";

/// Arguments of `analyze_signature_change`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignatureArgs {
    /// The file defining the symbol, relative to the project root.
    pub file_path: String,
    /// The function, method or class (a class uses its constructor's parameters); at most 512 characters.
    #[schemars(length(max = 512))]
    pub symbol_name: String,
    /// The proposed parameter list, e.g. `(a, b, c = 1)` or `a, b`.
    pub new_signature: Option<String>,
}

/// A call site and what the change means for it.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedCall {
    /// Where the call is.
    #[serde(flatten)]
    pub call: IncomingCall,
    /// `needs_review`, `compatible`, or `unknown` without a new signature.
    pub status: String,
}

/// Result of `analyze_signature_change`.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignatureChange {
    /// The symbol.
    pub symbol: SymbolRef,
    /// Its indexed parameter names.
    pub old_params: Vec<String>,
    /// The proposed parameters, when a new signature was given.
    pub new_params: Option<Vec<Param>>,
    /// What changes, when a new signature was given.
    pub comparison: Option<Comparison>,
    /// One sentence: the overall answer.
    pub verdict: String,
    /// Every call site that resolves to the symbol.
    pub call_sites: Vec<ReviewedCall>,
    /// How many call sites there are in all.
    pub total_call_sites: usize,
    /// How many of them need review.
    pub needs_review: usize,
    /// What the analysis cannot see.
    pub note: String,
    /// Whether `callSites` was cut to 200 entries.
    pub truncated: bool,
}

/// The tool.
pub fn analyze_signature_change(
    ctx: &ToolContext<'_>,
    args: SignatureArgs,
) -> Result<SignatureChange, ToolError> {
    tool_support::check_name("symbolName", &args.symbol_name)?;
    let p = Project::of(ctx);
    let (file, facts) = p.file(&args.file_path)?;
    let symbol = find_symbol(facts, &file, &args.symbol_name)?;
    let old_params = params_of(facts, symbol);
    let new_params = args.new_signature.as_deref().map(parse_signature);
    let comparison = new_params.as_ref().map(|new| compare(&old_params, new));
    let target = SymbolRef::new(&file, &symbol.name);
    let sites = callers_of(p, &target);
    let status = status(comparison.as_ref());
    let total = sites.len();
    let needs_review = if status == "needs_review" { total } else { 0 };
    let reviewed = sites.into_iter().map(|call| ReviewedCall {
        call,
        status: status.to_owned(),
    });
    let (call_sites, truncated) = cap(reviewed.collect());
    Ok(SignatureChange {
        verdict: verdict(comparison.as_ref(), total),
        symbol: target,
        old_params,
        new_params,
        comparison,
        call_sites,
        total_call_sites: total,
        needs_review,
        note: NOTE.to_owned(),
        truncated,
    })
}

/// The symbol's parameters; a class's are its constructor's (JavaScript `constructor`, Python
/// `__init__`).
fn params_of(facts: &FileFacts, symbol: &Symbol) -> Vec<String> {
    if symbol.kind != SymbolKind::Class {
        return symbol.params.clone();
    }
    let constructors = ["constructor", "__init__"].map(|m| format!("{}.{m}", symbol.name));
    let found = facts
        .symbols
        .iter()
        .find(|s| constructors.contains(&s.name));
    found.map(|s| s.params.clone()).unwrap_or_default()
}

/// The status every call site gets.
fn status(comparison: Option<&Comparison>) -> &'static str {
    match comparison {
        None => "unknown",
        Some(c) if c.breaking => "needs_review",
        Some(_) => "compatible",
    }
}

/// One sentence summing up.
fn verdict(comparison: Option<&Comparison>, sites: usize) -> String {
    match comparison {
        None => format!("{sites} call sites; give newSignature to see which a change would affect"),
        Some(c) if c.breaking => format!(
            "breaking: {}; all {sites} call sites need review",
            c.changes.join("; ")
        ),
        Some(c) => format!(
            "compatible: {}; calls written for the old list still fit ({sites} call sites)",
            c.changes.join("; ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn change(
        world: &World,
        file: &str,
        name: &str,
        new: Option<&str>,
    ) -> Result<SignatureChange, ToolError> {
        let args = SignatureArgs {
            file_path: file.into(),
            symbol_name: name.into(),
            new_signature: new.map(str::to_owned),
        };
        analyze_signature_change(&ctx(world), args)
    }

    #[test]
    fn without_a_new_signature_only_call_sites_are_listed() {
        let w = js_basic_world();
        let c = change(&w, "src/app.js", "createApp", None).unwrap();
        assert_eq!(c.total_call_sites, 2);
        assert_eq!(c.call_sites[0].status, "unknown");
        assert_eq!(
            c.verdict,
            "2 call sites; give newSignature to see which a change would affect"
        );
        assert!(c.comparison.is_none() && c.new_params.is_none());
    }

    #[test]
    fn a_removed_parameter_puts_every_call_site_up_for_review() {
        let w = shapes_world();
        let c = change(&w, "src/shapes.js", "makeShape", Some("(size)")).unwrap();
        assert_eq!(c.old_params, vec!["name", "size"]);
        assert_eq!((c.total_call_sites, c.needs_review), (1, 1));
        assert_eq!(c.call_sites[0].call.file, "src/main.js");
        assert_eq!(c.call_sites[0].status, "needs_review");
        assert!(c.verdict.starts_with("breaking: arity: 2 before; 1 required and 1 accepted after; removed `name`; moved `size` from position 2 to 1"));
    }

    #[test]
    fn an_optional_parameter_added_at_the_end_is_compatible_and_classes_use_their_constructor() {
        let w = shapes_world();
        let c = change(&w, "src/shapes.js", "Shape", Some("name, color = 'red'")).unwrap();
        assert_eq!(c.old_params, vec!["name"]);
        assert_eq!((c.total_call_sites, c.needs_review), (1, 0));
        assert_eq!(c.call_sites[0].status, "compatible");
        let e = change(&w, "src/shapes.js", "Shap", None).err().unwrap();
        assert_eq!(e.suggestions[0], "Shape");
    }
}
