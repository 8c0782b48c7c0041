//! Where settings read from environment variables come from.
//!
//! Everything in this runtime that reads an environment variable (credential sources,
//! endpoint overrides, proxies) reads it through an [`Env`]: the process's variables by
//! default, or a fixed set given in code. Tests pass a fixed set and never touch the real
//! environment, and a program can keep its settings elsewhere and hand them over the same
//! way.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A source of environment variables: the process's, or a fixed set.
///
/// Cheap to clone. `Debug` shows the variable names of a fixed set, never their values
/// (some are secrets).
///
/// ```
/// use codegen_runtime::Env;
///
/// let env = Env::from_pairs([("HOME", "/home/me"), ("EMPTY", "")]);
/// assert_eq!(env.get("HOME").as_deref(), Some("/home/me"));
/// assert_eq!(env.get("EMPTY"), None); // empty counts as unset
/// assert_eq!(env.get("PATH"), None); // not the process's
/// ```
#[derive(Clone, Default)]
pub struct Env {
    /// `None`: the process's variables, read at each lookup.
    fixed: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The process's environment variables, read when looked up.
    pub fn process() -> Self {
        Self::default()
    }

    /// Exactly these variables, and no others.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars = pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Self {
            fixed: Some(Arc::new(vars)),
        }
    }

    /// The value of `name`; `None` when it is unset, empty or not Unicode.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// The first of `names` that is set (see [`get`](Self::get)).
    pub fn first_of(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|name| self.get(name))
    }

    /// The user's home folder: `HOME`, else `USERPROFILE` (Windows).
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.first_of(&["HOME", "USERPROFILE"]).map(PathBuf::from)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Env(process)"),
            Some(vars) => {
                let mut names: Vec<&str> = vars.keys().map(String::as_str).collect();
                names.sort_unstable();
                f.debug_tuple("Env").field(&names).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_set_hides_values_and_home_falls_back() {
        let env = Env::from_pairs([("SECRET", "s3cr3t"), ("USERPROFILE", "C:\\Users\\me")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("SECRET") && !shown.contains("s3cr3t"), "{shown}");
        assert_eq!(env.home_dir(), Some(PathBuf::from("C:\\Users\\me")));
        assert_eq!(env.first_of(&["NOPE", "SECRET"]).as_deref(), Some("s3cr3t"));
        assert_eq!(format!("{:?}", Env::process()), "Env(process)");
    }
}
