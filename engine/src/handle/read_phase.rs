//! A read phase: shared jobs run side by side on reader threads, each with `&Engine`, while the
//! engine thread keeps receiving jobs.
//!
//! Shared jobs that arrive during the phase join it. An exclusive job that arrives waits for the
//! readers running then (it needs the `World` to itself); while one of *those* still runs, new
//! readers are admitted anyway — the writer waits for it regardless, so a status call is not held
//! behind a slow query — but once they are all done, admissions end and the writer goes next, so
//! a steady stream of queries cannot starve a reload or the loop.

use std::collections::{BTreeSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread::Scope;

use crossbeam_channel::{Receiver, Sender};

use super::{Exclusive, Job, Shared};
use crate::engine::Engine;

/// Readers running at once; shared jobs beyond it wait for a free one, in order.
pub const MAX_READERS: usize = 16;

/// A reader's number in its phase.
type ReaderId = u64;

/// The phase's bookkeeping.
#[derive(Default)]
struct Phase {
    /// Admitted shared jobs not started yet.
    waiting: VecDeque<Shared>,
    /// Readers running.
    running: BTreeSet<ReaderId>,
    /// The next reader's number.
    next_id: ReaderId,
    /// Jobs for after the phase, in order: exclusive jobs that arrived, what finished readers
    /// left to apply, shared jobs that arrived once admissions ended.
    held: Vec<Job>,
    /// Since an exclusive job arrived: the readers that were running then, still running. `None`
    /// while no exclusive job waits.
    writer_waits_for: Option<BTreeSet<ReaderId>>,
}

impl Phase {
    /// Whether a shared job arriving now joins the phase.
    fn admitting(&self) -> bool {
        self.writer_waits_for
            .as_ref()
            .is_none_or(|older| !older.is_empty())
    }

    fn admit(&mut self, job: Job) {
        match job {
            Job::Shared(job) if self.admitting() => self.waiting.push_back(job),
            Job::Exclusive(_) if self.writer_waits_for.is_none() => {
                self.writer_waits_for = Some(self.running.clone());
                self.held.push(job);
            }
            held => self.held.push(held),
        }
    }

    fn finished(&mut self, id: ReaderId, after: Option<Exclusive>) {
        self.running.remove(&id);
        if let Some(older) = &mut self.writer_waits_for {
            older.remove(&id);
        }
        if let Some(after) = after {
            self.held.push(Job::Exclusive(after));
        }
    }
}

/// Runs `first`, and the shared jobs that join it, until every reader is done; returns the jobs
/// held for after the phase, in order.
pub fn read_phase(engine: &Engine, first: Shared, jobs: &Receiver<Job>) -> Vec<Job> {
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done>();
    let mut phase = Phase {
        waiting: VecDeque::from([first]),
        ..Phase::default()
    };
    let never = crossbeam_channel::never();
    let mut open = true;
    std::thread::scope(|scope| {
        loop {
            while phase.running.len() < MAX_READERS {
                let Some(job) = phase.waiting.pop_front() else {
                    break;
                };
                let id = phase.next_id;
                phase.next_id += 1;
                phase.running.insert(id);
                start_reader(scope, engine, (id, job), &done_tx);
            }
            if phase.running.is_empty() {
                break;
            }
            crossbeam_channel::select! {
                recv(done_rx) -> done => {
                    if let Ok((id, after)) = done {
                        phase.finished(id, after);
                    }
                }
                recv(if open { jobs } else { &never }) -> job => match job {
                    Ok(job) => phase.admit(job),
                    Err(_) => open = false,
                },
            }
        }
    });
    phase.held
}

/// Starts `job` on a reader thread (on this thread, if the OS refuses one); it reports on `done`
/// even when engine code in it panicked, so the phase always ends.
fn start_reader<'scope>(
    scope: &'scope Scope<'scope, '_>,
    engine: &'scope Engine,
    (id, job): (ReaderId, Shared),
    done: &Sender<Done>,
) {
    let slot = Arc::new(Mutex::new(Some(job)));
    let (theirs, their_done) = (slot.clone(), done.clone());
    let spawned = std::thread::Builder::new()
        .name("omnysys-reader".into())
        .spawn_scoped(scope, move || {
            if let Some(job) = take(&theirs) {
                let _ = their_done.send((id, run_job(engine, job)));
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start a reader thread; running the call on the engine thread");
        if let Some(job) = take(&slot) {
            let _ = done.send((id, run_job(engine, job)));
        }
    }
}

/// A reader is done: its number, and what it left to apply.
type Done = (ReaderId, Option<Exclusive>);

fn take(slot: &Mutex<Option<Shared>>) -> Option<Shared> {
    slot.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// Runs a shared job, containing a panic of engine code (plugin panics never get this far).
fn run_job(engine: &Engine, job: Shared) -> Option<Exclusive> {
    catch_unwind(AssertUnwindSafe(|| job(engine))).unwrap_or_else(|_| {
        tracing::error!("engine code panicked on a reader thread");
        None
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossbeam_channel::bounded;

    use crate::engine::{Engine, EngineSettings};
    use crate::handle::EngineThread;

    const BOUND: Duration = Duration::from_secs(20);
    /// Time for a job sent from another thread to reach the engine thread (ordering only: a
    /// slower arrival makes the tests weaker, never wrong).
    const ARRIVAL: Duration = Duration::from_millis(100);

    fn engine_thread(name: &str) -> EngineThread {
        let dir = std::env::temp_dir().join(format!("omnysys-{name}-{}", std::process::id()));
        let engine = Engine::new(EngineSettings::for_project(dir)).unwrap();
        EngineThread::spawn(engine, Some(Duration::from_millis(50)))
    }

    /// Starts a reader that holds until `release` is sent; returns when it is running.
    fn start_slow_reader(thread: &EngineThread) -> crossbeam_channel::Sender<()> {
        start_logged_reader(thread, &Log::default(), "slow")
    }

    type Log = std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>;

    /// As [`start_slow_reader`], logging `name` when it ends.
    fn start_logged_reader(
        thread: &EngineThread,
        log: &Log,
        name: &'static str,
    ) -> crossbeam_channel::Sender<()> {
        let (release, held) = bounded::<()>(1);
        let (running, started) = bounded::<()>(1);
        let (handle, log) = (thread.handle(), log.clone());
        std::thread::spawn(move || {
            handle.read(move |_| {
                running.send(()).unwrap();
                held.recv_timeout(BOUND).unwrap();
                log.lock().unwrap().push(name);
            })
        });
        started.recv_timeout(BOUND).unwrap();
        release
    }

    #[test]
    fn a_reader_is_answered_while_another_reader_runs() {
        let thread = engine_thread("readers");
        let release = start_slow_reader(&thread);
        let answer = thread.handle().read(|e| e.settings().project.clone());
        assert!(answer.is_ok());
        release.send(()).unwrap();
    }

    #[test]
    fn a_writer_waits_for_running_readers_and_readers_arriving_meanwhile_still_run() {
        let thread = engine_thread("writer");
        let release = start_slow_reader(&thread);
        let (wrote, written) = bounded::<()>(1);
        let writer = thread.handle();
        std::thread::spawn(move || writer.run(move |_| wrote.send(()).unwrap()));
        std::thread::sleep(ARRIVAL);
        // The writer is held behind the slow reader, yet a new reader is still answered.
        assert!(thread.handle().read(|_| ()).is_ok());
        assert!(
            written.try_recv().is_err(),
            "the writer ran beside a reader"
        );
        release.send(()).unwrap();
        written.recv_timeout(BOUND).unwrap();
    }

    #[test]
    fn once_the_readers_a_writer_waits_for_are_done_new_readers_wait_for_the_writer() {
        let thread = engine_thread("fair");
        let log = Log::default();
        let first = start_logged_reader(&thread, &log, "first reader");
        let writer = {
            let (handle, log) = (thread.handle(), log.clone());
            std::thread::spawn(move || handle.run(move |_| log.lock().unwrap().push("writer")))
        };
        std::thread::sleep(ARRIVAL);
        // Admitted: the writer still waits for the first reader.
        let second = start_logged_reader(&thread, &log, "second reader");
        first.send(()).unwrap();
        std::thread::sleep(ARRIVAL);
        // Not admitted: only readers that came after the writer are left.
        let late = {
            let (handle, log) = (thread.handle(), log.clone());
            std::thread::spawn(move || handle.read(move |_| log.lock().unwrap().push("late")))
        };
        std::thread::sleep(ARRIVAL);
        second.send(()).unwrap();
        writer.join().unwrap().unwrap();
        late.join().unwrap().unwrap();
        let order = log.lock().unwrap().clone();
        assert_eq!(order, ["first reader", "second reader", "writer", "late"]);
    }
}
