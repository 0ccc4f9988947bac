//! The crash loop's backoff: 0.1 s after the first crash, doubling up to 5 s while children keep
//! ending within [`STABLE_AFTER`] of their start.

use std::time::Duration;

/// A child that served this long ends the crash loop.
pub const STABLE_AFTER: Duration = Duration::from_secs(10);
const FIRST: Duration = Duration::from_millis(100);
const CAP: Duration = Duration::from_secs(5);

/// Ends in a row and the next delay.
#[derive(Debug, Default)]
pub struct Backoff {
    in_a_row: u32,
}

impl Backoff {
    /// The delay before the next start, for a child that lived `lived`.
    pub fn after_end(&mut self, lived: Duration) -> Duration {
        if lived >= STABLE_AFTER {
            self.in_a_row = 0;
        }
        self.in_a_row += 1;
        let factor = 1u32 << (self.in_a_row - 1).min(16);
        FIRST.saturating_mul(factor).min(CAP)
    }

    /// Ends in a row so far.
    #[must_use]
    pub fn in_a_row(&self) -> u32 {
        self.in_a_row
    }

    /// `message`, and when the engine is looping, that it backs off.
    #[must_use]
    pub fn say(&self, message: &str, delay: Duration) -> String {
        if self.in_a_row < 2 {
            return message.to_owned();
        }
        let text = format!(
            "{message} (crash loop: {} ends in a row; backing off {} ms before the next start)",
            self.in_a_row,
            delay.as_millis()
        );
        tracing::warn!(
            in_a_row = self.in_a_row,
            delay_ms = delay.as_millis() as u64,
            "engine crash loop; backing off"
        );
        text
    }
}
