//! Persistent World state: what must survive every reload, and its digest.

pub mod changes;
mod digest;

pub use digest::{PersistentState, facts_digest, persistent_state, state_digest};
