//! Running a scenario file step by step.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use omnysys_api::state::{PluginStates, StoredState};

use super::check::{check_call, check_load};
use super::model::{Library, LoadExpect, Mutation, Scenario, Step};
use super::stress::{run_soak, run_stress};
use omnysys_engine::engine::{Engine, EngineSettings};
use omnysys_engine::handle::{EngineHandle, EngineThread};
use omnysys_engine::plugin::ToolInvocation;
use omnysys_engine::reload::{ReloadChange, ReloadRecord};
use omnysys_engine::toolset::{LibraryLocator, workspace_root};

/// A failed scenario: which file, which step, what was expected and what happened.
#[derive(Debug, thiserror::Error)]
#[error("{file}: step {index} ({step}): expected {expected}, got {actual}")]
pub struct ScenarioFailure {
    /// The scenario file.
    pub file: String,
    /// 1-based step number (0 for the file itself).
    pub index: usize,
    /// The step, abbreviated.
    pub step: String,
    /// What the step expected.
    pub expected: String,
    /// What happened.
    pub actual: String,
}

/// One step that passed, and how long it took.
pub struct StepReport {
    /// 1-based step number.
    pub index: usize,
    /// The step, abbreviated.
    pub step: String,
    /// Wall time.
    pub elapsed: Duration,
    /// Extra facts worth printing (e.g. stress counts).
    pub note: String,
}

struct Runner {
    handle: EngineHandle,
    locator: LibraryLocator,
    root: PathBuf,
    scratch: PathBuf,
    digests: BTreeMap<String, String>,
    watcher: Option<omnysys_engine::watch::Watcher>,
    last_record: Option<ReloadRecord>,
    callers: Option<super::stress::Callers>,
    states: BTreeMap<String, serde_json::Value>,
}

/// Runs one scenario file; `on_step` is called after each passing step.
///
/// # Errors
///
/// The first step whose expectation failed, or a file that cannot be read or parsed.
pub fn run_scenario_file(
    file: &Path,
    mut on_step: impl FnMut(&StepReport),
) -> Result<(), ScenarioFailure> {
    let fail = |index, step: &str, expected: &str, actual: String| ScenarioFailure {
        file: file.display().to_string(),
        index,
        step: step.to_owned(),
        expected: expected.to_owned(),
        actual,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| fail(0, "read", "a readable file", e.to_string()))?;
    let scenario: Scenario =
        ron::from_str(&text).map_err(|e| fail(0, "parse", "a valid scenario", e.to_string()))?;
    let root = workspace_root();
    let copies_dir = unique_copies_dir();
    let scratch = copies_dir.with_extension("scratch");
    let _ = std::fs::create_dir_all(&scratch);
    let project = match scenario.generated_project {
        Some(files) => {
            let dir = scratch.join("project");
            crate::synthetic::write_javascript_project(&dir, files)
                .map_err(|e| fail(0, "generate", "a generated project", e.to_string()))?;
            dir
        }
        None => root.join(
            scenario
                .project
                .as_deref()
                .unwrap_or("tests/fixtures/projects/empty"),
        ),
    };
    let mut settings = EngineSettings::for_project(project);
    settings.copies_dir = copies_dir;
    let engine =
        Engine::new(settings).map_err(|e| fail(0, "engine", "an engine", e.to_string()))?;
    let thread = EngineThread::spawn(engine, None);
    let mut runner = Runner {
        handle: thread.handle(),
        locator: LibraryLocator::default(),
        root,
        scratch: scratch.clone(),
        digests: BTreeMap::new(),
        watcher: None,
        last_record: None,
        callers: None,
        states: BTreeMap::new(),
    };
    for (i, step) in scenario.steps.iter().enumerate() {
        let started = Instant::now();
        let name = step_name(step);
        let note = runner
            .run_step(step)
            .map_err(|(expected, actual)| fail(i + 1, &name, &expected, actual))?;
        on_step(&StepReport {
            index: i + 1,
            step: name,
            elapsed: started.elapsed(),
            note,
        });
    }
    drop(runner.watcher.take());
    thread.shutdown();
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

fn unique_copies_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // Not the pid alone: a killed run leaves its directory, and pids come round again.
    std::env::temp_dir().join(format!(
        "omnysys-{}-scenario-{n}-{nanos:x}",
        std::process::id()
    ))
}

fn step_name(step: &Step) -> String {
    let text = format!("{step:?}");
    if text.len() > 100 {
        format!(
            "{}…",
            &text[..text.char_indices().nth(99).map_or(text.len(), |(i, _)| i)]
        )
    } else {
        text
    }
}

impl Runner {
    fn library(&self, lib: &Library) -> PathBuf {
        match lib {
            Library::Crate(name) => self.locator.library_of(name),
            Library::DebugCrate(name) => {
                self.root.join("target/debug").join(format!("lib{name}.so"))
            }
            Library::Path(p) => self.root.join(p),
            Library::Scratch(name) => self.scratch.join(name),
            Library::Padded(name, pad) => self
                .locator
                .padded_copy(name, &self.scratch, *pad)
                .unwrap_or_else(|e| self.scratch.join(format!("unwritable: {e}"))),
        }
    }

