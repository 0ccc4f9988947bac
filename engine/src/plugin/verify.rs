//! Checking a plugin's manifest against the engine's own, before any plugin code runs.

use std::sync::OnceLock;

use omnysys_api::manifest::{API_VERSION, Manifest, PROFILE, RUSTC_VERSION, boundary_types};

use super::error::LoadError;
use super::library::{EntryInfo, OwnedManifest};

/// The engine's own manifest, computed once.
pub fn engine_manifest() -> &'static OwnedManifest {
    static OWN: OnceLock<OwnedManifest> = OnceLock::new();
    OWN.get_or_init(|| OwnedManifest::copy_of(&Manifest::from_types(boundary_types())))
}

/// The command that rebuilds `crate_name` so that it loads into this engine.
pub fn rebuild_hint(crate_name: &str) -> String {
    let profile = if PROFILE == "release" {
        " --release"
    } else {
        ""
    };
    format!(
        "`cargo build{profile} -p omnysys -p {crate_name}` (or `cargo build{profile} --workspace`)"
    )
}

/// Checks the compiler-independent header.
///
/// # Errors
///
/// The first of API version, rustc, profile that differs.
pub fn check_header(info: &EntryInfo, crate_name: &str) -> Result<(), LoadError> {
    if info.api_version != API_VERSION {
        return Err(LoadError::ApiVersion {
            plugin: info.api_version,
            engine: API_VERSION,
        });
    }
    if info.rustc != RUSTC_VERSION {
        return Err(LoadError::Rustc {
            plugin: info.rustc.clone(),
            engine: RUSTC_VERSION.to_owned(),
        });
    }
    if info.profile != PROFILE {
        return Err(LoadError::Profile {
            plugin: info.profile.clone(),
            engine: PROFILE.to_owned(),
            hint: rebuild_hint(crate_name),
        });
    }
    Ok(())
}

/// Checks every boundary type's identity and layout.
///
/// # Errors
///
/// `Fingerprint`, naming the first type that differs.
pub fn check_manifest(plugin: &OwnedManifest, crate_name: &str) -> Result<(), LoadError> {
    let engine = engine_manifest();
    if plugin.fingerprint == engine.fingerprint && plugin.types == engine.types {
        return Ok(());
    }
    let (type_name, detail) = first_difference(plugin, engine);
    Err(LoadError::Fingerprint {
        type_name,
        detail,
        hint: rebuild_hint(crate_name),
    })
}

fn first_difference(plugin: &OwnedManifest, engine: &OwnedManifest) -> (String, String) {
    for (p, e) in plugin.types.iter().zip(&engine.types) {
        if p.0 != e.0 {
            return (p.0.clone(), format!("the engine expected `{}` here", e.0));
        }
        if p.1 != e.1 {
            return (p.0.clone(), "TypeId differs".to_owned());
        }
        if (p.2, p.3) != (e.2, e.3) {
            let detail = format!("size/align {}/{} vs {}/{}", p.2, p.3, e.2, e.3);
            return (p.0.clone(), detail);
        }
    }
    let detail = format!(
        "{} boundary types vs {}, fingerprint {:016x} vs {:016x}",
        plugin.types.len(),
        engine.types.len(),
        plugin.fingerprint,
        engine.fingerprint
    );
    ("<manifest>".to_owned(), detail)
}
