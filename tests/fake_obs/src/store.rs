//! The object store on disk, under one folder:
//!
//! ```text
//! buckets/<bucket>/bucket.json           the bucket's record
//! buckets/<bucket>/objects/<id>.data     an object's bytes (<id>: hex MD5 of its key)
//! buckets/<bucket>/objects/<id>.json     its record: key, size, ETag, metadata
//! uploads/<upload id>/upload.json        a multipart upload in progress
//! uploads/<upload id>/<n>.data, <n>.json its parts
//! tmp/                                   bodies being received
//! ```
//!
//! Bodies are received into `tmp/` and renamed into place once whole, so a failed upload
//! leaves nothing behind. The records are also kept in memory (loaded at start), for
//! listings; the bytes never are.

use std::collections::BTreeMap;
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::error::ObsError;

/// A bucket's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BucketRecord {
    pub name: String,
    /// The region of `CreateBucketConfiguration/Location`, empty when none was given.
    pub location: String,
    pub created_ms: u64,
}

/// An object's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ObjectRecord {
    pub key: String,
    pub size: u64,
    /// Quoted, as sent in `ETag`.
    pub etag: String,
    pub modified_ms: u64,
    pub content_type: String,
    /// `x-obs-meta-*` and the stored standard headers (`Cache-Control`, ...), as sent.
    pub metadata: Vec<(String, String)>,
    /// Made by `AppendObject`, and appendable to.
    pub appendable: bool,
}

/// A multipart upload's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UploadRecord {
    pub upload_id: String,
    pub bucket: String,
    pub key: String,
    pub initiated_ms: u64,
    pub content_type: String,
    pub metadata: Vec<(String, String)>,
}

/// An uploaded part's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PartRecord {
    pub number: u32,
    pub size: u64,
    /// Quoted hex MD5 of the part.
    pub etag: String,
    pub modified_ms: u64,
}

struct Bucket {
    record: BucketRecord,
    objects: BTreeMap<String, ObjectRecord>,
}

struct Upload {
    record: UploadRecord,
    parts: BTreeMap<u32, PartRecord>,
}

#[derive(Default)]
struct State {
    buckets: BTreeMap<String, Bucket>,
    uploads: BTreeMap<String, Upload>,
}

/// A page of `ListObjects`.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub contents: Vec<ObjectRecord>,
    pub prefixes: Vec<String>,
    pub truncated: bool,
    pub next_marker: Option<String>,
}

/// The store: records in memory, bytes on disk.
pub(crate) struct Store {
    root: PathBuf,
    state: Mutex<State>,
    seq: AtomicU64,
    /// Appends to one object follow each other.
    append: tokio::sync::Mutex<()>,
}

/// Milliseconds since 1970.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `"<hex MD5>"`, an ETag.
pub(crate) fn quoted(md5: &[u8]) -> String {
    format!("\"{}\"", hex::encode(md5))
}

