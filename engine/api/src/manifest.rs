//! The ABI manifest a plugin exports, and the [`declare_plugin!`](crate::declare_plugin) macro.
//!
//! Loading is in two steps. First the engine reads [`PluginEntry`], a `#[repr(C)]` static whose
//! layout never depends on the compiler: magic, API version, rustc version, build profile. Only
//! if those match does it call [`PluginEntry::manifest`], which lists the `TypeId` hash, size and
//! alignment of every type that crosses the boundary ([`boundary_types`]). Any difference is
//! refused with the type's name before any plugin code touches the `World`.

use std::any::TypeId;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;

use crate::host::HostApi;
use crate::registrar::Registrar;

/// Version of this contract. Bumped whenever [`PluginEntry`] or [`Manifest`] change shape.
pub const API_VERSION: u32 = 1;
/// First eight bytes of every [`PluginEntry`].
pub const MAGIC: u64 = u64::from_le_bytes(*b"OMNYSYS1");
/// Name of the exported static.
pub const ENTRY_SYMBOL: &str = "OMNYSYS_PLUGIN_ENTRY";
/// The compiler that built this copy of the API crate.
pub const RUSTC_VERSION: &str = env!("OMNYSYS_RUSTC_VERSION");
/// The build profile of this copy of the API crate.
pub const PROFILE: &str = if cfg!(debug_assertions) {
    "debug"
} else {
    "release"
};

/// A string with a layout that does not depend on the compiler.
#[repr(C)]
pub struct FixedStr<const N: usize> {
    len: u32,
    bytes: [u8; N],
}

impl<const N: usize> FixedStr<N> {
    /// Copies `s`, truncated to `N` bytes.
    pub const fn new(s: &str) -> Self {
        let src = s.as_bytes();
        let mut bytes = [0u8; N];
        let mut i = 0;
        while i < src.len() && i < N {
            bytes[i] = src[i];
            i += 1;
        }
        FixedStr {
            len: i as u32,
            bytes,
        }
    }

    /// The string (lossy if it was truncated inside a UTF-8 sequence).
    pub fn to_string_lossy(&self) -> String {
        let len = (self.len as usize).min(N);
        String::from_utf8_lossy(&self.bytes[..len]).into_owned()
    }
}

/// Registers the plugin's systems: called only after the manifest was verified.
pub type RegisterFn = fn(&mut Registrar, HostApi) -> Result<(), String>;

/// The exported static every plugin has, under [`ENTRY_SYMBOL`].
#[repr(C)]
pub struct PluginEntry {
    /// [`MAGIC`].
    pub magic: u64,
    /// [`API_VERSION`] of the plugin's copy of this crate.
    pub api_version: u32,
    /// `rustc --version` of the compiler that built the plugin.
    pub rustc: FixedStr<96>,
    /// `debug` or `release`.
    pub profile: FixedStr<16>,
    /// The plugin's name.
    pub name: FixedStr<64>,
    /// The plugin crate's version.
    pub version: FixedStr<32>,
    /// Returns the type manifest. Call only after the fields above were checked.
    pub manifest: fn() -> &'static Manifest,
    /// Registers the plugin. Call only after the manifest was checked.
    pub register: RegisterFn,
}

impl PluginEntry {
    /// Used by [`declare_plugin!`](crate::declare_plugin).
    pub const fn new(name: &str, version: &str, register: RegisterFn) -> Self {
        PluginEntry {
            magic: MAGIC,
            api_version: API_VERSION,
            rustc: FixedStr::new(RUSTC_VERSION),
            profile: FixedStr::new(PROFILE),
            name: FixedStr::new(name),
            version: FixedStr::new(version),
            manifest: plugin_manifest,
            register,
        }
    }

    /// Replaces the manifest function. For test fixtures that forge a manifest; never needed by a
    /// real plugin.
    #[doc(hidden)]
    pub const fn with_manifest(mut self, manifest: fn() -> &'static Manifest) -> Self {
        self.manifest = manifest;
        self
    }
}

/// Identity and layout of one boundary type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeFingerprint {
    /// `std::any::type_name`.
    pub name: &'static str,
    /// Hash of its `TypeId`.
    pub type_hash: u64,
    /// `size_of`.
    pub size: usize,
    /// `align_of`.
    pub align: usize,
}

impl TypeFingerprint {
    /// The fingerprint of `T` as this copy of the crate sees it.
    pub fn of<T: 'static>() -> Self {
        let mut h = DefaultHasher::new();
        TypeId::of::<T>().hash(&mut h);
        TypeFingerprint {
            name: std::any::type_name::<T>(),
            type_hash: h.finish(),
            size: size_of::<T>(),
            align: align_of::<T>(),
        }
    }
}

