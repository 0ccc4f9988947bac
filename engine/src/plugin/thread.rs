//! Threads owned by a plugin generation.
//!
//! Plugin code runs only on threads that exit before its library can close: a thread-local with
//! a destructor, touched by plugin code on a long-lived engine thread, would keep the library
//! mapped forever (glibc defers `dlclose` until such destructors ran). Each call into a plugin
//! runs on a scoped thread named after the generation, which has exited when the call returns.

/// Runs `f` on a fresh thread named `name`, and waits for it.
///
/// # Errors
///
/// When the thread cannot be spawned, or when engine-side code in `f` panicked (plugin panics are
/// contained inside the plugin and never reach here).
pub fn run_on_plugin_thread<R: Send>(
    name: &str,
    f: impl FnOnce() -> R + Send,
) -> Result<R, String> {
    run_labelled(name, name, f)
}

/// As [`run_on_plugin_thread`], with `label` (e.g. `plugin.g3 tool`) naming the thread in a crash
/// report ([`super::crash_signal`]).
///
/// # Errors
///
/// As [`run_on_plugin_thread`].
pub fn run_labelled<R: Send>(
    name: &str,
    label: &str,
    f: impl FnOnce() -> R + Send,
) -> Result<R, String> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn_scoped(scope, || {
                super::crash_signal::label_thread(label);
                f()
            })
            .map_err(|e| format!("cannot start plugin thread `{name}`: {e}"))?;
        handle
            .join()
            .map_err(|_| format!("engine code panicked on plugin thread `{name}`"))
    })
}

/// The thread name for generation `number` of `plugin` (at most 15 bytes are shown by the OS).
pub fn thread_name(plugin: &str, number: u64) -> String {
    format!("{plugin}.g{number}")
}
