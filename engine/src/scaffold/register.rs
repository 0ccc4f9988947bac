//! Registering a new tool in an existing plugin crate: two lines added to its `src/lib.rs`,
//! `mod <tool>;` among its module declarations (where rustfmt would sort it) and
//! `r.add_tool(<tool>::spec(), <tool>::<tool>);` at the start of the function that
//! `declare_plugin!` names. Anything less regular is refused: the user registers by hand.

/// `lib` (the text of a crate root) with `tool` declared and registered.
///
/// # Errors
///
/// A sentence naming what was not found: the `declare_plugin!(…, build: f)` call, a local
/// function `f` (not a path), or `fn f(r: &mut Registrar) {` on one line.
pub fn register(lib: &str, tool: &str) -> Result<String, String> {
    let build = build_function(lib)?;
    let (line, registrar) = build_line(lib, &build)?;
    let call = registration(&registrar, tool);
    let mut lines: Vec<&str> = lib.lines().collect();
    lines.insert(line + 1, &call);
    let declaration = format!("mod {tool};");
    let (at, blank_after) = module_position(&lines, tool);
    if blank_after {
        lines.insert(at, "");
    }
    lines.insert(at, &declaration);
    let mut out = lines.join("\n");
    if lib.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// The statement registering `tool` with `registrar`, indented for a function body, laid out
/// as rustfmt would: on one line while the arguments fit its 60-column call width.
pub fn registration(registrar: &str, tool: &str) -> String {
    let args = format!("{tool}::spec(), {tool}::{tool}");
    if args.len() <= 60 {
        format!("    {registrar}.add_tool({args});")
    } else {
        format!(
            "    {registrar}.add_tool(\n        {tool}::spec(),\n        {tool}::{tool},\n    );"
        )
    }
}

/// The build function `declare_plugin!(name: "…", build: f)` names.
fn build_function(lib: &str) -> Result<String, String> {
    let call = lib
        .find("declare_plugin!(")
        .ok_or("no `declare_plugin!(…)` call")?;
    let args = &lib[call..];
    let args = &args[..args.find(')').ok_or("an unclosed `declare_plugin!(`")?];
    let build = args
        .split_once("build:")
        .map(|(_, f)| f.trim().trim_end_matches(',').trim())
        .ok_or("no `build:` in `declare_plugin!(…)`")?;
    if build.is_empty() || !build.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "`declare_plugin!` names `{build}`, not a function of this file"
        ));
    }
    Ok(build.to_owned())
}

/// The index of the line `fn build(r: &mut Registrar) {` and the registrar's name (`r`).
fn build_line(lib: &str, build: &str) -> Result<(usize, String), String> {
    let head = format!("fn {build}(");
    lib.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let t = line.trim();
            let t = t.strip_prefix("pub ").unwrap_or(t);
            let params = t.strip_prefix(&head)?;
            let (registrar, rest) = params.split_once(':')?;
            let registrar = registrar.trim().trim_start_matches("mut ").trim();
            (rest.contains("Registrar") && t.ends_with('{')).then(|| (i, registrar.to_owned()))
        })
        .ok_or_else(|| format!("no `fn {build}(r: &mut Registrar) {{` line"))
}

/// Where `mod <tool>;` goes: before the first top-level `mod` declaration of the last run of
/// them whose name sorts after `tool` (rustfmt sorts each run), else after that run; with no
/// `mod` declaration, before the first `use` or `omnysys_api::declare_plugin!` line, followed
/// by a blank line. The flag says whether a blank line must follow.
fn module_position(lines: &[&str], tool: &str) -> (usize, bool) {
    let module = |l: &str| {
        let l = l.strip_prefix("pub ").unwrap_or(l);
        let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
        l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned)
    };
    let Some(last) = lines.iter().rposition(|l| module(l).is_some()) else {
        let first = lines
            .iter()
            .position(|l| l.starts_with("use ") || l.contains("declare_plugin!("));
        return (first.unwrap_or(lines.len()), true);
    };
    let mut first = last;
    while first > 0 && module(lines[first - 1]).is_some() {
        first -= 1;
    }
    let after = (first..=last).find(|&i| module(lines[i]).is_some_and(|m| m.as_str() > tool));
    (after.unwrap_or(last + 1), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "//! Doc.\n\nmod errors;\nmod restart;\nmod tunnel;\n\nuse omnysys_api::prelude::*;\n\nomnysys_api::declare_plugin!(name: \"status_tools\", build: build);\n\nfn build(r: &mut Registrar) {\n    r.add_tool(x, y);\n}\n";

    #[test]
    fn the_module_is_sorted_in_and_the_tool_registered_first() {
        let out = register(STATUS, "hello").unwrap();
        assert_eq!(
            out,
            "//! Doc.\n\nmod errors;\nmod hello;\nmod restart;\nmod tunnel;\n\nuse omnysys_api::prelude::*;\n\nomnysys_api::declare_plugin!(name: \"status_tools\", build: build);\n\nfn build(r: &mut Registrar) {\n    r.add_tool(hello::spec(), hello::hello);\n    r.add_tool(x, y);\n}\n"
        );
        let last = register(STATUS, "zeta").unwrap();
        assert!(last.contains("mod tunnel;\nmod zeta;\n\nuse"), "{last}");
    }

    #[test]
    fn long_names_are_registered_over_several_lines_as_rustfmt_would() {
        assert_eq!(
            registration("r", "abcdefghijklmnop"),
            "    r.add_tool(abcdefghijklmnop::spec(), abcdefghijklmnop::abcdefghijklmnop);"
        );
        assert_eq!(
            registration("r", "abcdefghijklmnopq"),
            "    r.add_tool(\n        abcdefghijklmnopq::spec(),\n        abcdefghijklmnopq::abcdefghijklmnopq,\n    );"
        );
    }

    #[test]
    fn a_crate_without_modules_gets_a_declaration_before_its_uses() {
        let lib = "use omnysys_api::prelude::*;\n\nomnysys_api::declare_plugin!(name: \"p\", build: setup);\n\npub fn setup(reg: &mut Registrar) {\n}\n";
        let out = register(lib, "hello").unwrap();
        assert!(out.starts_with("mod hello;\n\nuse omnysys_api"), "{out}");
        assert!(
            out.contains("{\n    reg.add_tool(hello::spec(), hello::hello);\n}"),
            "{out}"
        );
    }

    #[test]
    fn irregular_registration_points_are_refused_with_what_is_missing() {
        let none = register("fn build(r: &mut Registrar) {}\n", "x").unwrap_err();
        assert!(none.contains("declare_plugin!"), "{none}");
        let path = "omnysys_api::declare_plugin!(name: \"p\", build: registry::register);\n";
        assert!(
            register(path, "x")
                .unwrap_err()
                .contains("registry::register")
        );
        let no_fn = "omnysys_api::declare_plugin!(name: \"p\", build: build);\nfn build(\n    r: &mut Registrar,\n) {\n}\n";
        assert!(register(no_fn, "x").unwrap_err().contains("fn build("));
    }
}
