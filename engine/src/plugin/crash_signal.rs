//! Crash attribution: which plugin generation was running when the process died of a signal.
//! Every `unsafe` block of crash handling is here.
//!
//! A plugin that segfaults or aborts cannot be contained in-process (`catch_unwind` sees
//! neither). What the engine can do is say who it was: [`install`] sets a handler for SIGSEGV,
//! SIGBUS, SIGABRT, SIGILL and SIGFPE that writes one line — the signal number and the label of
//! the crashing thread — to a file opened beforehand, then lets the signal do what it did before
//! (Rust's own handler first, so a stack overflow is still reported as one; else the default
//! action, which ends the process). The label is what [`label_thread`] set on a plugin thread
//! (`<plugin>.g<N> <tool>`), or the kernel's name of the thread (`prctl(PR_GET_NAME)`).
//!
//! Only async-signal-safe calls run in the handler: `prctl`, `write`, `sigaction`, `raise`, and
//! reads of a thread-local byte buffer that needs no initialisation or destructor.
#![expect(
    unsafe_code,
    reason = "installing a signal handler and reading the crashing thread's name"
)]

use std::cell::Cell;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

/// The signals attributed.
pub const SIGNALS: [i32; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGABRT,
    libc::SIGILL,
    libc::SIGFPE,
];

/// Longest label kept for a thread.
const LABEL_BYTES: usize = 96;

/// The crash file's descriptor, or -1.
static CRASH_FD: AtomicI32 = AtomicI32::new(-1);

/// The handlers in place before [`install`], in the order of [`SIGNALS`].
static PREVIOUS: OnceLock<[Previous; 5]> = OnceLock::new();

/// A saved `sigaction`.
struct Previous(libc::sigaction);

// SAFETY: a sigaction is plain data (a handler address, flags and a mask); it is only read.
unsafe impl Sync for Previous {}
// SAFETY: as above.
unsafe impl Send for Previous {}

thread_local! {
    static LABEL: Cell<[u8; LABEL_BYTES]> = const { Cell::new([0; LABEL_BYTES]) };
    static LABEL_LEN: Cell<usize> = const { Cell::new(0) };
}

/// Names the current thread for crash reports (truncated to 96 bytes).
pub fn label_thread(label: &str) {
    let mut buf = [0u8; LABEL_BYTES];
    let n = label.len().min(LABEL_BYTES);
    buf[..n].copy_from_slice(&label.as_bytes()[..n]);
    LABEL.with(|l| l.set(buf));
    LABEL_LEN.with(|l| l.set(n));
}

/// Opens (truncating) `record` and installs the handlers. Call once, early, on the main thread.
///
/// # Errors
///
/// When the file cannot be created or a handler cannot be installed.
pub fn install(record: &Path) -> std::io::Result<()> {
    let file = std::fs::File::create(record)?;
    let fd = std::os::fd::IntoRawFd::into_raw_fd(file);
    CRASH_FD.store(fd, Ordering::SeqCst);
    let mut previous: [Previous; 5] = std::array::from_fn(|_| Previous(zeroed_action()));
    for (signal, old) in SIGNALS.iter().zip(previous.iter_mut()) {
        let action = handler_action();
        // SAFETY: `action` is fully initialised and `old.0` is writable; `handle` only makes
        // async-signal-safe calls.
        let rc = unsafe { libc::sigaction(*signal, &action, &mut old.0) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    let _ = PREVIOUS.set(previous);
    Ok(())
}

fn zeroed_action() -> libc::sigaction {
    // SAFETY: an all-zero sigaction is valid (SIG_DFL, no flags, empty mask).
    unsafe { std::mem::zeroed() }
}

/// Our handler, on the alternate stack (where Rust handles stack overflows), with siginfo.
fn handler_action() -> libc::sigaction {
    let mut action = zeroed_action();
    action.sa_sigaction = handle as *const () as usize;
    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
    // SAFETY: `sa_mask` is a valid sigset_t to initialise.
    unsafe { libc::sigemptyset(&mut action.sa_mask) };
    action
}

extern "C" fn handle(signal: i32, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    write_record(signal);
    let index = SIGNALS.iter().position(|s| *s == signal);
    let previous = index.and_then(|i| PREVIOUS.get().map(|p| &p[i].0));
    if let Some(old) = previous
        && old.sa_sigaction != libc::SIG_DFL
        && old.sa_sigaction != libc::SIG_IGN
        && old.sa_flags & libc::SA_SIGINFO != 0
    {
        // SAFETY: the previous handler was installed for this signal with SA_SIGINFO, so it
        // takes these three arguments; it is Rust's runtime handler (stack overflow report).
        let chained: extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { std::mem::transmute(old.sa_sigaction) };
        chained(signal, info, context);
    }
    let default = zeroed_action();
    // SAFETY: restoring the default action and re-raising are async-signal-safe; the signal is
    // blocked while this handler runs, so it is delivered (and ends the process) on return.
    unsafe {
        libc::sigaction(signal, &default, std::ptr::null_mut());
        libc::raise(signal);
    }
}

/// Writes `<signal> <label>\n` to the crash file.
fn write_record(signal: i32) {
    let fd = CRASH_FD.load(Ordering::SeqCst);
    if fd < 0 {
        return;
    }
    let mut line = [0u8; LABEL_BYTES + 16];
    let mut n = write_decimal(&mut line, signal);
    line[n] = b' ';
    n += 1;
    n += current_label(&mut line[n..n + LABEL_BYTES]);
    line[n] = b'\n';
    n += 1;
    // SAFETY: `line[..n]` is initialised; write(2) is async-signal-safe.
    unsafe { libc::write(fd, line.as_ptr().cast(), n) };
}

/// The label set by [`label_thread`], else the kernel's thread name; returns its length.
fn current_label(out: &mut [u8]) -> usize {
    let len = LABEL_LEN.with(Cell::get);
    if len > 0 {
        let label = LABEL.with(Cell::get);
        out[..len].copy_from_slice(&label[..len]);
        return len;
    }
    let mut name = [0u8; 16];
    // SAFETY: PR_GET_NAME writes at most 16 bytes (NUL-terminated) into `name`.
    unsafe { libc::prctl(libc::PR_GET_NAME, name.as_mut_ptr()) };
    let n = name.iter().position(|b| *b == 0).unwrap_or(16);
    out[..n].copy_from_slice(&name[..n]);
    n
}

/// Writes `value` in decimal at the start of `out`; returns the digits written.
fn write_decimal(out: &mut [u8], value: i32) -> usize {
    let mut digits = [0u8; 12];
    let mut v = value.unsigned_abs();
    let mut n = 0;
    loop {
        digits[n] = b'0' + (v % 10) as u8;
        n += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in 0..n {
        out[i] = digits[n - 1 - i];
    }
    n
}
