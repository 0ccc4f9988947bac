//! Plugin-owned persistent state: serialized values under stable string keys.
//!
//! A plugin keeps no state of its own between calls: its library may be replaced at any moment.
//! State it wants to keep lives in the engine's [`PluginStates`] resource as JSON, keyed by
//! `"<plugin>:<KEY>"`. When a new version of the plugin loads, each declared state is read back
//! into the new type: fields added with `#[serde(default)]` migrate; a value that no longer fits
//! is reset to `Default` and the engine logs a warning naming the key and the reason.

use std::collections::BTreeMap;

use bevy_ecs::resource::Resource;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::guard::{Panicked, contain};

/// A type a plugin keeps across its own reloads.
pub trait Persistent: Serialize + DeserializeOwned + Default + 'static {
    /// Stable key, unique within the plugin. Never derive it from a `TypeId`.
    const KEY: &'static str;
}

/// One stored value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredState {
    /// The Rust type name that last wrote it (for diagnostics only).
    pub type_name: String,
    /// The value.
    pub value: serde_json::Value,
}

/// Every plugin's persistent state, keyed by `"<plugin>:<KEY>"`.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PluginStates(pub BTreeMap<String, StoredState>);

impl PluginStates {
    /// The full key for a plugin's state.
    pub fn key(plugin: &str, key: &str) -> String {
        format!("{plugin}:{key}")
    }
}

/// What happened to a stored value when a plugin generation loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum StateMigration {
    /// Nothing was stored: the default value was written.
    Initialized(serde_json::Value),
    /// The stored value reads back unchanged.
    Kept,
    /// The stored value reads back and re-serializes differently (new defaulted fields).
    Migrated(serde_json::Value),
    /// The stored value does not fit the new type: reset to default.
    Reset {
        /// The default value written instead.
        value: serde_json::Value,
        /// Why the old value did not fit.
        reason: String,
    },
}

/// Migration of one stored value into the new type; runs inside the plugin.
pub type MigrateFn =
    Box<dyn Fn(Option<&serde_json::Value>) -> Result<StateMigration, Panicked> + Send + Sync>;

/// A state type declared by a plugin.
pub struct StateDecl {
    /// The plugin-local key ([`Persistent::KEY`]).
    pub key: String,
    /// The Rust type name.
    pub type_name: String,
    /// Reads an old value into the new type.
    pub migrate: MigrateFn,
}

impl StateDecl {
    /// Declares `T`. Generic, so the closure is compiled into the plugin.
    pub fn of<T: Persistent>() -> Self {
        StateDecl {
            key: T::KEY.to_owned(),
            type_name: std::any::type_name::<T>().to_owned(),
            migrate: Box::new(|old| contain(|| migrate::<T>(old))),
        }
    }
}

fn migrate<T: Persistent>(old: Option<&serde_json::Value>) -> StateMigration {
    let default = || serde_json::to_value(T::default()).unwrap_or(serde_json::Value::Null);
    let Some(old) = old else {
        return StateMigration::Initialized(default());
    };
    match serde_json::from_value::<T>(old.clone()) {
        Ok(value) => {
            let new = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
            if &new == old {
                StateMigration::Kept
            } else {
                StateMigration::Migrated(new)
            }
        }
        Err(err) => StateMigration::Reset {
            value: default(),
            reason: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Default)]
    struct V2 {
        count: u64,
        #[serde(default)]
        label: String,
    }
    impl Persistent for V2 {
        const KEY: &'static str = "counter";
    }

    #[test]
    fn a_new_defaulted_field_migrates_and_a_wrong_type_resets() {
        let decl = StateDecl::of::<V2>();
        let old = serde_json::json!({"count": 7});
        let migrated = (decl.migrate)(Some(&old)).unwrap();
        assert_eq!(
            migrated,
            StateMigration::Migrated(serde_json::json!({"count": 7, "label": ""}))
        );
        let wrong = serde_json::json!({"count": "seven"});
        match (decl.migrate)(Some(&wrong)).unwrap() {
            StateMigration::Reset { value, reason } => {
                assert_eq!(value, serde_json::json!({"count": 0, "label": ""}));
                assert!(reason.contains("invalid type"), "{reason}");
            }
            other => panic!("expected a reset, got {other:?}"),
        }
    }
}