/// Every boundary type's fingerprint, and one hash over them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// One entry per type in [`boundary_types`].
    pub types: Vec<TypeFingerprint>,
    /// Hash over `types`.
    pub fingerprint: u64,
}

impl Manifest {
    /// Builds a manifest from a list of types.
    pub fn from_types(types: Vec<TypeFingerprint>) -> Self {
        let mut h = DefaultHasher::new();
        for t in &types {
            (t.name, t.type_hash, t.size, t.align).hash(&mut h);
        }
        Manifest {
            fingerprint: h.finish(),
            types,
        }
    }
}

/// The types whose identity and layout host and plugin must agree on.
pub fn boundary_types() -> Vec<TypeFingerprint> {
    use crate::{extractor, facts, graph, guard, schedule, schema, state, tool};
    vec![
        TypeFingerprint::of::<bevy_ecs::world::World>(),
        TypeFingerprint::of::<bevy_ecs::entity::Entity>(),
        TypeFingerprint::of::<schema::SourceFile>(),
        TypeFingerprint::of::<schema::FileHash>(),
        TypeFingerprint::of::<schema::CacheEntry>(),
        TypeFingerprint::of::<schema::QueueItem>(),
        TypeFingerprint::of::<schema::IndexingState>(),
        TypeFingerprint::of::<schema::ProjectRoot>(),
        TypeFingerprint::of::<schema::FileIndex>(),
        TypeFingerprint::of::<schema::EngineStatus>(),
        TypeFingerprint::of::<schema::RecentErrors>(),
        TypeFingerprint::of::<schema::RecentEdits>(),
        TypeFingerprint::of::<schema::UnresolvedImports>(),
        TypeFingerprint::of::<facts::FileFacts>(),
        TypeFingerprint::of::<graph::DependencyGraph>(),
        TypeFingerprint::of::<state::PluginStates>(),
        TypeFingerprint::of::<state::StateDecl>(),
        TypeFingerprint::of::<state::StateMigration>(),
        TypeFingerprint::of::<tool::ToolContext<'static>>(),
        TypeFingerprint::of::<tool::ToolDecl>(),
        TypeFingerprint::of::<tool::ToolError>(),
        TypeFingerprint::of::<tool::ContentItem>(),
        TypeFingerprint::of::<tool::ToolEvent>(),
        TypeFingerprint::of::<tool::AdminRequest>(),
        TypeFingerprint::of::<extractor::ExtractInput<'static>>(),
        TypeFingerprint::of::<extractor::ExtractorDecl>(),
        TypeFingerprint::of::<schedule::SystemDecl>(),
        TypeFingerprint::of::<schedule::EngineSet>(),
        TypeFingerprint::of::<guard::Panicked>(),
        TypeFingerprint::of::<Registrar>(),
        TypeFingerprint::of::<HostApi>(),
        TypeFingerprint::of::<serde_json::Value>(),
        TypeFingerprint::of::<String>(),
    ]
}

fn plugin_manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| Manifest::from_types(boundary_types()))
}

/// The body of every plugin's register function: installs the host services, routes panic
/// messages to the engine's log, and runs `build` with its panics contained.
#[doc(hidden)]
pub fn register_with(
    registrar: &mut Registrar,
    host: HostApi,
    build: fn(&mut Registrar),
) -> Result<(), String> {
    crate::host::install(host);
    std::panic::set_hook(Box::new(|info| {
        crate::host::log(
            crate::host::LogLevel::Error,
            "plugin::panic",
            &info.to_string(),
        );
    }));
    crate::guard::contain(|| build(registrar)).map_err(|p| p.to_string())
}

/// Exports a plugin's entry point.
///
/// ```ignore
/// omnysys_api::declare_plugin!(name: "graph_tools", build: build);
/// fn build(r: &mut omnysys_api::registrar::Registrar) { /* r.add_tool(...) */ }
/// ```
#[macro_export]
macro_rules! declare_plugin {
    (name: $name:expr, build: $build:path $(,)?) => {
        #[doc(hidden)]
        #[allow(unsafe_code, reason = "the entry static must be exported unmangled")]
        #[unsafe(no_mangle)]
        pub static OMNYSYS_PLUGIN_ENTRY: $crate::manifest::PluginEntry =
            $crate::manifest::PluginEntry::new($name, env!("CARGO_PKG_VERSION"), |r, host| {
                $crate::manifest::register_with(r, host, $build)
            });
    };
}
