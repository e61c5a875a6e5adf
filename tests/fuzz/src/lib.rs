//! A mutation fuzzer on stable Rust for the parsers of outside input.
//!
//! cargo-fuzz and its coverage instrumentation need a nightly compiler; this crate needs none.
//! What stands in for coverage is the outcome: each target answers every input with a short
//! signature (`ok:2 policies`, `err:unknown key`), and an input that produces a signature not
//! seen before joins the corpus, so later mutations start from inputs that got somewhere new.
//!
//! Runs are deterministic: the same seed, corpus and case count give the same inputs, so a
//! failure in CI reproduces with the `FUZZ_SEED` it prints. Every input is written to
//! `<crash dir>/<target>.last` before it runs, so even an abort (a stack overflow is not a
//! panic) leaves the input that caused it behind.
//!
//! Cases run on a thread with the stack the agent's own threads get (2 MiB), so unbounded
//! recursion shows up here as it would in the agent.

use std::collections::HashSet;
use std::fs::File;
use std::io::Seek;
use std::os::unix::fs::FileExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The stack tokio gives its workers and blocking threads.
pub const AGENT_STACK: usize = 2 << 20;

/// Largest input a mutation may grow to.
pub const MAX_INPUT: usize = 256 << 10;

/// Most inputs the corpus keeps; beyond it new signatures are counted but not kept.
const MAX_CORPUS: usize = 1024;

/// Largest input kept in the corpus. Larger ones run, but mutations start from small inputs:
/// kept depth bombs would make every later case slow without reaching anything new.
const MAX_KEPT: usize = 8 << 10;

/// A case slower than this fails the run: parsers of outside input must stay linear.
const TOO_SLOW: Duration = Duration::from_secs(5);

/// What a run found.
#[derive(Debug)]
pub struct Report {
    /// Cases run.
    pub cases: u64,
    /// Distinct outcome signatures seen.
    pub signatures: usize,
    /// Inputs in the corpus at the end.
    pub corpus: usize,
    /// The slowest case.
    pub slowest: Duration,
}

/// How a run failed: what happened and where the input was saved.
#[derive(Debug)]
pub struct Failure {
    /// The panic message or the time taken.
    pub what: String,
    /// The saved input.
    pub input: PathBuf,
    /// The case number, for reproducing with the same seed.
    pub case: u64,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "case {}: {} (input saved to {})", self.case, self.what, self.input.display())
    }
}

/// One parser under test.
pub struct Target<'a> {
    /// Names the corpus directory and the saved inputs.
    pub name: &'a str,
    /// Inputs to start from (test corpora, examples).
    pub seeds: Vec<Vec<u8>>,
    /// Fragments the mutator inserts: keys, punctuation, keywords of the format.
    pub dictionary: &'a [&'a str],
    /// Runs one input and names its outcome.
    pub check: &'a (dyn Fn(&[u8]) -> String + Sync),
}

impl std::fmt::Debug for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("seeds", &self.seeds.len())
            .finish()
    }
}

/// Settings of a run, from the environment: `FUZZ_CASES` (per target), `FUZZ_SEED`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Cases per target.
    pub cases: u64,
    /// The generator's seed.
    pub seed: u64,
    /// Where inputs are saved.
    pub crash_dir: PathBuf,
}

impl Settings {
    /// From the environment, with `default_cases` when `FUZZ_CASES` is unset.
    pub fn from_env(default_cases: u64) -> Settings {
        let num = |k: &str| std::env::var(k).ok().and_then(|v| v.trim().parse::<u64>().ok());
        let crash_dir =
            std::env::var_os("FUZZ_CRASH_DIR").map(PathBuf::from).unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-crashes")
            });
        Settings {
            cases: num("FUZZ_CASES").unwrap_or(default_cases),
            seed: num("FUZZ_SEED").unwrap_or(0x5eed_c111_u64),
            crash_dir,
        }
    }
}

/// SplitMix64: small, fast and good enough to pick mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }
}

/// Bytes that break formats: quotes, brackets, separators, escapes, controls.
const INTERESTING: &[u8] = b"\0\x01\x7f\xff\"'{}[]:,-#&*!|>%@`\\\n\r\t /.=;0123456789e+";

