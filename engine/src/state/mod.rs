//! Persistent World state: what must survive every reload, and its digest.

pub mod changes;
mod digest;
pub mod published;
mod synthetic;

pub use digest::{FileState, PersistentState, facts_digest, persistent_state, state_digest};
pub use synthetic::spawn_synthetic_files;
