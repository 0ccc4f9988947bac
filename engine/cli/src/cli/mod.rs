//! Command-line interface: parsing (clap) and one module per subcommand.

pub mod call;
pub mod export;
pub mod front;
pub mod index;
pub mod logging;
pub mod new;
pub mod progress;
pub mod scenario;
pub mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A code-context MCP server whose tools and extractors are hot-reloaded plugins.
#[derive(Parser, Debug)]
#[command(name = "omnysys", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where to work and what to load.
#[derive(clap::Args, Debug, Clone)]
pub struct ProjectArgs {
    /// The project to serve (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The tool set (default: the workspace's assets/toolsets/default.toolset.ron).
    #[arg(long)]
    pub toolset: Option<PathBuf>,
}

impl ProjectArgs {
    /// What the engine starts from.
    pub fn options(&self) -> omnysys_engine::startup::StartOptions {
        omnysys_engine::startup::StartOptions {
            project: self.project.clone(),
            toolset: self.toolset.clone(),
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve a project over MCP: stdio by default, Streamable HTTP with --http.
    Serve(serve::ServeArgs),
    /// Run headless RON scenario files.
    Scenario {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Index the project once and call one tool with JSON arguments; print the result.
    Call {
        #[command(flatten)]
        project: ProjectArgs,
        /// Tool name.
        tool: String,
        /// Arguments as a JSON object.
        #[arg(default_value = "{}")]
        args: String,
    },
    /// Index the project once, write a snapshot, and print what was found.
    Index {
        #[command(flatten)]
        project: ProjectArgs,
    },
    /// Print the project's snapshot (`.omnysys/snapshot.json`, checksum verified) as readable
    /// RON, for inspection.
    Export {
        /// The project whose snapshot to print.
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// Write to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Index the project once and print its file import graph as JSON (`{file: [imports]}`),
    /// for comparison with other tools.
    Graph {
        #[command(flatten)]
        project: ProjectArgs,
    },
    /// Ask the server serving a project to roll a plugin back to its previous good library.
    Rollback {
        /// The plugin name (as `get_server_status` lists it).
        plugin: String,
        /// The project the server serves.
        #[arg(long, default_value = ".")]
        project: PathBuf,
    },
    /// Scaffold something into the workspace: `new tool NAME` makes a tool, builds it and adds
    /// it to the tool set (a running server loads it and announces it).
    New {
        #[command(subcommand)]
        what: new::NewCommand,
    },
    /// Measure reload latency (release build): see the README for the recorded numbers.
    Bench(omnysys_harness::bench::BenchArgs),
}

/// Runs a parsed command line.
///
/// # Errors
///
/// Anything that stops the command; the message names the problem.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Scenario { files } => scenario::run(&files),
        Command::Call {
            project,
            tool,
            args,
        } => call::run(&project, &tool, &args),
        Command::Bench(args) => omnysys_harness::bench::run(&args),
        Command::Index { project } => index::run(&project),
        Command::Graph { project } => index::graph(&project),
        Command::Export { project, output } => export::run(&project, output.as_deref()),
        Command::Rollback { plugin, project } => rollback(&plugin, &project),
        Command::New { what } => new::run(&what),
    }
}

fn rollback(plugin: &str, project: &std::path::Path) -> anyhow::Result<ExitCode> {
    let state_dir = omnysys_engine::EngineSettings::for_project(project.canonicalize()?).state_dir;
    let answer = omnysys_engine::watch::control::request_rollback(
        &state_dir,
        plugin,
        std::time::Duration::from_secs(10),
    )
    .map_err(anyhow::Error::msg)?;
    use std::io::Write;
    write!(std::io::stdout().lock(), "{answer}")?;
    let ok = answer.contains("RolledBack");
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