/// Numbers at the edges of every integer and float type.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "1e400",
    "-0",
    ".inf",
    "NaN",
    "0x",
    "0777",
    "1_000",
];

/// Repeated openers for depth: a parser must bound how deep it goes.
const NESTING: &[&str] = &["[", "{", "{a: ", "- ", "a:\n  ", "[{\"a\":", "!!map {", "? "];

/// One mutation of `input`; `other` is another corpus entry to splice from.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8], dictionary: &[&str]) {
    let len = input.len();
    let at = rng.below(len + 1);
    match rng.below(11) {
        0 if len > 0 => {
            let i = rng.below(len);
            input[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            input[i] = INTERESTING[rng.below(INTERESTING.len())];
        }
        2 if !dictionary.is_empty() => {
            let word = dictionary[rng.below(dictionary.len())].as_bytes();
            input.splice(at..at, word.iter().copied());
        }
        3 if len > 0 => {
            let end = (at + 1 + rng.below(64)).min(len);
            input.drain(at.min(len.saturating_sub(1))..end);
        }
        4 if len > 0 => {
            // A copy of a piece of itself elsewhere: repeats keys, items, documents.
            let from = rng.below(len);
            let n = (1 + rng.below(256)).min(len - from);
            let piece = input[from..from + n].to_vec();
            let to = rng.below(len + 1);
            input.splice(to..to, piece);
        }
        5 if !other.is_empty() => {
            let from = rng.below(other.len());
            let n = (1 + rng.below(512)).min(other.len() - from);
            let end = (at + rng.below(64)).min(len);
            input.splice(at..end, other[from..from + n].iter().copied());
        }
        6 => {
            let open = NESTING[rng.below(NESTING.len())];
            let times = [10, 100, 1_000, 20_000][rng.below(4)];
            input.splice(at..at, open.repeat(times).into_bytes());
        }
        7 => {
            // A run of digits becomes an edge number.
            let start = input.iter().skip(at).position(u8::is_ascii_digit).map(|p| p + at);
            let number = NUMBERS[rng.below(NUMBERS.len())].as_bytes();
            match start {
                Some(s) => {
                    let end =
                        input[s..].iter().position(|b| !b.is_ascii_digit()).map_or(len, |p| s + p);
                    input.splice(s..end, number.iter().copied());
                }
                None => {
                    input.splice(at..at, number.iter().copied());
                }
            }
        }
        8 if len > 0 => input.truncate(rng.below(len)),
        9 => {
            // Long runs of one byte: huge scalars, long lines.
            let b = INTERESTING[rng.below(INTERESTING.len())];
            let n = [1, 64, 4096, 100_000][rng.below(4)];
            input.splice(at..at, std::iter::repeat_n(b, n));
        }
        _ => {
            let b = rng.below(256) as u8;
            input.insert(at, b);
        }
    }
    input.truncate(MAX_INPUT);
}

fn last_input_file(dir: &Path, name: &str) -> std::io::Result<File> {
    std::fs::create_dir_all(dir)?;
    File::create(dir.join(format!("{name}.last")))
}

fn save(dir: &Path, name: &str, case: u64, input: &[u8]) -> PathBuf {
    let path = dir.join(format!("{name}-case{case}.bin"));
    // Saving is best effort: the failure is reported either way.
    let _ = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, input));
    path
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Runs `target` for `settings.cases` mutated inputs (every seed first, unmutated).
pub fn run(target: &Target<'_>, settings: &Settings) -> Result<Report, Failure> {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name))
            .stack_size(AGENT_STACK)
            .spawn_scoped(s, || run_here(target, settings));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|p| {
                Err(Failure { what: panic_text(&*p), input: PathBuf::new(), case: 0 })
            }),
            Err(e) => Err(Failure {
                what: format!("cannot start the fuzz thread: {e}"),
                input: PathBuf::new(),
                case: 0,
            }),
        }
    })
}

