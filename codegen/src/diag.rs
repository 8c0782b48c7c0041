//! Diagnostics: every problem found in a spec names the file and the JSON pointer.
//!
//! Stages never panic on input. They push a [`Diagnostic`] and carry on where they can, so
//! one run reports as many problems as possible; the pipeline stops before writing anything
//! when an error was reported.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on; the output may not be what the spec author meant.
    Warning,
    /// Generation cannot produce a correct crate.
    Error,
}

/// One problem, located in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The spec file, or the folder when the problem is not in one file.
    pub file: PathBuf,
    /// RFC 6901 JSON pointer into `file`; empty for the whole document.
    pub pointer: String,
    pub message: String,
    /// What the user can do about it, when that is not obvious from the message.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_path_buf(),
            pointer: pointer.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, pointer, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}", self.file.display())?;
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Everything a run reported, in the order it was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds a pointer from tokens: `pointer(&["definitions", "Foo"])` → `/definitions/Foo`.
pub fn pointer(tokens: &[&str]) -> String {
    let mut out = String::new();
    for t in tokens {
        out.push('/');
        out.push_str(&escape_token(t));
    }
    out
}

/// Appends one token to an existing pointer.
pub fn child(parent: &str, token: &str) -> String {
    format!("{parent}/{}", escape_token(token))
}

/// A part of the specs that could not be read and what became of it instead of failing
/// the run: the smallest enclosing piece degrades. With `--strict` each one is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Degradation {
    /// The spec file.
    pub file: PathBuf,
    /// JSON pointer of the part that could not be read.
    pub pointer: String,
    /// Why it could not be read.
    pub problem: String,
    pub outcome: Outcome,
}

/// What became of a part of the specs that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Its value is kept as raw JSON (`serde_json::Value`): a property, an item, a
    /// response body.
    RawJson,
    /// An `allOf` part that cannot be read is left out of the merged type, which lacks
    /// that part's properties.
    PartLeftOut,
    /// The operation (by `operationId`) is not generated: its request cannot be typed.
    LeftOut(String),
}

impl Degradation {
    /// The problem as a diagnostic: a warning, or an error when `strict`.
    pub fn diagnostic(&self, strict: bool) -> Diagnostic {
        if strict {
            // Refused: say what would have happened, not what did.
            Diagnostic::error(&self.file, self.pointer.clone(), self.problem.clone()).with_hint(format!(
                "without --strict: {}, and the rest is generated",
                self.outcome_text()
            ))
        } else {
            let message = format!("{}; {}", self.problem, self.outcome_text());
            Diagnostic::warning(&self.file, self.pointer.clone(), message)
        }
    }

    fn outcome_text(&self) -> String {
        match &self.outcome {
            Outcome::RawJson => "kept as raw JSON".to_owned(),
            Outcome::PartLeftOut => "left out of the `allOf`, so its properties are missing".to_owned(),
            Outcome::LeftOut(operation) => format!("operation `{operation}` left out"),
        }
    }

    /// One Markdown line for the generated crate's docs: file name, pointer and outcome
    /// (the folder is left out so that the output does not depend on where specs live).
    pub fn note(&self) -> String {
        let file = self.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let outcome = match &self.outcome {
            Outcome::RawJson => "kept as raw JSON (`serde_json::Value`)".to_owned(),
            Outcome::PartLeftOut => "`allOf` part left out: its properties are missing".to_owned(),
            Outcome::LeftOut(operation) => {
                format!("operation {} left out", crate::model::code_span(operation))
            }
        };
        let at = if self.pointer.is_empty() { "/" } else { self.pointer.as_str() };
        format!("{} at {}: {outcome}", crate::model::code_span(&file), crate::model::code_span(at))
    }
}
