//! One cargo child process: started in a process group of its own, read line by line on two
//! reader threads, and killed whole (cargo and every rustc it started) when it is obsolete.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};

use crossbeam_channel::Sender;

/// The longest output line kept whole (longer lines are cut; the rest is skipped).
const MAX_LINE_BYTES: u64 = 256 * 1024;

/// The command build on save runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildCommand {
    /// The program (`cargo`, or `OMNYSYS_CARGO`).
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<String>,
    /// Where it runs (the workspace root).
    pub dir: PathBuf,
}

impl std::fmt::Display for BuildCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.program.to_string_lossy(),
            self.args.join(" ")
        )
    }
}

/// A line of output, or the end of one stream, from the run with this id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// A stdout line (a JSON message).
    Stdout(String),
    /// A stderr line (cargo's progress and notes).
    Stderr(String),
    /// One of the two streams closed.
    Closed,
}

/// A running cargo.
#[derive(Debug)]
pub struct CargoRun {
    child: Option<Child>,
    /// Its process id, which is also its process group id.
    pub pid: u32,
    open_streams: u8,
}

impl CargoRun {
    /// Starts `command` in a new process group; its output goes to `lines` tagged with `id`.
    ///
    /// # Errors
    ///
    /// When the program cannot be started.
    pub fn start(
        command: &BuildCommand,
        id: u64,
        lines: &Sender<(u64, Output)>,
    ) -> std::io::Result<Self> {
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .current_dir(&command.dir)
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()?;
        if let Some(out) = child.stdout.take() {
            forward(out, id, lines.clone(), Output::Stdout);
        }
        if let Some(err) = child.stderr.take() {
            forward(err, id, lines.clone(), Output::Stderr);
        }
        Ok(CargoRun {
            pid: child.id(),
            child: Some(child),
            open_streams: 2,
        })
    }

    /// Notes that one stream closed; true once both have (cargo has exited or is exiting).
    pub fn stream_closed(&mut self) -> bool {
        self.open_streams = self.open_streams.saturating_sub(1);
        self.open_streams == 0
    }

    /// Waits for cargo to exit and reaps it.
    ///
    /// # Errors
    ///
    /// When waiting fails.
    pub fn wait(mut self) -> std::io::Result<ExitStatus> {
        match self.child.take() {
            Some(mut child) => child.wait(),
            None => Err(std::io::Error::other("already waited for")),
        }
    }

    /// Kills cargo's whole process group (rustc and build scripts included) and reaps cargo.
    ///
    /// # Errors
    ///
    /// When the group cannot be signalled (it may have exited already) or cargo not reaped.
    pub fn kill(mut self) -> std::io::Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let signalled = kill_group(self.pid);
        let reaped = child.wait().map(drop);
        signalled.and(reaped)
    }
}

impl Drop for CargoRun {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = kill_group(self.pid);
            let _ = child.wait();
        }
    }
}

/// Sends SIGKILL to the process group `pid` leads.
fn kill_group(pid: u32) -> std::io::Result<()> {
    let pid = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .ok_or_else(|| std::io::Error::other("not a process id"))?;
    rustix::process::kill_process_group(pid, rustix::process::Signal::KILL).map_err(Into::into)
}

/// Reads `stream` line by line on a thread of its own until it closes.
fn forward(
    stream: impl Read + Send + 'static,
    id: u64,
    lines: Sender<(u64, Output)>,
    wrap: fn(String) -> Output,
) {
    let spawned = std::thread::Builder::new()
        .name("omnysys-build-io".into())
        .spawn(move || {
            let mut reader = BufReader::new(stream);
            while let Some(line) = read_line(&mut reader) {
                if lines.send((id, wrap(line))).is_err() {
                    return;
                }
            }
            let _ = lines.send((id, Output::Closed));
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start a thread reading cargo's output");
    }
}

/// The next line without its newline (cut at [`MAX_LINE_BYTES`]); `None` at the end.
fn read_line(reader: &mut impl BufRead) -> Option<String> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE_BYTES)
        .read_until(b'\n', &mut buf)
        .ok()?;
    if n == 0 {
        return None;
    }
    if buf.last() != Some(&b'\n') && n as u64 == MAX_LINE_BYTES {
        let mut rest = Vec::new();
        let _ = reader.read_until(b'\n', &mut rest);
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_and_the_next_line_read_whole() {
        let mut text = vec![b'x'; (MAX_LINE_BYTES + 10) as usize];
        text.extend_from_slice(b"\nnext\n");
        let mut reader = std::io::Cursor::new(text);
        assert_eq!(
            read_line(&mut reader).map(|l| l.len()),
            Some(MAX_LINE_BYTES as usize)
        );
        assert_eq!(read_line(&mut reader).as_deref(), Some("next"));
        assert_eq!(read_line(&mut reader), None);
    }
}