fn run_here(target: &Target<'_>, settings: &Settings) -> Result<Report, Failure> {
    let mut rng = Rng::new(settings.seed ^ fnv(target.name.as_bytes()));
    let mut corpus: Vec<Vec<u8>> = target.seeds.clone();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let mut signatures = HashSet::new();
    let mut slowest = Duration::ZERO;
    let mut last = last_input_file(&settings.crash_dir, target.name).ok();
    quiet_fuzz_panics();
    let seeds = corpus.len() as u64;
    for case in 0..settings.cases.max(seeds) {
        let input = if case < seeds {
            corpus[case as usize].clone()
        } else {
            let mut input = corpus[rng.below(corpus.len())].clone();
            let other = corpus[rng.below(corpus.len())].clone();
            for _ in 0..1 + rng.below(4) {
                mutate(&mut rng, &mut input, &other, target.dictionary);
            }
            input
        };
        if let Some(f) = last.as_mut() {
            let _ = f.set_len(0).and_then(|_| f.write_all_at(&input, 0)).and_then(|_| f.rewind());
        }
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| (target.check)(&input)));
        let took = started.elapsed();
        slowest = slowest.max(took);
        match outcome {
            Ok(signature) => {
                if signatures.insert(signature)
                    && corpus.len() < MAX_CORPUS
                    && case >= seeds
                    && input.len() <= MAX_KEPT
                {
                    corpus.push(input.clone());
                }
            }
            Err(p) => {
                return Err(Failure {
                    what: format!("panicked: {}", panic_text(&*p)),
                    input: save(&settings.crash_dir, target.name, case, &input),
                    case,
                });
            }
        }
        if took > TOO_SLOW {
            return Err(Failure {
                what: format!("took {took:?} for {} bytes", input.len()),
                input: save(&settings.crash_dir, target.name, case, &input),
                case,
            });
        }
    }
    let _ = std::fs::remove_file(settings.crash_dir.join(format!("{}.last", target.name)));
    Ok(Report {
        cases: settings.cases.max(seeds),
        signatures: signatures.len(),
        corpus: corpus.len(),
        slowest,
    })
}

/// Panics on the fuzz threads are caught and reported once with their input; the default hook
/// would print a banner for each first. Other threads keep the default hook (tests run in
/// parallel in one process, so the hook is installed once, not swapped per run).
fn quiet_fuzz_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let fuzzing = std::thread::current().name().is_some_and(|n| n.starts_with("fuzz-"));
            if !fuzzing {
                default(info);
            }
        }));
    });
}

/// FNV-1a, to give each target its own stream from one seed.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

/// Every file of `corpus/<name>/`, sorted by name.
pub fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inputs() {
        let inputs = |seed| {
            let mut rng = Rng::new(seed);
            let mut input = b"a: [1, 2]".to_vec();
            for _ in 0..50 {
                mutate(&mut rng, &mut input, b"other: {x: y}", &["key:"]);
            }
            input
        };
        assert_eq!(inputs(7), inputs(7));
        assert_ne!(inputs(7), inputs(8));
    }

    #[test]
    fn mutations_stay_within_the_input_bound() {
        let mut rng = Rng::new(1);
        let mut input = Vec::new();
        for _ in 0..2_000 {
            mutate(&mut rng, &mut input, b"xyz", &["word"]);
            assert!(input.len() <= MAX_INPUT);
        }
    }

    #[test]
    fn a_panic_is_reported_with_its_saved_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = Settings { cases: 5_000, seed: 3, crash_dir: dir.path().to_path_buf() };
        let check = |b: &[u8]| {
            assert!(!b.contains(&b'!'), "found the bang");
            "ok".to_string()
        };
        let target = Target {
            name: "bang",
            seeds: vec![b"abc".to_vec()],
            dictionary: &["!"],
            check: &check,
        };
        let failure = run(&target, &settings).expect_err("the bang is found");
        assert!(failure.what.contains("found the bang"), "{failure}");
        let saved = std::fs::read(&failure.input).expect("saved");
        assert!(saved.contains(&b'!'));
    }

    #[test]
    fn new_outcomes_grow_the_corpus() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = Settings { cases: 2_000, seed: 3, crash_dir: dir.path().to_path_buf() };
        let check = |b: &[u8]| format!("len{}", b.len().min(20));
        let target =
            Target { name: "grow", seeds: vec![b"abc".to_vec()], dictionary: &[], check: &check };
        let report = run(&target, &settings).expect("no failure");
        assert!(report.corpus > 5, "{report:?}");
    }
}