impl Store {
    /// The store in `root`, created when missing, with what an earlier run left there.
    pub fn open(root: &Path) -> io::Result<Self> {
        for dir in ["buckets", "uploads", "tmp"] {
            std::fs::create_dir_all(root.join(dir))?;
        }
        let mut state = State::default();
        for entry in std::fs::read_dir(root.join("buckets"))? {
            let dir = entry?.path();
            let record: BucketRecord = read_json(&dir.join("bucket.json"))?;
            let mut objects = BTreeMap::new();
            for object in std::fs::read_dir(dir.join("objects"))? {
                let path = object?.path();
                if path.extension().is_some_and(|e| e == "json") {
                    let record: ObjectRecord = read_json(&path)?;
                    objects.insert(record.key.clone(), record);
                }
            }
            state.buckets.insert(record.name.clone(), Bucket { record, objects });
        }
        for entry in std::fs::read_dir(root.join("uploads"))? {
            let dir = entry?.path();
            let record: UploadRecord = read_json(&dir.join("upload.json"))?;
            let mut parts = BTreeMap::new();
            for part in std::fs::read_dir(&dir)? {
                let path = part?.path();
                if path.extension().is_some_and(|e| e == "json") && !path.ends_with("upload.json") {
                    let part: PartRecord = read_json(&path)?;
                    parts.insert(part.number, part);
                }
            }
            state.uploads.insert(record.upload_id.clone(), Upload { record, parts });
        }
        // Bodies cut short by an earlier run.
        for entry in std::fs::read_dir(root.join("tmp"))? {
            let _ = std::fs::remove_file(entry?.path());
        }
        Ok(Self { root: root.to_owned(), state: Mutex::new(state), seq: AtomicU64::new(1), append: tokio::sync::Mutex::new(()) })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn bucket_dir(&self, bucket: &str) -> PathBuf {
        self.root.join("buckets").join(bucket)
    }

    /// The data file of `key` in `bucket`; its record is the same path with `.json`.
    fn object_path(&self, bucket: &str, key: &str) -> PathBuf {
        self.bucket_dir(bucket).join("objects").join(format!("{}.data", hex::encode(Md5::digest(key.as_bytes()))))
    }

    fn upload_dir(&self, upload_id: &str) -> PathBuf {
        self.root.join("uploads").join(upload_id)
    }

    /// A fresh name to receive a body into.
    pub fn tmp_path(&self) -> PathBuf {
        self.root.join("tmp").join(format!("{}.tmp", self.seq.fetch_add(1, Ordering::Relaxed)))
    }

    /// A new bucket; `BucketAlreadyOwnedByYou` when it exists (there is one account).
    pub fn create_bucket(&self, name: &str, location: &str) -> Result<(), ObsError> {
        let mut state = self.state();
        if state.buckets.contains_key(name) {
            return Err(ObsError::new(
                409,
                "BucketAlreadyOwnedByYou",
                format!("Your previous request to create the named bucket `{name}` succeeded and you already own it."),
            ));
        }
        let record = BucketRecord { name: name.to_owned(), location: location.to_owned(), created_ms: now_ms() };
        let dir = self.bucket_dir(name);
        std::fs::create_dir_all(dir.join("objects"))?;
        write_json(&dir.join("bucket.json"), &record)?;
        state.buckets.insert(name.to_owned(), Bucket { record, objects: BTreeMap::new() });
        Ok(())
    }

    /// Deletes an empty bucket: no objects and no multipart uploads in progress.
    pub fn delete_bucket(&self, name: &str) -> Result<(), ObsError> {
        let mut state = self.state();
        let bucket = state.buckets.get(name).ok_or_else(|| ObsError::no_such_bucket(name))?;
        let uploads = state.uploads.values().filter(|u| u.record.bucket == name).count();
        if !bucket.objects.is_empty() || uploads > 0 {
            return Err(ObsError::new(
                409,
                "BucketNotEmpty",
                format!(
                    "The bucket `{name}` you tried to delete is not empty: {} objects, {uploads} multipart uploads.",
                    bucket.objects.len()
                ),
            ));
        }
        std::fs::remove_dir_all(self.bucket_dir(name))?;
        state.buckets.remove(name);
        Ok(())
    }

    /// The bucket's record.
    pub fn bucket(&self, name: &str) -> Result<BucketRecord, ObsError> {
        self.state().buckets.get(name).map(|b| b.record.clone()).ok_or_else(|| ObsError::no_such_bucket(name))
    }

    /// Every bucket, by name.
    pub fn buckets(&self) -> Vec<BucketRecord> {
        self.state().buckets.values().map(|b| b.record.clone()).collect()
    }

    /// Moves the received body `tmp` into place as `record.key` of `bucket`.
    pub fn put_object(&self, bucket: &str, record: ObjectRecord, tmp: &Path) -> Result<(), ObsError> {
        let mut state = self.state();
        let objects = &mut state.buckets.get_mut(bucket).ok_or_else(|| ObsError::no_such_bucket(bucket))?.objects;
        let path = self.object_path(bucket, &record.key);
        std::fs::rename(tmp, &path)?;
        write_json(&path.with_extension("json"), &record)?;
        objects.insert(record.key.clone(), record);
        Ok(())
    }

    /// An object's record and the path of its bytes.
    pub fn object(&self, bucket: &str, key: &str) -> Result<(ObjectRecord, PathBuf), ObsError> {
        let state = self.state();
        let objects = &state.buckets.get(bucket).ok_or_else(|| ObsError::no_such_bucket(bucket))?.objects;
        let record = objects.get(key).ok_or_else(|| ObsError::no_such_key(key))?.clone();
        Ok((record, self.object_path(bucket, key)))
    }

    /// Deletes an object; deleting one that is not there succeeds, as in OBS.
    pub fn delete_object(&self, bucket: &str, key: &str) -> Result<(), ObsError> {
        let mut state = self.state();
        let objects = &mut state.buckets.get_mut(bucket).ok_or_else(|| ObsError::no_such_bucket(bucket))?.objects;
        if objects.remove(key).is_some() {
            let path = self.object_path(bucket, key);
            std::fs::remove_file(path.with_extension("json"))?;
            std::fs::remove_file(&path)?;
        }
        Ok(())
    }

    /// Appends the received body `tmp` (`size` bytes, MD5 `md5`) to `key` at `position`,
    /// which must be the object's length (0 for a new one). The new length.
    pub async fn append(
        &self,
        bucket: &str,
        key: &str,
        position: u64,
        tmp: &Path,
        (size, md5): (u64, &[u8]),
        new: ObjectRecord,
    ) -> Result<u64, ObsError> {
        let _one_at_a_time = self.append.lock().await;
        let current = match self.object(bucket, key) {
            Ok((record, _)) => Some(record),
            Err(e) if e.code == "NoSuchKey" => None,
            Err(e) => return Err(e),
        };
        let length = current.as_ref().map_or(0, |r| r.size);
        if current.as_ref().is_some_and(|r| !r.appendable) {
            return Err(ObsError::new(409, "ObjectNotAppendable", format!("`{key}` was not made by AppendObject")));
        }
        if position != length {
            return Err(ObsError::new(
                409,
                "PositionNotEqualToLength",
                format!("position {position} is not the object's length {length}"),
            ));
        }
        let Some(current) = current else {
            let record = ObjectRecord { size, etag: quoted(md5), appendable: true, ..new };
            self.put_object(bucket, record, tmp)?;
            return Ok(size);
        };
        let path = self.object_path(bucket, key);
        let (target, source) = (path.clone(), tmp.to_owned());
        tokio::task::spawn_blocking(move || -> io::Result<u64> {
            let mut file = std::fs::OpenOptions::new().append(true).open(target)?;
            std::io::copy(&mut std::fs::File::open(source)?, &mut file)
        })
        .await
        .map_err(|e| ObsError::internal(format!("the append stopped: {e}")))??;
        // As OBS: the ETag of an appendable object is not the MD5 of its whole content;
        // here, that of the last part appended.
        let record = ObjectRecord { size: length + size, etag: quoted(md5), modified_ms: now_ms(), ..current };
        let mut state = self.state();
        let objects = &mut state.buckets.get_mut(bucket).ok_or_else(|| ObsError::no_such_bucket(bucket))?.objects;
        write_json(&path.with_extension("json"), &record)?;
        objects.insert(key.to_owned(), record);
        Ok(length + size)
    }

    /// A page of the bucket's keys after `marker` that start with `prefix`, rolled up to
    /// common prefixes at `delimiter`, at most `max` entries.
    pub fn list(&self, bucket: &str, prefix: &str, marker: &str, delimiter: &str, max: usize) -> Result<Listing, ObsError> {
        let state = self.state();
        let objects = &state.buckets.get(bucket).ok_or_else(|| ObsError::no_such_bucket(bucket))?.objects;
        let start = if marker.is_empty() { Bound::Unbounded } else { Bound::Excluded(marker.to_owned()) };
        let mut listing = Listing::default();
        let mut count = 0usize;
        for (key, record) in objects.range((start, Bound::Unbounded)) {
            if !key.starts_with(prefix) {
                if key.as_str() > prefix {
                    break;
                }
                continue;
            }
            let rolled = (!delimiter.is_empty())
                .then(|| key[prefix.len()..].find(delimiter).map(|at| key[..prefix.len() + at + delimiter.len()].to_owned()))
                .flatten();
            if rolled.as_ref().is_some_and(|common| listing.prefixes.last() == Some(common) || common.as_str() <= marker) {
                continue;
            }
            if count == max {
                listing.truncated = true;
                break;
            }
            count += 1;
            match rolled {
                Some(common) => {
                    listing.next_marker = Some(common.clone());
                    listing.prefixes.push(common);
                }
                None => {
                    listing.next_marker = Some(key.clone());
                    listing.contents.push(record.clone());
                }
            }
        }
        if !listing.truncated {
            listing.next_marker = None;
        }
        Ok(listing)
    }

    /// Starts a multipart upload of `key` in `bucket`.
    pub fn initiate(&self, bucket: &str, key: &str, content_type: String, metadata: Vec<(String, String)>) -> Result<UploadRecord, ObsError> {
        let mut state = self.state();
        if !state.buckets.contains_key(bucket) {
            return Err(ObsError::no_such_bucket(bucket));
        }
        let initiated_ms = now_ms();
        let upload_id = format!("{:016X}{:08X}", initiated_ms, self.seq.fetch_add(1, Ordering::Relaxed));
        let record = UploadRecord { upload_id: upload_id.clone(), bucket: bucket.to_owned(), key: key.to_owned(), initiated_ms, content_type, metadata };
        let dir = self.upload_dir(&upload_id);
        std::fs::create_dir_all(&dir)?;
        write_json(&dir.join("upload.json"), &record)?;
        state.uploads.insert(upload_id, Upload { record: record.clone(), parts: BTreeMap::new() });
        Ok(record)
    }

    /// The upload `upload_id` of `key` in `bucket`, with its parts by number.
    pub fn upload(&self, bucket: &str, key: &str, upload_id: &str) -> Result<(UploadRecord, Vec<PartRecord>), ObsError> {
        let state = self.state();
        if !state.buckets.contains_key(bucket) {
            return Err(ObsError::no_such_bucket(bucket));
        }
        match state.uploads.get(upload_id) {
            Some(upload) if upload.record.bucket == bucket && upload.record.key == key => {
                Ok((upload.record.clone(), upload.parts.values().cloned().collect()))
            }
            _ => Err(ObsError::no_such_upload(upload_id)),
        }
    }

    /// The uploads in progress in `bucket`, by key then id.
    pub fn uploads(&self, bucket: &str) -> Result<Vec<UploadRecord>, ObsError> {
        let state = self.state();
        if !state.buckets.contains_key(bucket) {
            return Err(ObsError::no_such_bucket(bucket));
        }
        let mut uploads: Vec<UploadRecord> = state.uploads.values().filter(|u| u.record.bucket == bucket).map(|u| u.record.clone()).collect();
        uploads.sort_by(|a, b| (&a.key, &a.upload_id).cmp(&(&b.key, &b.upload_id)));
        Ok(uploads)
    }

    /// Moves the received part `tmp` into the upload, replacing a part of that number.
    pub fn put_part(&self, upload_id: &str, part: PartRecord, tmp: &Path) -> Result<(), ObsError> {
        let mut state = self.state();
        let upload = state.uploads.get_mut(upload_id).ok_or_else(|| ObsError::no_such_upload(upload_id))?;
        let path = self.upload_dir(upload_id).join(format!("{}.data", part.number));
        std::fs::rename(tmp, &path)?;
        write_json(&path.with_extension("json"), &part)?;
        upload.parts.insert(part.number, part);
        Ok(())
    }

    /// The file of part `number` of an upload.
    pub fn part_path(&self, upload_id: &str, number: u32) -> PathBuf {
        self.upload_dir(upload_id).join(format!("{number}.data"))
    }

    /// Ends an upload (completed or aborted), removing its parts.
    pub fn end_upload(&self, upload_id: &str) -> Result<(), ObsError> {
        let mut state = self.state();
        state.uploads.remove(upload_id).ok_or_else(|| ObsError::no_such_upload(upload_id))?;
        std::fs::remove_dir_all(self.upload_dir(upload_id))?;
        Ok(())
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> io::Result<T> {
    let bytes = std::fs::read(path)?;
    serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(io::Error::other)?;
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(key: &str) -> ObjectRecord {
        ObjectRecord { key: key.into(), size: 0, etag: String::new(), modified_ms: 0, content_type: String::new(), metadata: Vec::new(), appendable: false }
    }

    #[test]
    fn lists_with_prefixes_markers_and_pages() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(dir.path()).expect("store");
        store.create_bucket("bkt", "").expect("bucket");
        for key in ["a/1", "a/2", "b", "c/x/1", "c/y", "d"] {
            let tmp = store.tmp_path();
            std::fs::write(&tmp, b"").expect("tmp");
            store.put_object("bkt", object(key), &tmp).expect("put");
        }
        let keys = |l: &Listing| l.contents.iter().map(|o| o.key.clone()).collect::<Vec<_>>();
        let all = store.list("bkt", "", "", "", 1000).expect("list");
        assert_eq!(keys(&all).len(), 6);
        assert!(!all.truncated && all.next_marker.is_none());
        let rolled = store.list("bkt", "", "", "/", 1000).expect("list");
        assert_eq!(keys(&rolled), ["b", "d"]);
        assert_eq!(rolled.prefixes, ["a/", "c/"]);
        let page = store.list("bkt", "", "", "/", 2).expect("list");
        assert_eq!((keys(&page), page.prefixes.clone(), page.truncated), (vec!["b".to_owned()], vec!["a/".to_owned()], true));
        assert_eq!(page.next_marker.as_deref(), Some("b"));
        let next = store.list("bkt", "", "b", "/", 2).expect("list");
        assert_eq!((keys(&next), next.prefixes.clone(), next.truncated), (vec!["d".to_owned()], vec!["c/".to_owned()], false));
        let after_prefix = store.list("bkt", "", "a/", "/", 10).expect("list");
        assert_eq!(after_prefix.prefixes, ["c/"], "a common prefix is not listed again after it is the marker");
        let sub = store.list("bkt", "c/", "", "/", 10).expect("list");
        assert_eq!((keys(&sub), sub.prefixes.clone()), (vec!["c/y".to_owned()], vec!["c/x/".to_owned()]));
        assert_eq!(store.delete_bucket("bkt").map_err(|e| e.code), Err("BucketNotEmpty"));
        // Records survive a restart.
        drop(store);
        let again = Store::open(dir.path()).expect("reopen");
        assert_eq!(again.list("bkt", "", "", "", 1000).expect("list").contents.len(), 6);
    }
}
