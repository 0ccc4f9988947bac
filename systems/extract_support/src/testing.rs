//! Lookups and value builders shared by the extractor plugins' tests. They panic with the
//! facts they searched when what is asked for is missing.

use omnysys_api::facts::{CallSite, FileFacts, Import, ImportKind, Symbol, SymbolKind};

/// The symbol named `name` (the first one, when a name is defined twice).
///
/// # Panics
///
/// When there is none.
pub fn symbol<'f>(f: &'f FileFacts, name: &str) -> &'f Symbol {
    f.symbols
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no symbol {name} in {:#?}", f.symbols))
}

/// Export names in order.
pub fn export_names(f: &FileFacts) -> Vec<&str> {
    f.exports.iter().map(|e| e.name.as_str()).collect()
}

/// Symbol names in order.
pub fn symbol_names(f: &FileFacts) -> Vec<&str> {
    f.symbols.iter().map(|s| s.name.as_str()).collect()
}

/// Names of the symbols marked `exported`, in order.
pub fn exported_symbols(f: &FileFacts) -> Vec<&str> {
    f.symbols
        .iter()
        .filter(|s| s.exported)
        .map(|s| s.name.as_str())
        .collect()
}

/// `(kind, start_line, end_line)` of a symbol.
pub fn shape(s: &Symbol) -> (SymbolKind, u32, u32) {
    (s.kind, s.start_line, s.end_line)
}

/// An import value for comparisons.
pub fn imp(specifier: &str, names: &[&str], kind: ImportKind, line: u32) -> Import {
    Import {
        specifier: specifier.to_owned(),
        resolved: None,
        names: strings(names),
        kind,
        line,
        bindings: Vec::new(),
    }
}

/// A call site value for comparisons.
pub fn call(caller: Option<&str>, callee: &str, line: u32) -> CallSite {
    CallSite {
        caller: caller.map(str::to_owned),
        callee: callee.to_owned(),
        line,
        receiver: None,
    }
}

/// Owned strings.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs `f`, asserting it takes less than `release` in an optimised build (ten times that in a
/// debug build, whose tree-sitter C code is unoptimised), and returns what it returned.
///
/// # Panics
///
/// When `f` takes longer.
pub fn within<T>(what: &str, release: std::time::Duration, f: impl FnOnce() -> T) -> T {
    let bound = if cfg!(debug_assertions) {
        release * 10
    } else {
        release
    };
    let start = std::time::Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < bound, "{what} took {took:?}, bound {bound:?}");
    out
}

/// A small deterministic mutation fuzzer (no dependency): inputs made from seed files by byte
/// flips, insertions and deletions, range copies, syntax tokens and truncations. Runs are
/// bounded: `OMNYSYS_FUZZ_ITERATIONS` sets the number of inputs (the test command uses the
/// default; longer runs are that variable raised), `OMNYSYS_FUZZ_SEED` the generator's seed.
pub struct Mutator {
    state: u64,
}

/// Tokens that make parsers take other paths: brackets, quotes, keywords, deep nesting.
const TOKENS: &[&[u8]] = &[
    b"(",
    b")",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"'",
    b"`",
    b"/*",
    b"*/",
    b"//",
    b"#",
    b"\n",
    b"import ",
    b"export ",
    b"from ",
    b"class ",
    b"def ",
    b"fn ",
    b"mod ",
    b"use ",
    b"impl ",
    b"function ",
    b"=>",
    b"::",
    b"\\",
    b"\0",
    b"\xff",
    b"${",
    b"@",
    b":",
    b";",
    b",",
];

impl Mutator {
    /// A generator seeded from `OMNYSYS_FUZZ_SEED` (or a fixed seed).
    pub fn from_env() -> Self {
        let seed = std::env::var("OMNYSYS_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Mutator { state: seed | 1 }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A mutation of `seed` (one to eight edits).
    pub fn mutate(&mut self, seed: &[u8]) -> Vec<u8> {
        let mut out = seed.to_vec();
        for _ in 0..=self.below(8) {
            self.edit(&mut out);
        }
        out
    }

    fn edit(&mut self, out: &mut Vec<u8>) {
        let at = self.below(out.len() + 1);
        match self.below(6) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] ^= 1 << self.below(8);
            }
            1 => out.insert(at, self.next() as u8),
            2 => {
                let end = (at + self.below(64)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + self.below(256)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = self.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            4 => {
                let token = TOKENS[self.below(TOKENS.len())];
                let times = 1 + self.below(4) * self.below(64);
                let repeated = token.repeat(times);
                out.splice(at..at, repeated);
            }
            _ => out.truncate(at),
        }
    }
}

/// How many inputs a fuzz test tries: `OMNYSYS_FUZZ_ITERATIONS`, else `default`.
pub fn fuzz_iterations(default: usize) -> usize {
    std::env::var("OMNYSYS_FUZZ_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Runs `f` on `iterations` mutations of `seeds` (and on the seeds themselves), each within
/// `release` (ten times that in a debug build); a panic or a slow input fails naming the
/// iteration, the seed and the input's first bytes.
///
/// # Panics
///
/// On the first input that panics in `f` or takes too long.
pub fn fuzz(
    seeds: &[Vec<u8>],
    iterations: usize,
    release: std::time::Duration,
    mut f: impl FnMut(&[u8]),
) {
    let mut mutator = Mutator::from_env();
    for seed in seeds {
        within("a seed", release, || f(seed));
    }
    for i in 0..iterations {
        let from = mutator.below(seeds.len());
        let input = mutator.mutate(&seeds[from]);
        let shown = String::from_utf8_lossy(&input[..input.len().min(120)]).into_owned();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            within(&format!("input {i} (from seed {from})"), release, || {
                f(&input)
            });
        }));
        if let Err(panic) = run {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!(
                "fuzz input {i} (from seed {from}, {} bytes) failed: {why}\ninput starts: {shown:?}",
                input.len()
            );
        }
    }
}

/// The files under `dir` (recursively) whose names end with one of `extensions`, as seeds.
pub fn seed_files(dir: &std::path::Path, extensions: &[&str]) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return seeds;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            seeds.extend(seed_files(&path, extensions));
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e))
            && let Ok(bytes) = std::fs::read(&path)
        {
            seeds.push(bytes);
        }
    }
    seeds
}
