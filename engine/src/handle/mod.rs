//! The engine on its own thread, reached through a channel (the shape of `bevy_remote`).
//!
//! Transports never touch the `World`: they send a job and wait for its answer. A job is
//! *exclusive* (`&mut Engine`: ticks of the loop, reloads, tools that change things) or *shared*
//! (`&Engine`: read-only tool calls). Shared jobs run side by side on reader threads
//! ([`read_phase`](crate::handle::read_phase)), so a slow query does not hold up the others;
//! exclusive jobs run one at a time between read phases, so a reload happens where no plugin code
//! is running, and calls that arrive during a reload wait in the channel and are served by the new
//! generation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::engine::Engine;

mod calls;
mod read_phase;

pub use calls::CallReply;
use read_phase::read_phase;

/// A job that needs the engine to itself.
type Exclusive = Box<dyn FnOnce(&mut Engine) + Send>;
/// A job that only reads; what it must change afterwards comes back as an exclusive job, run
/// once the read phase is over.
type Shared = Box<dyn FnOnce(&Engine) -> Option<Exclusive> + Send>;

/// A job for the engine thread.
enum Job {
    Exclusive(Exclusive),
    Shared(Shared),
}

/// A cloneable handle to an engine thread.
#[derive(Clone)]
pub struct EngineHandle {
    jobs: Sender<Job>,
}

/// The engine thread has stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the engine thread has stopped")]
pub struct EngineGone;

/// The engine thread; joins it when dropped after every handle is gone.
pub struct EngineThread {
    handle: EngineHandle,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EngineThread {
    /// Moves `engine` onto a new thread. With a `period` (how `serve` runs it), the engine's loop
    /// ([`Engine::tick`]) runs after every job and at least every `period`; while it reports
    /// more work, jobs are polled without waiting. Without one, the loop runs only when a job
    /// ticks it (scenarios, which tick at their `Tick` steps to stay deterministic).
    ///
    /// # Panics
    ///
    /// When the OS refuses to start a thread.
    pub fn spawn(engine: Engine, period: Option<Duration>) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded::<Job>();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("omnysys-engine".into())
            .spawn(move || serve_jobs(engine, rx, period, &flag))
            .expect("cannot start the engine thread");
        EngineThread {
            handle: EngineHandle { jobs: tx },
            stop,
            thread: Some(thread),
        }
    }

    /// A handle to send jobs.
    pub fn handle(&self) -> EngineHandle {
        self.handle.clone()
    }

    /// Stops the thread after the jobs already sent, and drops the engine.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.handle.jobs.send(Job::Exclusive(Box::new(|_| {})));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for EngineThread {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve_jobs(
    mut engine: Engine,
    jobs: Receiver<Job>,
    period: Option<Duration>,
    stop: &AtomicBool,
) {
    let mut busy = false;
    // Jobs held back by a read phase, in the order they arrived: served before the channel.
    let mut held = std::collections::VecDeque::new();
    while !stop.load(Ordering::SeqCst) {
        let wait = match period {
            Some(_) if busy => Duration::ZERO,
            Some(period) => period,
            None => Duration::from_secs(3600),
        };
        let next = match held.pop_front() {
            Some(job) => Ok(job),
            None => jobs.recv_timeout(wait),
        };
        match next {
            Ok(Job::Exclusive(job)) => job(&mut engine),
            Ok(Job::Shared(job)) => held.extend(read_phase(&engine, job, &jobs)),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
        }
        if period.is_some() {
            busy = engine.tick();
        }
    }
}

impl EngineHandle {
    /// Runs `f` on the engine thread and waits for its result.
    ///
    /// # Errors
    ///
    /// [`EngineGone`] when the engine thread has stopped.
    pub fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Engine) -> R + Send + 'static,
    ) -> Result<R, EngineGone> {
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.send(Job::Exclusive(Box::new(move |engine| {
            let _ = tx.send(f(engine));
        })))?;
        rx.recv().map_err(|_| EngineGone)
    }

    /// Runs `f` on the engine thread; the future resolves with its result. Dropping the future
    /// before the job starts does not stop the job: pass a cancellation flag for that.
    ///
    /// # Errors
    ///
    /// [`EngineGone`] when the engine thread has stopped.
    pub async fn run_async<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Engine) -> R + Send + 'static,
    ) -> Result<R, EngineGone> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::Exclusive(Box::new(move |engine| {
            let _ = tx.send(f(engine));
        })))?;
        rx.await.map_err(|_| EngineGone)
    }

    /// Runs `f` with read access beside other readers (shared jobs: a slow tool call does not
    /// hold it up), and waits for its result.
    ///
    /// # Errors
    ///
    /// [`EngineGone`] when the engine thread has stopped.
    pub fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> R + Send + 'static,
    ) -> Result<R, EngineGone> {
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.send(Job::Shared(Box::new(move |engine| {
            let _ = tx.send(f(engine));
            None
        })))?;
        rx.recv().map_err(|_| EngineGone)
    }

    /// As [`EngineHandle::read`]; the future resolves with its result.
    ///
    /// # Errors
    ///
    /// [`EngineGone`] when the engine thread has stopped.
    pub async fn read_async<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> R + Send + 'static,
    ) -> Result<R, EngineGone> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::Shared(Box::new(move |engine| {
            let _ = tx.send(f(engine));
            None
        })))?;
        rx.await.map_err(|_| EngineGone)
    }

    fn send(&self, job: Job) -> Result<(), EngineGone> {
        self.jobs.send(job).map_err(|_| EngineGone)
    }
}
