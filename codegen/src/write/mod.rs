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

/// Replaces the folder `out` with exactly `crate_files`, all or nothing: on any error the
/// folder is left as it was (a build folder `target/` inside it is kept either way).
pub fn write(out: &Path, crate_files: &CrateFiles) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output path has no folder name"))?;
    if out.exists() && !out.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a folder", out.display()),
        ));
    }
    fs::create_dir_all(&parent)?;
    recover_interrupted(&parent, &name, out)?;
    let staging = parent.join(format!(".{name}.codegen-new-{}", std::process::id()));
    if let Err(e) = fill(&staging, crate_files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if !out.exists() {
        return fs::rename(&staging, out).inspect_err(|_| {
            let _ = fs::remove_dir_all(&staging);
        });
    }
    if let Err(e) = ensure_removable(out) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    // Build output inside the old folder moves along to the new one.
    let kept: Vec<&str> = IGNORED_DIRS.iter().copied().filter(|d| out.join(d).is_dir()).collect();
    for (i, dir) in kept.iter().enumerate() {
        if let Err(e) = fs::rename(out.join(dir), staging.join(dir)) {
            for back in &kept[..i] {
                let _ = fs::rename(staging.join(back), out.join(back));
            }
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    }
    let restore_kept = |from: &Path, to: &Path| {
        for dir in &kept {
            let _ = fs::rename(from.join(dir), to.join(dir));
        }
    };
    match swap(&staging, out, &parent, &name) {
        Ok(retired) => match fs::remove_dir_all(&retired) {
            Ok(()) => Ok(()),
            Err(e) => {
                // The old crate cannot be deleted: put it back rather than leave it
                // hidden beside the new one.
                if swap(&retired, out, &parent, &name).is_ok() {
                    restore_kept(&retired, out);
                    let _ = fs::remove_dir_all(&retired);
                }
                Err(e)
            }
        },
        Err(e) => {
            restore_kept(&staging, out);
            let _ = fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}

/// Refuses to start when a folder of the old crate is read-only: its files could not all
/// be deleted after the swap, and a half-deleted crate could not be put back.
fn ensure_removable(out: &Path) -> io::Result<()> {
    let mut pending = vec![out.to_path_buf()];
    while let Some(dir) = pending.pop() {
        if fs::metadata(&dir)?.permissions().readonly() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{} is read-only, so the old crate could not be removed", dir.display()),
            ));
        }
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let skip = dir == out && IGNORED_DIRS.iter().any(|d| entry.file_name() == *d);
            if entry.file_type()?.is_dir() && !skip {
                pending.push(entry.path());
            }
        }
    }
    Ok(())
}

/// Puts `new` in place of `out`; returns where the previous `out` now is. On Linux the two
/// folders trade places in one atomic step, so `out` never stops existing; elsewhere (or
/// on file systems without it) two renames are used.
fn swap(new: &Path, out: &Path, parent: &Path, name: &str) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, new, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(new.to_path_buf()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let retired = parent.join(format!(".{name}.codegen-old-{}", std::process::id()));
    fs::rename(out, &retired)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(&retired, out);
        return Err(e);
    }
    Ok(retired)
}

/// Cleans up after a run that was killed midway: staging folders are deleted; a retired
/// crate is deleted when the output exists, and put back when the kill came between the
/// two renames of the fallback swap.
fn recover_interrupted(parent: &Path, name: &str, out: &Path) -> io::Result<()> {
    let (new_prefix, old_prefix) = (format!(".{name}.codegen-new-"), format!(".{name}.codegen-old-"));
    let mut retired = Vec::new();
    for entry in fs::read_dir(parent)? {
        let entry = entry?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&new_prefix) {
            fs::remove_dir_all(entry.path())?;
        } else if file_name.starts_with(&old_prefix) {
            retired.push(entry.path());
        }
    }
    retired.sort();
    if !out.exists()
        && let Some(last) = retired.pop()
    {
        fs::rename(last, out)?;
    }
    for path in retired {
        fs::remove_dir_all(path)?;
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
