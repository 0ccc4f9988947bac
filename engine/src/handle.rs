//! The engine on its own thread, reached through a channel (the shape of `bevy_remote`).
//!
//! Transports never touch the `World`: they send a job and wait for its answer. Jobs run one at a
//! time, so a reload happens between two jobs, where no plugin code is running; calls that arrive
//! during a reload wait in the channel and are served by the new generation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::engine::Engine;

type Job = Box<dyn FnOnce(&mut Engine) + Send>;

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
        let _ = self.handle.jobs.send(Box::new(|_| {}));
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
    while !stop.load(Ordering::SeqCst) {
        let wait = match period {
            Some(_) if busy => Duration::ZERO,
            Some(period) => period,
            None => Duration::from_secs(3600),
        };
        match jobs.recv_timeout(wait) {
            Ok(job) => job(&mut engine),
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
        self.jobs
            .send(Box::new(move |engine| {
                let _ = tx.send(f(engine));
            }))
            .map_err(|_| EngineGone)?;
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
        self.jobs
            .send(Box::new(move |engine| {
                let _ = tx.send(f(engine));
            }))
            .map_err(|_| EngineGone)?;
        rx.await.map_err(|_| EngineGone)
    }
}
