//! Catching panics on the plugin's side of the boundary.
//!
//! A plugin is a `cdylib` with its own copy of `std`; a panic that unwinds out of it into engine
//! frames aborts the process ("Rust cannot catch foreign exceptions"). Every entry point the
//! engine calls is therefore wrapped in [`contain`], which is generic and so compiled into the
//! plugin: the `catch_unwind` runs on the plugin's own unwinder.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// A panic caught inside plugin code, as a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panicked(pub String);

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "plugin panicked: {}", self.0)
    }
}

/// Runs `f`, turning a panic into [`Panicked`] with the panic's message.
pub fn contain<R>(f: impl FnOnce() -> R) -> Result<R, Panicked> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "non-string panic payload".to_owned()
        };
        Panicked(message)
    })
}
