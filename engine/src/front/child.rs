//! Engine children: starting one, handing calls to it, and starting a successor when it ends.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::backoff::Backoff;
use super::crash::{CrashReport, quarantine};
use super::link::{Link, Notification};
use crate::plugin::quarantine::{CRASH_DIR_ENV, CRASH_FILE, LEDGER_FILE};

/// How to start an engine child.
#[derive(Clone, Debug)]
pub struct ChildSpec {
    /// The executable (the front's own).
    pub exe: PathBuf,
    /// Its arguments (`serve --engine-child ...`).
    pub args: Vec<OsString>,
    /// Where the child leaves its crash record and generation ledger.
    pub crash_dir: PathBuf,
}

/// What the supervisor tells the front.
#[derive(Debug)]
pub enum FrontEvent {
    /// A notification from the serving child.
    Child(Notification),
    /// A child is serving, `after` its predecessor ended (`None` for the first one).
    Serving {
        /// From the end of the previous child (or the hold of an upgrade) to this one's
        /// handshake.
        after: Option<Duration>,
        /// Whether it replaced its predecessor for a new engine binary.
        upgrade: bool,
    },
    /// A child ended; the message says how and what happens next.
    Ended(String),
}

/// How long a child gets from its start to the end of the MCP handshake.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a child gets to write its snapshot and exit once its stdin closed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The serving child's link (`None` while a child starts).
pub type Current = watch::Receiver<Option<Arc<Link>>>;

/// Starts children one after another until `shutdown`: each crash is reported, its culprit
/// quarantined, and a successor started after the crash loop's backoff.
pub fn supervise(
    spec: ChildSpec,
    events: mpsc::UnboundedSender<FrontEvent>,
    shutdown: CancellationToken,
) -> (Current, tokio::task::JoinHandle<()>) {
    let (tx, rx) = watch::channel(None);
    let task = tokio::spawn(run(spec, tx, events, shutdown));
    (rx, task)
}

async fn run(
    spec: ChildSpec,
    current: watch::Sender<Option<Arc<Link>>>,
    events: mpsc::UnboundedSender<FrontEvent>,
    shutdown: CancellationToken,
) {
    let mut backoff = Backoff::default();
    let mut ended_at: Option<Instant> = None;
    let mut upgrade = false;
    let mut exe = super::upgrade::stamp(&spec.exe);
    while !shutdown.is_cancelled() {
        let started = Instant::now();
        let Some((mut child, link)) = start(&spec, &events, &shutdown).await else {
            break;
        };
        if link.is_some() {
            current.send_replace(link.clone());
            let after = ended_at.map(|t| t.elapsed());
            let _ = events.send(FrontEvent::Serving { after, upgrade });
        }
        let end = wait_for_end(&mut child, &spec, exe.clone(), &shutdown).await;
        ended_at = Some(Instant::now());
        current.send_replace(None);
        upgrade = matches!(end, End::Upgrade(_));
        match end {
            End::Shutdown => {
                stop(child, link).await;
                break;
            }
            End::Upgrade(new) => {
                exe = new;
                hand_over(child, link).await;
            }
            End::Exited(status) => {
                let message = ended(&spec, status, link.as_deref());
                let delay = backoff.after_end(started.elapsed());
                let _ = events.send(FrontEvent::Ended(backoff.say(&message, delay)));
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = shutdown.cancelled() => break,
                }
            }
        }
    }
    current.send_replace(None);
}

/// Why a child stops serving.
enum End {
    /// It exited (or crashed).
    Exited(std::io::Result<std::process::ExitStatus>),
    /// The front is shutting down.
    Shutdown,
    /// A new engine binary is on disk (its stamp).
    Upgrade(Option<super::upgrade::Stamp>),
}

async fn wait_for_end(
    child: &mut Child,
    spec: &ChildSpec,
    exe: Option<super::upgrade::Stamp>,
    shutdown: &CancellationToken,
) -> End {
    tokio::select! {
        s = child.wait() => End::Exited(s),
        () = shutdown.cancelled() => End::Shutdown,
        new = super::upgrade::changed(&spec.exe, exe) => End::Upgrade(new),
    }
}

