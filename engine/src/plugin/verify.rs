//! Checking a plugin before any of its code runs: who may write the file, that it is an ELF
//! shared object exporting the entry symbol (before `dlopen`, which runs constructors), and its
//! manifest against the engine's own.

use std::sync::OnceLock;

use std::path::Path;

use omnysys_api::manifest::{
    API_VERSION, ENTRY_SYMBOL, Manifest, PROFILE, RUSTC_VERSION, boundary_types,
};

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

/// Checks that a library file (`meta`, taken on the open file) belongs to the user running the
/// engine and is not world-writable: anyone who can write it can run code in the engine. The rule
/// the tool-set parser applies to `path:` libraries, applied to every library loaded.
///
/// # Errors
///
/// `Untrusted`, naming the file, its owner or mode.
pub fn check_library_owner(path: &Path, meta: &std::fs::Metadata) -> Result<(), LoadError> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(LoadError::Untrusted(format!(
            "library `{}` is owned by uid {}, not by the user running omnysys (uid {me})",
            path.display(),
            meta.uid()
        )));
    }
    if meta.mode() & 0o002 != 0 {
        return Err(LoadError::Untrusted(format!(
            "library `{}` is world-writable (mode {:o}); refusing to load it",
            path.display(),
            meta.mode() & 0o7777
        )));
    }
    Ok(())
}

/// Checks, from the file's bytes and before `dlopen` (which runs the library's constructors),
/// that it is an ELF64 little-endian shared object whose dynamic symbol table defines
/// [`ENTRY_SYMBOL`]. Every offset is bounds-checked: garbage or a truncated file is refused,
/// never a panic.
///
/// # Errors
///
/// `NotALibrary` when it is not a well-formed ELF shared object, `NoEntry` when it is one
/// without the entry symbol.
pub fn check_plugin_elf(bytes: &[u8]) -> Result<(), LoadError> {
    let not_a_library = |why: &str| {
        LoadError::NotALibrary(format!("not an ELF64 little-endian shared object: {why}"))
    };
    let elf = Elf::parse(bytes).map_err(not_a_library)?;
    if elf
        .exports(ENTRY_SYMBOL.as_bytes())
        .map_err(not_a_library)?
    {
        Ok(())
    } else {
        Err(LoadError::NoEntry(ENTRY_SYMBOL))
    }
}

const ET_DYN: u16 = 3;
const SHT_STRTAB: u32 = 3;
const SHT_DYNSYM: u32 = 11;
const SECTION_HEADER_BYTES: u64 = 64;
const SYMBOL_BYTES: u64 = 24;

/// An ELF64 little-endian file whose section header table lies inside it.
struct Elf<'a> {
    bytes: &'a [u8],
    shoff: u64,
    shentsize: u64,
    shnum: u64,
}

/// One section header's fields used here.
struct Section {
    kind: u32,
    offset: u64,
    size: u64,
    link: u32,
    entsize: u64,
}

fn slice(bytes: &[u8], offset: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    bytes.get(start..end)
}

fn u16_at(bytes: &[u8], offset: u64) -> Option<u16> {
    Some(u16::from_le_bytes(
        slice(bytes, offset, 2)?.try_into().ok()?,
    ))
}

fn u32_at(bytes: &[u8], offset: u64) -> Option<u32> {
    Some(u32::from_le_bytes(
        slice(bytes, offset, 4)?.try_into().ok()?,
    ))
}

fn u64_at(bytes: &[u8], offset: u64) -> Option<u64> {
    Some(u64::from_le_bytes(
        slice(bytes, offset, 8)?.try_into().ok()?,
    ))
}