    fn plugin_state(&self, key: &str) -> Result<serde_json::Value, (String, String)> {
        let k = key.to_owned();
        self.engine(move |e| {
            e.world()
                .resource::<PluginStates>()
                .0
                .get(&k)
                .map(|s| s.value.clone())
        })?
        .ok_or_else(|| (format!("plugin state `{key}`"), "none".to_owned()))
    }

    fn engine<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Engine) -> R + Send + 'static,
    ) -> Result<R, (String, String)> {
        self.handle
            .run(f)
            .map_err(|e| ("a running engine".to_owned(), e.to_string()))
    }

    fn run_step(&mut self, step: &Step) -> Result<String, (String, String)> {
        match step {
            Step::Load { library, expect } => self.load(vec![library.clone()], expect),
            Step::LoadBatch { libraries, expect } => self.load(libraries.clone(), expect),
            Step::Rollback { plugin, expect } => {
                let plugin = plugin.clone();
                let report =
                    self.engine(move |e| e.reload(vec![ReloadChange::Rollback { plugin }]))?;
                self.last_record = report.records.last().cloned();
                check_load(&report, expect).map(|()| String::new())
            }
            Step::Index => {
                let report = self.engine(|e| e.index_project())?;
                Ok(format!(
                    "{} files, {} extracted, {} edges",
                    report.files, report.extracted, report.edges
                ))
            }
            Step::Call { tool, args, expect } => {
                let invocation = ToolInvocation::new(args.clone());
                let got = self.handle.call_tool_blocking(tool, invocation);
                check_call(&got, expect).map(|()| String::new())
            }
            other => self.run_check_step(other),
        }
    }

    fn run_check_step(&mut self, step: &Step) -> Result<String, (String, String)> {
        match step {
            Step::Tools(want) => {
                let got = self.engine(|e| {
                    e.world()
                        .resource::<omnysys_engine::tools::ToolCatalog>()
                        .tools
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                })?;
                expect_eq(want, &got)
            }
            Step::Generation { plugin, is } => {
                let p = plugin.clone();
                let got = self.engine(move |e| e.generation_of(&p))?;
                expect_eq(&Some(*is), &got)
            }
            Step::PhasesRecorded(phases) => self.phases_recorded(phases),
            Step::ToolsChanged(want) => expect_eq(
                want,
                &self
                    .last_record
                    .as_ref()
                    .map(|r| r.tools_changed)
                    .unwrap_or(false),
            ),
            Step::SaveDigest(name) => {
                let digest = self.engine(|e| e.digest())?;
                self.digests.insert(name.clone(), digest.clone());
                Ok(digest)
            }
            Step::DigestUnchanged(name) | Step::DigestChanged(name) => {
                self.compare_digest(name, matches!(step, Step::DigestUnchanged(_)))
            }
            Step::Mutate(m) => {
                let m = m.clone();
                self.engine(move |e| mutate(e, m))?;
                Ok(String::new())
            }
            Step::LoopSystems { set, is } => {
                let set = set.clone();
                let got = self.engine(move |e| loop_systems(e, &set))?;
                expect_eq(is, &got)
            }
            Step::SavePluginState { key, name } => {
                let value = self.plugin_state(key)?;
                self.states.insert(name.clone(), value);
                Ok(String::new())
            }
            Step::PluginState {
                key,
                saved,
                changed,
            } => {
                let value = self.plugin_state(key)?;
                let before = self
                    .states
                    .get(saved)
                    .ok_or_else(|| (format!("a state saved as `{saved}`"), "none".to_owned()))?;
                if (value != *before) == *changed {
                    Ok(String::new())
                } else {
                    let want = if *changed { "changed" } else { "unchanged" };
                    Err((format!("`{key}` {want} since `{saved}`"), value.to_string()))
                }
            }
            Step::Counter { name, is } => {
                expect_eq(is, &omnysys_engine::plugin::host_api::counter(name))
            }
            Step::Stress(s) => {
                let sources = s.libraries.iter().map(|l| self.library(l)).collect();
                run_stress(&self.handle, s, sources)
            }
            Step::Soak(s) => {
                let sources = s.libraries.iter().map(|l| self.library(l)).collect();
                run_soak(&self.handle, s, sources)
            }
            Step::KeepCalling {
                tool,
                args,
                callers,
            } => {
                let started = super::stress::keep_calling(&self.handle, tool, args, *callers);
                if let Some(previous) = self.callers.replace(started) {
                    super::stress::stop_calling(previous, 0)?;
                }
                Ok(String::new())
            }
            Step::StopCalling { min_calls } => match self.callers.take() {
                Some(callers) => super::stress::stop_calling(callers, *min_calls),
                None => Err((
                    "callers started by KeepCalling".to_owned(),
                    "none".to_owned(),
                )),
            },
            Step::UpgradeWindow(w) => {
                super::window::run_upgrade_window(&self.handle, w, self.library(&w.library))
            }
            other => self.run_watch_step(other),
        }
    }

    fn run_watch_step(&mut self, step: &Step) -> Result<String, (String, String)> {
        use super::watching::*;
        match step {
            Step::Watch { debounce_ms } => {
                let w = omnysys_engine::watch::spawn_watcher(
                    self.handle.clone(),
                    std::time::Duration::from_millis(*debounce_ms),
                )
                .map_err(|e| ("a watcher".to_owned(), e.to_string()))?;
                self.watcher = Some(w);
                std::thread::sleep(std::time::Duration::from_millis(100));
                Ok(String::new())
            }
            Step::WriteLibrary {
                library,
                to,
                pause_ms,
            } => {
                let bytes = std::fs::read(self.library(library))
                    .map_err(|e| ("a readable library".to_owned(), e.to_string()))?;
                write_in_place(
                    &self.scratch.join(to),
                    &bytes,
                    pause_ms.map(std::time::Duration::from_millis),
                )
            }
            Step::WriteFile { to, text } => {
                write_in_place(&self.scratch.join(to), text.as_bytes(), None)
            }
            Step::UseToolset(file) => use_toolset(&self.handle, &self.scratch.join(file)),
            Step::WaitGeneration {
                plugin,
                is,
                within_ms,
            } => wait_generation(
                &self.handle,
                plugin,
                *is,
                std::time::Duration::from_millis(*within_ms),
            ),
            Step::Sleep(ms) => {
                std::thread::sleep(std::time::Duration::from_millis(*ms));
                Ok(String::new())
            }
            Step::Tick => {
                let n = self.engine(|e| e.run_until_idle())?;
                Ok(format!("{n} ticks"))
            }
            Step::Enqueue(path) => {
                let path = path.clone();
                self.engine(move |e| {
                    omnysys_engine::index::queue_change(e.world_mut(), &path, true)
                })?;
                Ok(String::new())
            }
            Step::ChangeLogged { path, action } => change_logged(&self.handle, path, action),
            Step::LastRecord { outcome, reason } => last_record(&self.handle, outcome, reason),
            other => Err(("a known step".to_owned(), format!("{other:?}"))),
        }
    }

    fn load(
        &mut self,
        libraries: Vec<Library>,
        expect: &LoadExpect,
    ) -> Result<String, (String, String)> {
        let changes = libraries
            .iter()
            .map(|l| ReloadChange::Load {
                source: self.library(l),
                expect: None,
                tools: None,
            })
            .collect();
        let report = self.engine(move |e| e.reload(changes))?;
        self.last_record = report.records.last().cloned();
        check_load(&report, expect)?;
        let reasons: Vec<&str> = report
            .records
            .iter()
            .map(|r| r.reason.as_str())
            .filter(|r| !r.is_empty())
            .collect();
        Ok(reasons.join("; "))
    }

    fn phases_recorded(&self, phases: &[String]) -> Result<String, (String, String)> {
        let record = self
            .last_record
            .as_ref()
            .ok_or(("a reload record".to_owned(), "none".to_owned()))?;
        let got: Vec<String> = record.phases_us.iter().map(|(n, _)| n.clone()).collect();
        if phases.iter().all(|p| got.contains(p)) {
            Ok(format!("{:?}", record.phases_us))
        } else {
            Err((
                format!("phases {phases:?}"),
                format!("{:?}", record.phases_us),
            ))
        }
    }

    fn compare_digest(&self, name: &str, same: bool) -> Result<String, (String, String)> {
        let saved = self
            .digests
            .get(name)
            .cloned()
            .ok_or((format!("a digest saved as `{name}`"), "none".to_owned()))?;
        let now = self.engine(|e| e.digest())?;
        if (now == saved) == same {
            Ok(now)
        } else {
            let relation = if same { "equal to" } else { "different from" };
            Err((format!("a digest {relation} `{name}` ({saved})"), now))
        }
    }
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(
    want: &T,
    got: &T,
) -> Result<String, (String, String)> {
    if want == got {
        Ok(String::new())
    } else {
        Err((format!("{want:?}"), format!("{got:?}")))
    }
}

/// The plugin systems in the loop's set named `set`.
fn loop_systems(engine: &Engine, set: &str) -> Vec<String> {
    let stats = engine
        .world()
        .resource::<omnysys_engine::engine::LoopStats>();
    omnysys_api::schedule::EngineSet::ALL
        .iter()
        .find(|s| s.name() == set)
        .and_then(|s| stats.plugin_systems.get(s).cloned())
        .unwrap_or_default()
}

fn mutate(engine: &mut Engine, mutation: Mutation) {
    match mutation {
        Mutation::SpawnFiles(n) => crate::synthetic::spawn_synthetic_files(engine.world_mut(), n),
        Mutation::SetPluginState { key, value } => {
            let stored = StoredState {
                type_name: "scenario".into(),
                value,
            };
            engine
                .world_mut()
                .resource_mut::<PluginStates>()
                .0
                .insert(key, stored);
        }
    }
}