/// Spawns a child and completes its handshake; the link is `None` when the handshake failed
/// (the child is then killed and waited for like a crashed one). `None` on shutdown.
async fn start(
    spec: &ChildSpec,
    events: &mpsc::UnboundedSender<FrontEvent>,
    shutdown: &CancellationToken,
) -> Option<(Child, Option<Arc<Link>>)> {
    let _ = std::fs::remove_file(spec.crash_dir.join(CRASH_FILE));
    let _ = std::fs::remove_file(spec.crash_dir.join(LEDGER_FILE));
    let mut child = match spawn(spec) {
        Ok(child) => child,
        Err(e) => {
            tracing::error!(error = %e, exe = %spec.exe.display(), "cannot start the engine process");
            return None;
        }
    };
    let (stdin, stdout) = (child.stdin.take()?, child.stdout.take()?);
    let link = link_to(stdin, stdout, events);
    let shaken = tokio::select! {
        r = tokio::time::timeout(START_TIMEOUT, link.handshake()) => r,
        _ = child.wait() => return Some((child, None)),
        () = shutdown.cancelled() => {
            stop(child, Some(link)).await;
            return None;
        }
    };
    match shaken {
        Ok(Ok(())) => Some((child, Some(link))),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the engine process did not start");
            let _ = child.start_kill();
            Some((child, None))
        }
        Err(_) => {
            tracing::error!(?START_TIMEOUT, "the engine process did not answer in time");
            let _ = child.start_kill();
            Some((child, None))
        }
    }
}

/// A link over the child's pipes whose notifications go to the front as events.
fn link_to(
    stdin: tokio::process::ChildStdin,
    stdout: tokio::process::ChildStdout,
    events: &mpsc::UnboundedSender<FrontEvent>,
) -> Arc<Link> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let link = Link::start(stdin, stdout, tx);
    let forward = events.clone();
    tokio::spawn(async move {
        while let Some(n) = rx.recv().await {
            let _ = forward.send(FrontEvent::Child(n));
        }
    });
    link
}

fn spawn(spec: &ChildSpec) -> std::io::Result<Child> {
    std::fs::create_dir_all(&spec.crash_dir)?;
    Command::new(&spec.exe)
        .args(&spec.args)
        .env(CRASH_DIR_ENV, &spec.crash_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        // Its own process group: a Ctrl-C in the terminal is the front's to handle.
        .process_group(0)
        .spawn()
}

/// Reports how a child ended, quarantines its culprit, and answers its calls in flight.
fn ended(
    spec: &ChildSpec,
    status: std::io::Result<std::process::ExitStatus>,
    link: Option<&Link>,
) -> String {
    let report = match status {
        Ok(status) => CrashReport::read(&spec.crash_dir, status),
        Err(e) => {
            tracing::error!(error = %e, "cannot wait for the engine process");
            CrashReport::default()
        }
    };
    let quarantined = report.culprit().is_some_and(|c| {
        let reason = report.message(false);
        let reason = reason.split(';').next().unwrap_or_default().to_owned();
        match quarantine(&spec.crash_dir, &c, reason) {
            Ok(entry) => entry.is_some(),
            Err(e) => {
                tracing::error!(error = %e, "cannot write the quarantine file");
                false
            }
        }
    });
    let message = report.message(quarantined);
    tracing::error!(signal = ?report.signal, code = ?report.code, thread = ?report.thread, "{message}");
    if let Some(link) = link {
        link.fail_all(&message);
    }
    message
}

/// Hands over to a new engine binary: the calls in flight finish (bounded), then the child stops
/// and writes its snapshot, which the successor restores.
async fn hand_over(child: Child, link: Option<Arc<Link>>) {
    tracing::info!("a new engine binary; handing over to it");
    if let Some(link) = &link {
        super::upgrade::drain(link).await;
        link.fail_all("the engine was upgraded while this call ran; call it again");
    }
    stop(child, link).await;
}

/// Closes the child's stdin (it writes its snapshot and exits), then waits, bounded.
async fn stop(mut child: Child, link: Option<Arc<Link>>) {
    if let Some(link) = link {
        link.close().await;
    } else {
        let _ = child.start_kill();
    }
    if tokio::time::timeout(STOP_TIMEOUT, child.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            ?STOP_TIMEOUT,
            "the engine process did not stop in time; killing it"
        );
        let _ = child.kill().await;
    }
}