impl<'a> Elf<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, &'static str> {
        if bytes.get(..4) != Some(b"\x7fELF".as_slice()) {
            return Err("no ELF magic");
        }
        if bytes.get(4..6) != Some([2u8, 1].as_slice()) {
            return Err("not 64-bit little-endian");
        }
        let truncated = "header cut short";
        if u16_at(bytes, 0x10).ok_or(truncated)? != ET_DYN {
            return Err("not a shared object (ELF type is not ET_DYN)");
        }
        let shoff = u64_at(bytes, 0x28).ok_or(truncated)?;
        let shentsize = u64::from(u16_at(bytes, 0x3a).ok_or(truncated)?);
        let shnum = u64::from(u16_at(bytes, 0x3c).ok_or(truncated)?);
        if shentsize < SECTION_HEADER_BYTES {
            return Err("section header entries are too small");
        }
        if slice(bytes, shoff, shentsize * shnum).is_none() {
            return Err("the section header table lies outside the file (cut short?)");
        }
        Ok(Elf {
            bytes,
            shoff,
            shentsize,
            shnum,
        })
    }

    /// Section `index`'s header (inside the file: checked by `parse`).
    fn section(&self, index: u64) -> Option<Section> {
        if index >= self.shnum {
            return None;
        }
        let at = self.shoff + index * self.shentsize;
        Some(Section {
            kind: u32_at(self.bytes, at + 4)?,
            offset: u64_at(self.bytes, at + 0x18)?,
            size: u64_at(self.bytes, at + 0x20)?,
            link: u32_at(self.bytes, at + 0x28)?,
            entsize: u64_at(self.bytes, at + 0x38)?,
        })
    }

    /// Whether a dynamic symbol table defines (not merely references) `name`.
    fn exports(&self, name: &[u8]) -> Result<bool, &'static str> {
        for index in 0..self.shnum {
            let Some(table) = self.section(index).filter(|s| s.kind == SHT_DYNSYM) else {
                continue;
            };
            let strings = self
                .section(u64::from(table.link))
                .filter(|s| s.kind == SHT_STRTAB)
                .ok_or("the dynamic symbol table has no string table")?;
            let strings = slice(self.bytes, strings.offset, strings.size)
                .ok_or("the dynamic string table lies outside the file")?;
            let symbols = slice(self.bytes, table.offset, table.size)
                .ok_or("the dynamic symbol table lies outside the file")?;
            if table.entsize < SYMBOL_BYTES {
                return Err("dynamic symbol entries are too small");
            }
            if defines(symbols, table.entsize, strings, name) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether one of `symbols` (entries of `entsize` bytes) is a defined symbol named `name`.
fn defines(symbols: &[u8], entsize: u64, strings: &[u8], name: &[u8]) -> bool {
    let Ok(entsize) = usize::try_from(entsize) else {
        return false;
    };
    symbols.chunks_exact(entsize).any(|symbol| {
        let (Some(st_name), Some(st_shndx)) = (u32_at(symbol, 0), u16_at(symbol, 6)) else {
            return false;
        };
        st_shndx != 0 && name_at(strings, st_name) == Some(name)
    })
}

/// The NUL-terminated string at `offset` of a string table.
fn name_at(strings: &[u8], offset: u32) -> Option<&[u8]> {
    let rest = strings.get(usize::try_from(offset).ok()?..)?;
    let end = rest.iter().position(|b| *b == 0)?;
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real plugin library built in this workspace.
    fn plugin_bytes() -> Vec<u8> {
        let engine_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = engine_dir.parent().unwrap_or(engine_dir);
        let found = ["debug", "release"]
            .iter()
            .map(|p| root.join("target").join(p).join("libfixture_v1.so"))
            .find(|p| p.exists());
        let path = found.unwrap_or_else(|| {
            panic!("no target/{{debug,release}}/libfixture_v1.so: run `cargo build --release --workspace` first")
        });
        std::fs::read(path).unwrap()
    }

    #[test]
    fn a_plugin_library_passes_the_elf_check_and_the_test_binary_is_refused_without_its_entry() {
        assert_eq!(check_plugin_elf(&plugin_bytes()), Ok(()));
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let err = check_plugin_elf(&exe).unwrap_err();
        assert!(
            matches!(err, LoadError::NoEntry(_) | LoadError::NotALibrary(_)),
            "{err}"
        );
        assert!(matches!(
            check_plugin_elf(b"just some text, certainly no ELF"),
            Err(LoadError::NotALibrary(_))
        ));
    }

    #[test]
    fn every_truncation_and_corruption_of_a_library_is_refused_without_panicking() {
        let bytes = plugin_bytes();
        let step = (bytes.len() / 997).max(1);
        let cuts = (0..bytes.len())
            .step_by(step)
            .chain(bytes.len() - 64..bytes.len());
        for cut in cuts {
            assert!(check_plugin_elf(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        // Header fields set to extremes, one byte at a time.
        for at in 0..64 {
            for value in [0u8, 1, 0x7f, 0xff] {
                let mut bad = bytes.clone();
                bad[at] = value;
                let _ = check_plugin_elf(&bad);
            }
        }
        // Every section header's fields set to extremes.
        let elf = Elf::parse(&bytes).unwrap();
        for index in 0..elf.shnum {
            let at = usize::try_from(elf.shoff + index * elf.shentsize).unwrap();
            for field in (0..64).step_by(4) {
                let mut bad = bytes.clone();
                bad[at + field..at + field + 4].copy_from_slice(&[0xff; 4]);
                let _ = check_plugin_elf(&bad);
            }
        }
    }
}
