//! Comparing what a step got with what it expected.

use serde_json::Value;

use super::model::{CallExpect, LoadExpect};
use omnysys_engine::plugin::CallError;
use omnysys_engine::plugin::ToolAnswer;
use omnysys_engine::reload::{ReloadOutcome, ReloadReport};

/// `Err((expected, actual))` when they differ.
pub type Verdict = Result<(), (String, String)>;

/// Checks a reload report.
pub fn check_load(report: &ReloadReport, expect: &LoadExpect) -> Verdict {
    let actual = describe_report(report);
    let ok = match expect {
        LoadExpect::Loaded => report
            .records
            .iter()
            .all(|r| r.outcome == ReloadOutcome::Loaded),
        LoadExpect::RolledBack => report
            .records
            .iter()
            .all(|r| r.outcome == ReloadOutcome::RolledBack),
        LoadExpect::LoadedWith(text) => report
            .records
            .iter()
            .all(|r| r.outcome == ReloadOutcome::Loaded && r.reason.contains(text.as_str())),
        LoadExpect::Refused(text) => report
            .records
            .iter()
            .any(|r| r.outcome == ReloadOutcome::Refused && r.reason.contains(text.as_str())),
    };
    if ok {
        Ok(())
    } else {
        Err((format!("{expect:?}"), actual))
    }
}

fn describe_report(report: &ReloadReport) -> String {
    let parts: Vec<String> = report
        .records
        .iter()
        .map(|r| {
            format!(
                "{} g{:?} {:?} {}",
                r.plugin, r.generation, r.outcome, r.reason
            )
        })
        .collect();
    parts.join("; ")
}

/// Checks a tool call.
pub fn check_call(got: &Result<ToolAnswer, CallError>, expect: &CallExpect) -> Verdict {
    let actual = match got {
        Ok(v) => format!("Ok({})", v.value),
        Err(CallError::Tool(e)) => format!("Error({e})"),
        Err(e) => format!("{e}"),
    };
    let ok = match (expect, got) {
        (CallExpect::Ok(want), Ok(v)) => *want == v.value,
        (CallExpect::Contains(want), Ok(v)) => contains(&v.value, want),
        (CallExpect::Error(text), Err(CallError::Tool(e))) => e.to_string().contains(text.as_str()),
        (CallExpect::UnknownTool, Err(CallError::UnknownTool(_))) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err((format!("{expect:?}"), actual))
    }
}

/// True when every field of `want` is in `got` with a value that contains it; arrays must
/// match element by element.
pub fn contains(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w
            .iter()
            .all(|(k, wv)| g.get(k).is_some_and(|gv| contains(gv, wv))),
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(a, b)| contains(a, b))
        }
        _ => got == want,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contains_accepts_extra_fields_but_not_different_values() {
        let got = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}});
        assert!(contains(&got, &json!({"b": {"c": [1, 2]}})));
        assert!(!contains(&got, &json!({"b": {"c": [1]}})));
        assert!(!contains(&got, &json!({"a": 2})));
        assert!(!contains(&got, &json!({"z": null})));
    }
}
