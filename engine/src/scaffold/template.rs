//! The tool-plugin template (`assets/templates/tool_plugin/`), compiled into the binary so that
//! `omnysys new tool` works the same from any directory, with its placeholders: `{{tool}}` (the
//! tool, its module and function), `{{crate}}` (the plugin crate and plugin name) and
//! `{{registration}}` (the `add_tool` statement, laid out for the name's length).

/// One file of the template: its path inside the crate (`{{tool}}` substituted) and contents.
struct File {
    path: &'static str,
    text: &'static str,
}

const CRATE_FILES: [File; 3] = [
    File {
        path: "Cargo.toml",
        text: include_str!("../../../assets/templates/tool_plugin/Cargo.toml.tmpl"),
    },
    File {
        path: "src/lib.rs",
        text: include_str!("../../../assets/templates/tool_plugin/src/lib.rs.tmpl"),
    },
    TOOL_FILE,
];

const TOOL_FILE: File = File {
    path: "src/{{tool}}.rs",
    text: include_str!("../../../assets/templates/tool_plugin/src/tool.rs.tmpl"),
};

/// A rendered file: its path relative to the crate directory and its text.
pub type Rendered = (String, String);

/// Every file of a new plugin crate `krate` serving `tool`.
pub fn crate_files(krate: &str, tool: &str) -> Vec<Rendered> {
    CRATE_FILES.iter().map(|f| render(f, krate, tool)).collect()
}

/// The tool's own file (`src/<tool>.rs`), for adding it to the existing crate `krate`.
pub fn tool_file(krate: &str, tool: &str) -> Rendered {
    render(&TOOL_FILE, krate, tool)
}

fn render(file: &File, krate: &str, tool: &str) -> Rendered {
    let registration = super::register::registration("r", tool);
    let fill = |s: &str| {
        s.replace("{{registration}}", &registration)
            .replace("{{tool}}", tool)
            .replace("{{crate}}", krate)
    };
    (fill(file.path), fill(file.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        let files = crate_files("hello_tools", "hello");
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["Cargo.toml", "src/lib.rs", "src/hello.rs"]);
        for (path, text) in &files {
            assert!(!text.contains("{{"), "{path}: {text}");
        }
        assert!(files[0].1.contains("name = \"hello_tools\""));
        assert!(files[1].1.contains("declare_plugin!(name: \"hello_tools\""));
        assert!(files[2].1.contains("pub fn hello(ctx"));
    }
}
