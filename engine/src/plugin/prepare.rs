//! Building a new generation completely, before it touches the live `World`.
//!
//! Read (a regular file, owned by the user running the engine, not world-writable) → check it is
//! an ELF shared object exporting the entry symbol (before `dlopen` runs any constructor) →
//! copy → open → verify header → verify manifest → register → scratch-World check → state
//! migrations. Each phase is timed. Any failure drops what was built (closing the library) and
//! leaves the serving generation as it was.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy_ecs::world::World;
use omnysys_api::registrar::Registration;
use omnysys_api::state::PluginStates;

use super::error::LoadError;
use super::generation::Generation;
use super::host_api::host_api;
use super::library::LoadedLibrary;
use super::thread::{run_on_plugin_thread, thread_name};
use super::verify::{check_header, check_library_owner, check_manifest, check_plugin_elf};

/// Time spent in each phase, in order.
pub type Phases = Vec<(&'static str, Duration)>;

/// Inputs of [`prepare`].
pub struct PrepareRequest<'a> {
    /// The library as it is on disk.
    pub source: &'a Path,
    /// A fresh path to copy it to.
    pub copy: std::path::PathBuf,
    /// Generation number it will get, by plugin name.
    pub number_for: &'a dyn Fn(&str) -> u64,
    /// The name the library must declare, when replacing a known plugin.
    pub expect_name: Option<&'a str>,
    /// Current plugin-owned state, to compute migrations against.
    pub states: &'a PluginStates,
    /// Registers every type the engine's `World` holds (for the scratch-World check).
    pub schema: fn(&mut World),
}

/// A prepared generation and the time each phase took.
pub struct Prepared {
    /// The generation, not yet committed.
    pub generation: Generation,
    /// Phase timings.
    pub phases: Phases,
}

/// Builds a generation from `req.source`.
///
/// # Errors
///
/// The first check that failed, as a [`LoadError`] whose message names the problem.
pub fn prepare(req: PrepareRequest<'_>) -> Result<Prepared, (LoadError, Phases)> {
    let mut phases = Phases::new();
    let mut clock = Instant::now();
    let lap = |name, phases: &mut Phases, clock: &mut Instant| {
        phases.push((name, clock.elapsed()));
        *clock = Instant::now();
    };
    let bytes = read_library(req.source).map_err(|e| (e, phases.clone()))?;
    check_plugin_elf(&bytes).map_err(|e| (e, phases.clone()))?;
    let content_hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let crate_name = crate_name_of(req.source);
    let (library, info) = LoadedLibrary::open(&bytes, req.copy).map_err(|e| (e, phases.clone()))?;
    lap("open", &mut phases, &mut clock);
    let fail = |e, phases: &Phases| (e, phases.clone());
    check_header(&info, &crate_name).map_err(|e| fail(e, &phases))?;
    if let Some(expected) = req.expect_name.filter(|n| *n != info.name) {
        let err = LoadError::WrongName {
            expected: expected.to_owned(),
            found: info.name.clone(),
        };
        return Err(fail(err, &phases));
    }
    let number = (req.number_for)(&info.name);
    let thread = thread_name(&info.name, number);
    // Manifest, registration and state migrations on one thread of the generation: a thread
    // start costs more than any of them.
    let registered = run_on_plugin_thread(&thread, || {
        register_verified(&library, &crate_name, &info.name, req.states)
    })
    .map_err(LoadError::Registration)
    .and_then(|r| r);
    let (registration, migrations, times) = registered.map_err(|e| fail(e, &phases))?;
    phases.push(("verify", times.0));
    phases.push(("register", times.1));
    clock = Instant::now();
    let mut generation = build_generation(info, number, library, registration, &thread, req.schema)
        .map_err(|e| fail(e, &phases))?;
    generation.migrations = migrations;
    lap("check", &mut phases, &mut clock);
    generation.source = req.source.to_path_buf();
    generation.content_hash = content_hash;
    Ok(Prepared { generation, phases })
}

/// What a verified library registered, the migrations of its states, and the time verifying
/// and registering took.
type Registered = (Registration, Migrations, (Duration, Duration));

type Migrations = Vec<(String, String, omnysys_api::state::StateMigration)>;

