//! The one module that loads libraries. Every `unsafe` block of the engine is here.
//!
//! A library is never opened from the path the compiler writes: it is copied to a fresh file
//! first (`dlopen` of a path already loaded returns the old handle, and cargo rewrites files in
//! place), then opened, and its entry static read field by field, checking what can be checked
//! before trusting the next field.
#![expect(
    unsafe_code,
    reason = "loading a plugin library and reading its entry static"
)]

use std::path::{Path, PathBuf};

use libloading::Library;
use omnysys_api::host::HostApi;
use omnysys_api::manifest::{ENTRY_SYMBOL, MAGIC, Manifest, PluginEntry, TypeFingerprint};
use omnysys_api::registrar::{Registrar, Registration};

use super::error::LoadError;

/// An opened copy of a plugin library. Dropping it closes the library.
///
/// # Caveats
///
/// Everything that points into the library (boxed functions, vtables) must be dropped first;
/// the engine guarantees it by holding an `Arc<LoadedLibrary>` next to each such value.
#[derive(Debug)]
pub struct LoadedLibrary {
    library: Option<Library>,
    entry: *const PluginEntry,
    copy: PathBuf,
    /// Size of the library file in bytes.
    pub size: u64,
}

// SAFETY: `entry` points at an immutable static inside `library`, which lives as long as this
// value; `Library` itself is Send + Sync.
unsafe impl Send for LoadedLibrary {}
// SAFETY: as above; the pointee is never written.
unsafe impl Sync for LoadedLibrary {}

/// The header fields of a plugin's entry static, copied out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryInfo {
    /// API version.
    pub api_version: u32,
    /// `rustc --version` of the plugin's compiler.
    pub rustc: String,
    /// `debug` or `release`.
    pub profile: String,
    /// Plugin name.
    pub name: String,
    /// Plugin crate version.
    pub version: String,
}

/// The type manifest, copied out of the library into owned strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedManifest {
    /// `(type name, TypeId hash, size, align)` per boundary type.
    pub types: Vec<(String, u64, usize, usize)>,
    /// Hash over all of them.
    pub fingerprint: u64,
}

impl OwnedManifest {
    /// Copies a manifest (the engine's own, or one read from a plugin).
    pub fn copy_of(manifest: &Manifest) -> Self {
        let row = |t: &TypeFingerprint| (t.name.to_owned(), t.type_hash, t.size, t.align);
        OwnedManifest {
            types: manifest.types.iter().map(row).collect(),
            fingerprint: manifest.fingerprint,
        }
    }
}

impl LoadedLibrary {
    /// Writes `bytes` (a library read from disk) to the fresh path `copy` and opens it, checking
    /// that it has a valid entry header.
    ///
    /// # Errors
    ///
    /// `NotALibrary` when the file is not a loadable shared object, `NoEntry` without the entry
    /// symbol, `BadMagic` when the symbol is not an omnysys entry.
    pub fn open(bytes: &[u8], copy: PathBuf) -> Result<(Self, EntryInfo), LoadError> {
        // A new file, never an existing one: rewriting a library that is mapped changes the
        // code of whoever mapped it.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&copy)
            .and_then(|mut file| std::io::Write::write_all(&mut file, bytes));
        written.map_err(|e| LoadError::Io {
            path: copy.clone(),
            message: e.to_string(),
        })?;
        let result = Self::open_copy(&copy, bytes.len() as u64);
        if result.is_err() {
            let _ = std::fs::remove_file(&copy);
        }
        result
    }

    fn open_copy(copy: &Path, size: u64) -> Result<(Self, EntryInfo), LoadError> {
        // SAFETY: loading runs the library's initialisers. Rust cdylibs have none beyond std's;
        // this is the trust the user places in the plugins they configure.
        let library =
            unsafe { Library::new(copy) }.map_err(|e| LoadError::NotALibrary(e.to_string()))?;
        // SAFETY: we only take the address of the symbol here; it is read below after the magic
        // check.
        let entry: *const PluginEntry = unsafe {
            library
                .get::<*const u8>(ENTRY_SYMBOL)
                .ok()
                .and_then(|sym| sym.try_as_raw_ptr())
                .ok_or(LoadError::NoEntry(ENTRY_SYMBOL))? as *const PluginEntry
        };
        if entry.is_null() {
            return Err(LoadError::NoEntry(ENTRY_SYMBOL));
        }
        // SAFETY: the symbol is at least 8 bytes if it is an omnysys entry; every omnysys entry
        // starts with the u64 magic at offset 0 (`#[repr(C)]`).
        let magic = unsafe { std::ptr::read_unaligned(entry as *const u64) };
        if magic != MAGIC {
            return Err(LoadError::BadMagic);
        }
        // SAFETY: the magic matched, so this is a `#[repr(C)]` `PluginEntry`, whose header fields
        // (integers and fixed byte arrays) have the same layout under any compiler.
        let header = unsafe { &*entry };
        let info = EntryInfo {
            api_version: header.api_version,
            rustc: header.rustc.to_string_lossy(),
            profile: header.profile.to_string_lossy(),
            name: header.name.to_string_lossy(),
            version: header.version.to_string_lossy(),
        };
        let loaded = LoadedLibrary {
            library: Some(library),
            entry,
            copy: copy.to_path_buf(),
            size,
        };
        Ok((loaded, info))
    }

    /// Reads the plugin's type manifest.
    ///
    /// Call only after [`EntryInfo`] matched the engine's API version, rustc and profile: the
    /// manifest is a Rust (not C) layout.
    pub fn manifest(&self) -> OwnedManifest {
        // SAFETY: `entry` is valid while `self` lives; the caller checked the header, so the
        // function pointer has the layout and ABI this engine expects.
        let manifest = unsafe { ((*self.entry).manifest)() };
        OwnedManifest::copy_of(manifest)
    }

    /// Calls the plugin's register function. Panics are contained inside the plugin.
    ///
    /// # Errors
    ///
    /// The plugin's own message, when its `build` panicked.
    pub fn register(&self, host: HostApi) -> Result<Registration, String> {
        let mut registrar = Registrar::default();
        // SAFETY: as in `manifest`, and the manifest was verified too, so `Registrar` has the
        // same layout on both sides.
        unsafe { ((*self.entry).register)(&mut registrar, host) }?;
        Ok(registrar.into_parts())
    }
}

impl LoadedLibrary {
    /// The fresh copy this library was opened from.
    pub fn copy_path(&self) -> &Path {
        &self.copy
    }
}

impl Drop for LoadedLibrary {
    fn drop(&mut self) {
        if let Some(library) = self.library.take()
            && let Err(e) = library.close()
        {
            tracing::warn!(copy = %self.copy.display(), error = %e, "closing a plugin library failed");
        }
        let _ = std::fs::remove_file(&self.copy);
    }
}
