//! Agent logging: `tracing` to stderr (journald captures it), text or JSON, with a level that
//! `cilium config set Debug true` can change while the agent runs.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry, reload};

use crate::config::LogFormat;

/// Changes the log level of a running agent.
pub trait LogControl: Send + Sync + std::fmt::Debug {
    /// Sets the level (`trace`, `debug`, `info`, `warn`, `error`).
    fn set_level(&self, level: &str) -> Result<(), String>;
}

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// The level is not one `tracing` knows.
    #[error("invalid log level {level:?}")]
    Level {
        /// The level given.
        level: String,
    },
    /// A global subscriber was already installed.
    #[error("logging is already initialised")]
    AlreadySet,
}

/// The installed subscriber's level switch.
#[derive(Debug)]
pub struct Logging {
    handle: reload::Handle<EnvFilter, Registry>,
}

fn filter(level: &str) -> Result<EnvFilter, LoggingError> {
    // Our crates at the chosen level; dependencies one step quieter unless tracing everything.
    let deps = if level == "trace" { "debug" } else { "warn" };
    EnvFilter::try_new(format!("{deps},agent_core={level},cilium_agent={level}"))
        .map_err(|_| LoggingError::Level { level: level.to_string() })
}

/// Counts warnings and errors for `cilium_errors_warnings_total`.
struct CountLayer;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        use std::sync::atomic::Ordering::Relaxed;
        match *event.metadata().level() {
            tracing::Level::WARN => {
                crate::metrics::LOG_COUNTERS.warnings.fetch_add(1, Relaxed);
            }
            tracing::Level::ERROR => {
                crate::metrics::LOG_COUNTERS.errors.fetch_add(1, Relaxed);
            }
            _ => {}
        }
    }
}

/// Installs the global subscriber.
pub fn init(format: LogFormat, level: &str) -> Result<Logging, LoggingError> {
    let (filter_layer, handle) = reload::Layer::new(filter(level)?);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let registry = tracing_subscriber::registry().with(filter_layer).with(CountLayer);
    let result = match format {
        LogFormat::Text => registry
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi))
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    result.map_err(|_| LoggingError::AlreadySet)?;
    Ok(Logging { handle })
}

impl LogControl for Logging {
    fn set_level(&self, level: &str) -> Result<(), String> {
        let f = filter(level).map_err(|e| e.to_string())?;
        self.handle.reload(f).map_err(|e| e.to_string())
    }
}

/// A [`LogControl`] that records requests, for tests and embedders without a subscriber.
#[derive(Debug, Default)]
pub struct RecordingLogControl {
    /// The levels requested so far.
    pub levels: std::sync::Mutex<Vec<String>>,
}

impl LogControl for RecordingLogControl {
    fn set_level(&self, level: &str) -> Result<(), String> {
        self.levels.lock().map_err(|e| e.to_string())?.push(level.to_string());
        Ok(())
    }
}