/// Checks the manifest, and only then registers the library and migrates its states. Runs on a
/// plugin thread.
fn register_verified(
    library: &LoadedLibrary,
    crate_name: &str,
    plugin: &str,
    states: &PluginStates,
) -> Result<Registered, LoadError> {
    let started = Instant::now();
    check_manifest(&library.manifest(), crate_name)?;
    let verify = started.elapsed();
    let registration = library
        .register(host_api())
        .map_err(LoadError::Registration)?;
    let migrations = migrate_states(plugin, &registration.states, states)?;
    Ok((
        registration,
        migrations,
        (verify, started.elapsed() - verify),
    ))
}

fn build_generation(
    info: super::library::EntryInfo,
    number: u64,
    library: LoadedLibrary,
    registration: Registration,
    thread: &str,
    schema: fn(&mut World),
) -> Result<Generation, LoadError> {
    let library = Arc::new(library);
    let Registration {
        tools,
        extractors,
        setups,
        states: _,
        systems,
    } = registration;
    let mut generation = Generation::new(info, number, library, tools, extractors);
    generation.add_systems(systems);
    generation.setups = setups;
    check_on_scratch_world(&generation, thread, schema)?;
    Ok(generation)
}

/// Reads every declared state into its new type (plugin code: called on a plugin thread).
fn migrate_states(
    plugin: &str,
    decls: &[omnysys_api::state::StateDecl],
    states: &PluginStates,
) -> Result<Migrations, LoadError> {
    decls
        .iter()
        .map(|decl| {
            let key = PluginStates::key(plugin, &decl.key);
            let old = states.0.get(&key).map(|s| &s.value);
            (decl.migrate)(old).map(|m| (key, decl.type_name.clone(), m))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|p| LoadError::Registration(p.to_string()))
}

/// Runs the generation's setup functions on a scratch World carrying the engine's registrations,
/// and refuses the generation if any registers a new component or resource type.
fn check_on_scratch_world(
    generation: &Generation,
    thread: &str,
    schema: fn(&mut World),
) -> Result<(), LoadError> {
    if generation.setups.is_empty() {
        return Ok(());
    }
    let mut scratch = World::new();
    schema(&mut scratch);
    let before = scratch.components().len();
    for setup in &generation.setups {
        run_on_plugin_thread(thread, || setup(&mut scratch))
            .map_err(LoadError::Setup)?
            .map_err(|p| LoadError::Setup(p.to_string()))?;
    }
    let after = scratch.components().len();
    if after == before {
        return Ok(());
    }
    let names: Vec<String> = scratch
        .components()
        .iter_registered()
        .skip(before)
        .map(|(_, info)| format!("{:?}", info.name()))
        .collect();
    Err(LoadError::RegistersTypes(after - before, names.join(", ")))
}

/// Reads a library the engine is about to load: opened without blocking (a FIFO's open would),
/// a regular file, owned by the user running the engine and not world-writable — checked on the
/// open file, so a swap after the check changes nothing.
///
/// # Errors
///
/// `Io` when it cannot be read or is not a regular file, `Untrusted` for its owner or mode.
pub fn read_library(path: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let io = |message: String| LoadError::Io {
        path: path.to_path_buf(),
        message,
    };
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::CLOEXEC;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(|e| io(e.to_string()))?;
    let meta = file.metadata().map_err(|e| io(e.to_string()))?;
    if !meta.is_file() {
        return Err(io("not a regular file".to_owned()));
    }
    check_library_owner(path, &meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)
        .map_err(|e| io(e.to_string()))?;
    Ok(bytes)
}

/// `libfoo_bar.so` → `foo_bar`.
pub fn crate_name_of(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    stem.strip_prefix("lib").unwrap_or(&stem).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_world_writable_library_is_refused_with_the_tool_set_rule_before_it_is_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("omnysys-prep-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let lib = dir.join("libfixture_v1.so");
        std::fs::write(&lib, b"\x7fELF whatever").unwrap();
        std::fs::set_permissions(&lib, std::fs::Permissions::from_mode(0o666)).unwrap();
        let err = read_library(&lib).unwrap_err();
        assert!(matches!(err, LoadError::Untrusted(_)), "{err}");
        assert!(
            err.to_string()
                .contains("is world-writable (mode 666); refusing to load it")
        );
        std::fs::set_permissions(&lib, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_library(&lib).unwrap(), b"\x7fELF whatever");
        let fifo = dir.join("libfifo.so");
        let mode = rustix::fs::Mode::from_raw_mode(0o600);
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, mode).unwrap();
        let err = read_library(&fifo).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
