//! When a running call must stop: its deadline, and its client's cancellation.
//!
//! The engine cannot interrupt plugin code; a long computation stops by asking. Every tool's
//! [`ToolContext`](crate::tool::ToolContext) carries a [`Stop`]: loops over the project call
//! [`Stop::check`] (or iterate through `tool_support::Project`, which stops by itself), and the
//! wrapper around every tool turns a call that ran past its stop into an error, whatever it
//! computed by then — a partial answer is never sent as if it were whole.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Why a call was stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The call ran past its deadline.
    TimedOut {
        /// How long it had.
        limit: Duration,
    },
    /// The client cancelled it.
    Cancelled,
}

/// A call's deadline and cancellation flag. Cheap to copy and to check (a clock read and an
/// atomic load).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stop<'w> {
    deadline: Option<(Instant, Duration)>,
    cancel: Option<&'w AtomicBool>,
}

impl<'w> Stop<'w> {
    /// A call that never stops (tests, loop systems).
    pub fn never() -> Self {
        Stop::default()
    }

    /// A call that stops `limit` after `started`, or when `cancel` is set.
    pub fn new(started: Instant, limit: Option<Duration>, cancel: Option<&'w AtomicBool>) -> Self {
        Stop {
            deadline: limit.map(|limit| (started + limit, limit)),
            cancel,
        }
    }

    /// Why the call must stop now, if it must.
    pub fn reason(&self) -> Option<StopReason> {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Some(StopReason::Cancelled);
        }
        match self.deadline {
            Some((at, limit)) if Instant::now() >= at => Some(StopReason::TimedOut { limit }),
            _ => None,
        }
    }

    /// Whether the call must stop now.
    pub fn stopped(&self) -> bool {
        self.reason().is_some()
    }

    /// Returns why the call must stop, once it must (`?` turns it into the tool's error).
    ///
    /// # Errors
    ///
    /// The [`StopReason`] once the deadline has passed or the client cancelled.
    pub fn check(&self) -> Result<(), StopReason> {
        self.reason().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_without_deadline_or_flag_never_fires() {
        assert!(Stop::never().check().is_ok());
    }

    #[test]
    fn a_passed_deadline_stops_the_call_with_its_limit() {
        let limit = Duration::from_millis(5);
        let stop = Stop::new(Instant::now() - limit * 2, Some(limit), None);
        assert_eq!(stop.reason(), Some(StopReason::TimedOut { limit }));
        assert_eq!(stop.check(), Err(StopReason::TimedOut { limit }));
    }

    #[test]
    fn the_cancel_flag_stops_the_call_before_its_deadline() {
        let flag = AtomicBool::new(false);
        let stop = Stop::new(Instant::now(), Some(Duration::from_secs(60)), Some(&flag));
        assert!(!stop.stopped());
        flag.store(true, Ordering::Relaxed);
        assert_eq!(stop.reason(), Some(StopReason::Cancelled));
    }
}
