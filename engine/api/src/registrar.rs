//! The object a plugin's `build` function fills in.
//!
//! The engine creates a [`Registrar`], hands it to the plugin's entry point, and reads back
//! everything it declares. Every method is generic or called from plugin code, so the boxed
//! functions it stores are compiled into the plugin and contain their own panics.

use bevy_ecs::world::World;
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};

use crate::extractor::{self, ExtractInput, ExtractorDecl, ExtractorSpec};
use crate::facts::FileFacts;
use crate::guard::{Panicked, contain};
use crate::schedule::{self, EngineSet, RunWhen, SystemDecl, SystemSpec};
use crate::state::{Persistent, StateDecl};
use crate::tool::{self, ToolContext, ToolDecl, ToolError, ToolSpec};

/// A one-time setup function run with `&mut World` when a generation is committed.
///
/// # Caveats
///
/// The engine first runs it on a scratch `World`; if it registers any component or resource
/// type the engine does not already know, the whole generation is refused.
pub type SetupFn = Box<dyn Fn(&mut World) -> Result<(), Panicked> + Send + Sync>;

/// Everything one plugin generation declares.
#[derive(Default)]
pub struct Registrar {
    tools: Vec<ToolDecl>,
    extractors: Vec<ExtractorDecl>,
    setups: Vec<SetupFn>,
    states: Vec<StateDecl>,
    systems: Vec<SystemDecl>,
}

/// The parts of a filled [`Registrar`], for the engine.
#[doc(hidden)]
pub struct Registration {
    pub tools: Vec<ToolDecl>,
    pub extractors: Vec<ExtractorDecl>,
    pub setups: Vec<SetupFn>,
    pub states: Vec<StateDecl>,
    pub systems: Vec<SystemDecl>,
}

impl Registrar {
    /// Adds a tool. Its input schema is derived from `A`, its output schema from `R`.
    pub fn add_tool<A, R>(
        &mut self,
        spec: ToolSpec,
        f: fn(&ToolContext<'_>, A) -> Result<R, ToolError>,
    ) -> &mut Self
    where
        A: DeserializeOwned + JsonSchema + 'static,
        R: Serialize + JsonSchema + 'static,
    {
        self.tools.push(ToolDecl {
            spec,
            input_schema: schemars::schema_for!(A).to_value(),
            output_schema: schemars::schema_for!(R).to_value(),
            run: tool::wrap(f),
        });
        self
    }

    /// Adds an extractor.
    pub fn add_extractor(
        &mut self,
        spec: ExtractorSpec,
        f: fn(&ExtractInput<'_>) -> Result<FileFacts, String>,
    ) -> &mut Self {
        self.extractors.push(ExtractorDecl {
            spec,
            run: extractor::wrap(f),
        });
        self
    }

    /// Adds a setup function, run once with `&mut World` when the generation is committed.
    pub fn add_setup(&mut self, f: fn(&mut World)) -> &mut Self {
        self.setups
            .push(Box::new(move |world| contain(|| f(world))));
        self
    }

    /// Adds a system to the engine's loop, in `set`, run `when` says. It reads the `World` and
    /// keeps what it derives in plugin state ([`ToolContext::set_state`]); the next generation
    /// of the plugin finds that state, and a generation that does not add the system leaves the
    /// loop without it.
    pub fn add_system(
        &mut self,
        name: &str,
        set: EngineSet,
        when: RunWhen,
        f: fn(&ToolContext<'_>) -> Result<(), String>,
    ) -> &mut Self {
        let spec = SystemSpec {
            name: name.to_owned(),
            set,
            when,
        };
        self.systems.push(SystemDecl {
            spec,
            run: schedule::wrap(f),
        });
        self
    }

    /// Declares a persistent state type, migrated or reset when a new generation loads.
    pub fn add_state<T: Persistent>(&mut self) -> &mut Self {
        self.states.push(StateDecl::of::<T>());
        self
    }

    /// Splits the registrar into what the plugin declared.
    #[doc(hidden)]
    pub fn into_parts(self) -> Registration {
        Registration {
            tools: self.tools,
            extractors: self.extractors,
            setups: self.setups,
            states: self.states,
            systems: self.systems,
        }
    }
}
