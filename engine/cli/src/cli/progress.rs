//! A progress bar for one-shot commands, drawn on stderr only when stderr is a terminal (logs and
//! pipes get none).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Bars are redrawn at most this often (the last one always).
const REDRAW: Duration = Duration::from_millis(50);

/// Width of the bar, in cells.
const WIDTH: usize = 30;

/// A progress bar on stderr.
pub struct ProgressBar {
    label: &'static str,
    enabled: bool,
    drawn: Option<Instant>,
}

impl ProgressBar {
    /// A bar labelled `label`, enabled when stderr is a terminal.
    pub fn on_stderr(label: &'static str) -> Self {
        Self {
            label,
            enabled: std::io::stderr().is_terminal(),
            drawn: None,
        }
    }

    /// Shows `done` of `total`.
    pub fn update(&mut self, done: u64, total: u64) {
        let due = self.drawn.is_none_or(|at| at.elapsed() >= REDRAW) || done >= total;
        if self.enabled && due {
            let _ = write!(
                std::io::stderr().lock(),
                "\r{}",
                render(self.label, done, total)
            );
            self.drawn = Some(Instant::now());
        }
    }

    /// Clears the bar's line.
    pub fn finish(&mut self) {
        if self.enabled && self.drawn.is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// `label [#########.....] done/total files pct%`.
pub fn render(label: &str, done: u64, total: u64) -> String {
    let total = total.max(done);
    let ratio = if total == 0 {
        1.0
    } else {
        done as f64 / total as f64
    };
    let filled = ((ratio * WIDTH as f64).round() as usize).min(WIDTH);
    format!(
        "{label} [{}{}] {done}/{total} files {:>3.0}%",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        ratio * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn the_bar_fills_in_proportion_to_the_files_done() {
        assert_eq!(
            render("indexing", 250, 1000),
            "indexing [########......................] 250/1000 files  25%"
        );
        assert_eq!(
            render("indexing", 1000, 1000),
            format!("indexing [{}] 1000/1000 files 100%", "#".repeat(30))
        );
    }

    #[test]
    fn an_empty_project_is_complete_and_a_growing_total_never_overflows_the_bar() {
        assert!(render("indexing", 0, 0).ends_with("0/0 files 100%"));
        assert!(render("indexing", 12, 10).contains("12/12 files 100%"));
    }
}
