//! Stage 5, write: put a generated crate on disk, or compare it with what is there.
//!
//! Writing never leaves a half-written crate: files go to a fresh sibling folder first,
//! which then takes the place of the old one by renames. A failure before the swap leaves
//! the output folder byte-identical.

use crate::emit::CrateFiles;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// How a file on disk differs from what codegen produces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// The file exists with other content.
    Modified(PathBuf),
    /// Codegen produces the file; it is not on disk.
    Missing(PathBuf),
    /// The file is on disk; codegen does not produce it.
    Extra(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Modified(p) => write!(f, "modified: {}", p.display()),
            Drift::Missing(p) => write!(f, "missing:  {}", p.display()),
            Drift::Extra(p) => write!(f, "extra:    {}", p.display()),
        }
    }
}

/// Folders inside an output crate that belong to the build, not to the generator.
const IGNORED_DIRS: &[&str] = &["target"];

/// Compares `crate_files` with the folder `out`; empty when they match exactly.
pub fn check(out: &Path, crate_files: &CrateFiles) -> io::Result<Vec<Drift>> {
    let mut drift = Vec::new();
    let on_disk: BTreeSet<PathBuf> = if out.exists() {
        list_files(out)?.into_iter().collect()
    } else {
        BTreeSet::new()
    };
    for (path, contents) in &crate_files.files {
        if !on_disk.contains(path) {
            drift.push(Drift::Missing(path.clone()));
        } else if fs::read(out.join(path))? != contents.as_bytes() {
            drift.push(Drift::Modified(path.clone()));
        }
    }
    for path in on_disk {
        if !crate_files.files.contains_key(&path) {
            drift.push(Drift::Extra(path));
        }
    }
    drift.sort();
    Ok(drift)
}

/// Every file below `root`, as paths relative to it, sorted.
pub fn list_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in fs::read_dir(root.join(&relative))? {
            let entry = entry?;
            let name = entry.file_name();
            let path = relative.join(&name);
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !(relative.as_os_str().is_empty() && IGNORED_DIRS.iter().any(|d| name == *d)) {
                    pending.push(path);
                }
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Replaces the folder `out` with exactly `crate_files`.
pub fn write(out: &Path, crate_files: &CrateFiles) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output path has no folder name"))?;
    let staging = parent.join(format!(".{name}.codegen-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.codegen-old-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    if let Err(e) = fill(&staging, crate_files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    // Build output (`target/`) inside the old folder is kept, not regenerated.
    if out.exists() {
        for dir in IGNORED_DIRS {
            let kept = out.join(dir);
            if kept.is_dir() {
                fs::rename(&kept, staging.join(dir))?;
            }
        }
        let swapped = fs::rename(out, &retired).and_then(|()| {
            fs::rename(&staging, out).inspect_err(|_| {
                let _ = fs::rename(&retired, out);
            })
        });
        if let Err(e) = swapped {
            // The old crate is back in place; return its build folder too.
            for dir in IGNORED_DIRS {
                let moved = staging.join(dir);
                if moved.is_dir() {
                    let _ = fs::rename(&moved, out.join(dir));
                }
            }
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        fs::remove_dir_all(&retired)?;
    } else {
        fs::rename(&staging, out)?;
    }
    Ok(())
}

fn fill(dir: &Path, crate_files: &CrateFiles) -> io::Result<()> {
    for (path, contents) in &crate_files.files {
        let target = dir.join(path);
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder)?;
        }
        fs::write(&target, contents)?;
    }
    Ok(())
}
