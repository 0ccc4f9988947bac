//! `omnysys new tool NAME [--plugin CRATE] [--toolset FILE] [--workspace DIR] [--no-build]`:
//! scaffold a tool, build the workspace, then add it to the tool set (in that order, so a
//! running server told to load the plugin finds its library). Progress goes to stderr; stdout
//! gets what was done.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use omnysys_engine::scaffold::{Addition, Plan, Request, build_workspace, command_line};

/// What `new` makes.
#[derive(clap::Subcommand, Debug)]
pub enum NewCommand {
    /// A read-only tool: a new plugin crate `systems/NAME_tools` from the template (or, with
    /// --plugin, a tool file in an existing crate), built and added to the tool set.
    Tool(NewToolArgs),
}

/// The arguments of `new tool`.
#[derive(clap::Args, Debug)]
pub struct NewToolArgs {
    /// The tool's name: a snake_case Rust identifier (also its module and function).
    pub name: String,
    /// Add the tool to this existing plugin crate instead of making `NAME_tools`.
    #[arg(long, value_name = "CRATE")]
    pub plugin: Option<String>,
    /// The tool set to add it to (default: the workspace's assets/toolsets/default.toolset.ron,
    /// what `serve` uses).
    #[arg(long, value_name = "FILE")]
    pub toolset: Option<PathBuf>,
    /// The omnysys workspace (default: the one this binary was built in, else the one around
    /// the current directory).
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Do not build; only write the sources and edit the tool set. A running server refuses
    /// an edit naming a library that is not built yet: build, then save the tool set again.
    #[arg(long)]
    pub no_build: bool,
}

/// Runs `new`.
///
/// # Errors
///
/// A refused scaffold (name, workspace, tool set, existing crate, tool or file), a failed
/// build (the tool set is then left alone), or an I/O error; each names what and where.
pub fn run(command: &NewCommand) -> anyhow::Result<ExitCode> {
    match command {
        NewCommand::Tool(args) => new_tool(args),
    }
}

fn new_tool(args: &NewToolArgs) -> anyhow::Result<ExitCode> {
    let plan = Plan::new(&Request {
        tool: args.name.clone(),
        plugin: args.plugin.clone(),
        workspace: args.workspace.clone(),
        toolset: args.toolset.clone(),
    })?;
    let written = plan.write_sources()?;
    let mut out = std::io::stdout().lock();
    for path in &written {
        writeln!(out, "wrote {}", path.display())?;
    }
    if args.no_build {
        eprintln!("not building (--no-build)");
    } else {
        build(&plan)?;
    }
    let addition = plan.add_to_toolset()?;
    let toolset = plan.toolset.display();
    let line = match addition {
        Addition::Plugin => format!("added (crate: \"{}\") to {toolset}", plan.krate),
        Addition::Tool => format!(
            "added \"{}\" to the tools of {} in {toolset}",
            plan.tool, plan.krate
        ),
        Addition::AlreadyServed => format!("{toolset} already serves every tool of {}", plan.krate),
    };
    writeln!(out, "{line}")?;
    writeln!(
        out,
        "tool `{}` of plugin `{}`: edit {}",
        plan.tool,
        plan.krate,
        tool_file(&written).display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Builds the workspace, saying so on stderr; a failure says what was left done and undone.
fn build(plan: &Plan) -> anyhow::Result<()> {
    let started = Instant::now();
    eprintln!(
        "building: {} (in {})",
        command_line(),
        plan.workspace.display()
    );
    build_workspace(&plan.workspace).map_err(|e| {
        anyhow::anyhow!(
            "{e}\nthe sources are written; the tool set `{}` was not changed: fix the build, then \
             serve `{}` from it (e.g. add `(crate: \"{}\"),` to its plugins)",
            plan.toolset.display(),
            plan.krate,
            plan.krate
        )
    })?;
    eprintln!("built in {:.1} s", started.elapsed().as_secs_f64());
    let library = plan.library();
    anyhow::ensure!(
        library.exists(),
        "the build succeeded but `{}` is missing; the tool set was not changed",
        library.display()
    );
    Ok(())
}

/// The tool's own source file among those written (the one that is not lib.rs or Cargo.toml).
fn tool_file(written: &[PathBuf]) -> PathBuf {
    written
        .iter()
        .find(|p| !p.ends_with("src/lib.rs") && !p.ends_with("Cargo.toml"))
        .cloned()
        .unwrap_or_default()
}
