//! Large objects in parts, beyond what the official SDK offers: a file uploaded in parts,
//! several at once, and an object downloaded by ranges, several at once, both with
//! progress and in constant memory.
//!
//! ```no_run
//! # async fn run(client: &obs::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use obs::transfer::{download_file, upload_file, DownloadOptions, UploadOptions};
//!
//! let options = UploadOptions::new()
//!     .part_size(16 << 20)
//!     .concurrency(4)
//!     .progress(|p| eprintln!("{} of {:?} bytes", p.transferred, p.total));
//! let uploaded = upload_file(client, "my-bucket", "backups/2026/db.tar", "db.tar", options).await?;
//! println!("{} parts, ETag {:?}", uploaded.parts, uploaded.e_tag);
//!
//! download_file(client, "my-bucket", "backups/2026/db.tar", "copy.tar", DownloadOptions::new()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! An upload that fails is aborted (its parts deleted) unless [`UploadOptions::keep_on_failure`]
//! asks to keep it: the [`UploadError`] then carries the upload id, and
//! [`UploadOptions::resume`] uploads only the parts [`ListParts`](crate::operations::ListPartsRequest)
//! does not list yet.

use crate::models::{CompleteMultipartUploadPart, CompleteMultipartUploadRequestBody};
use crate::operations::{
    AbortMultipartUploadRequest, CompleteMultipartUploadRequest, GetObjectRequest, HeadObjectRequest,
    HeadObjectResponse, InitiateMultipartUploadRequest, ListPartsRequest, UploadPartRequest, UploadPartResponse,
};
use crate::{Body, Client, Error, Progress};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::Poll;

/// OBS's smallest part, but for the last one: 100 KiB.
pub const MIN_PART_SIZE: u64 = 100 << 10;
/// OBS's largest part: 5 GiB.
pub const MAX_PART_SIZE: u64 = 5 << 30;
/// OBS's most parts in one upload.
pub const MAX_PARTS: u64 = 10_000;
/// The most requests at once a transfer accepts.
pub const MAX_CONCURRENCY: usize = 64;

type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How [`upload_file`] uploads.
#[derive(Clone)]
pub struct UploadOptions {
    part_size: u64,
    concurrency: usize,
    keep_on_failure: bool,
    resume: Option<String>,
    progress: Option<ProgressFn>,
}

impl UploadOptions {
    /// Parts of 16 MiB, 4 at once; a failed upload is aborted.
    pub fn new() -> Self {
        Self {
            part_size: 16 << 20,
            concurrency: 4,
            keep_on_failure: false,
            resume: None,
            progress: None,
        }
    }

    /// The size of each part but the last, from [`MIN_PART_SIZE`] to [`MAX_PART_SIZE`];
    /// a file needing more than [`MAX_PARTS`] parts of this size is refused.
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes;
        self
    }

    /// How many parts are sent at once, from 1 to [`MAX_CONCURRENCY`].
    pub fn concurrency(mut self, parts: usize) -> Self {
        self.concurrency = parts;
        self
    }

    /// On failure, keep the parts uploaded so far instead of aborting the upload: the
    /// [`UploadError`] carries the upload id to [`resume`](Self::resume) with.
    pub fn keep_on_failure(mut self) -> Self {
        self.keep_on_failure = true;
        self
    }

    /// Continue the multipart upload `upload_id` (of the same file, with the same part
    /// size): the parts OBS lists with the expected size are not sent again.
    pub fn resume(mut self, upload_id: impl Into<String>) -> Self {
        self.resume = Some(upload_id.into());
        self
    }

    /// Calls `callback` with the bytes of the file uploaded so far (parts already listed
    /// when resuming included) as they go.
    pub fn progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadOptions")
            .field("part_size", &self.part_size)
            .field("concurrency", &self.concurrency)
            .field("keep_on_failure", &self.keep_on_failure)
            .field("resume", &self.resume)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// A file uploaded by [`upload_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// The multipart upload's id.
    pub upload_id: String,
    /// The object's ETag, as OBS answered the completion.
    pub e_tag: Option<String>,
    /// The number of parts.
    pub parts: u64,
    /// The parts found already uploaded when resuming, not sent again.
    pub parts_resumed: u64,
    /// The file's size.
    pub bytes: u64,
}

/// Why [`upload_file`] failed, and the upload to resume when it was kept.
#[derive(Debug)]
pub struct UploadError {
    /// What failed first.
    pub error: Error,
    /// The multipart upload left in place for [`UploadOptions::resume`]: set when the
    /// upload was started (or resumed) and [`UploadOptions::keep_on_failure`] asked to keep
    /// it; `None` when it was aborted or never started.
    pub upload_id: Option<String>,
    /// Why aborting the upload failed too, when it did: its parts then stay until a
    /// lifecycle rule or an `AbortMultipartUpload` removes them.
    pub abort_error: Option<Error>,
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the upload failed: {}", self.error)?;
        if let Some(id) = &self.upload_id {
            write!(f, " (multipart upload {id} kept: resume it with UploadOptions::resume)")?;
        }
        if let Some(abort) = &self.abort_error {
            write!(f, " (and aborting it failed: {abort})")?;
        }
        Ok(())
    }
}

impl std::error::Error for UploadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<Error> for UploadError {
    fn from(error: Error) -> Self {
        Self {
            error,
            upload_id: None,
            abort_error: None,
        }
    }
}

/// Uploads the file at `path` to `key` of `bucket` as a multipart upload: parts of
/// [`UploadOptions::part_size`], [`UploadOptions::concurrency`] at once, each read from
/// the file while it is sent (and again for a retry), so memory stays small whatever the
/// file's size.
///
/// Bad options (a part size out of range, too many parts, no concurrency) and a file that
/// cannot be read are refused before anything is sent.
pub async fn upload_file(
    client: &Client,
    bucket: &str,
    key: &str,
    path: impl AsRef<Path>,
    options: UploadOptions,
) -> Result<Uploaded, UploadError> {
    let path = path.as_ref().to_path_buf();
    let size = std::fs::metadata(&path)
        .map_err(|e| Error::InvalidRequest(format!("cannot read {}: {e}", path.display())))?
        .len();
    let plan = plan_parts(size, &options)?;
    let (upload_id, done) = match &options.resume {
        Some(id) => (id.clone(), uploaded_parts(client, bucket, key, id).await?),
        None => {
            let answer = client
                .initiate_multipart_upload(InitiateMultipartUploadRequest::new(bucket, key))
                .await?
                .into_ok()?;
            let id = answer
                .upload_id
                .ok_or_else(|| Error::InvalidRequest("OBS answered InitiateMultipartUpload without an UploadId".to_owned()))?;
            (id, BTreeMap::new())
        }
    };
    let outcome = send_parts(client, bucket, key, &path, &upload_id, &plan, &done, &options).await;
    let outcome = match outcome {
        Ok(tags) => complete(client, bucket, key, &upload_id, tags).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(e_tag) => Ok(Uploaded {
            upload_id,
            e_tag,
            parts: plan.len() as u64,
            parts_resumed: plan.iter().filter(|p| done_as_planned(&done, p).is_some()).count() as u64,
            bytes: size,
        }),
        Err(error) if options.keep_on_failure => Err(UploadError {
            error,
            upload_id: Some(upload_id),
            abort_error: None,
        }),
        Err(error) => {
            let aborted = client
                .abort_multipart_upload(AbortMultipartUploadRequest::new(bucket, key, &upload_id))
                .await
                .and_then(|answer| answer.into_ok().map(drop));
            Err(UploadError {
                error,
                upload_id: None,
                abort_error: aborted.err(),
            })
        }
    }
}

/// One part of the file: its number (from 1), offset and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PlannedPart {
    number: u64,
    offset: u64,
    length: u64,
}

/// The parts of a file of `size` bytes (one empty part for an empty file), after checking
/// the options.
fn plan_parts(size: u64, options: &UploadOptions) -> Result<Vec<PlannedPart>, Error> {
    let part_size = options.part_size;
    if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&part_size) {
        return Err(Error::InvalidRequest(format!(
            "part size {part_size} is out of OBS's range, {MIN_PART_SIZE} to {MAX_PART_SIZE} bytes"
        )));
    }
    if !(1..=MAX_CONCURRENCY).contains(&options.concurrency) {
        return Err(Error::InvalidRequest(format!(
            "concurrency {} is out of range, 1 to {MAX_CONCURRENCY}",
            options.concurrency
        )));
    }
    let count = size.div_ceil(part_size).max(1);
    if count > MAX_PARTS {
        return Err(Error::InvalidRequest(format!(
            "a file of {size} bytes needs {count} parts of {part_size} bytes; OBS takes at most {MAX_PARTS}: \
             choose parts of at least {} bytes",
            size.div_ceil(MAX_PARTS)
        )));
    }
    Ok((0..count)
        .map(|i| {
            let offset = i * part_size;
            PlannedPart {
                number: i + 1,
                offset,
                length: part_size.min(size - offset),
            }
        })
        .collect())
}

/// A listed part: its ETag and size.
type ListedParts = BTreeMap<u64, (String, u64)>;

/// The ETag of part `part` when OBS lists it already uploaded with the planned size.
fn done_as_planned<'a>(done: &'a ListedParts, part: &PlannedPart) -> Option<&'a str> {
    done.get(&part.number)
        .filter(|(_, size)| *size == part.length)
        .map(|(tag, _)| tag.as_str())
}

/// Every part OBS lists for `upload_id`, page by page.
async fn uploaded_parts(client: &Client, bucket: &str, key: &str, upload_id: &str) -> Result<ListedParts, Error> {
    let mut parts = ListedParts::new();
    let mut marker: Option<String> = None;
    loop {
        let mut request = ListPartsRequest::new(bucket, key, upload_id);
        if let Some(marker) = &marker {
            request = request.with_part_number_marker(marker);
        }
        let page = client.list_parts(request).await?.into_ok()?;
        for part in page.part.into_iter().flatten() {
            let number = part.part_number.as_deref().and_then(|n| n.trim().parse::<u64>().ok());
            if let (Some(number), Some(tag), Some(size)) = (number, part.e_tag, part.size) {
                parts.insert(number, (tag, u64::try_from(size).unwrap_or(0)));
            }
        }
        let next = page.next_part_number_marker.map(|n| n.to_string());
        if page.is_truncated != Some(true) || next.is_none() || next == marker {
            return Ok(parts);
        }
        marker = next;
    }
}

/// Sends the parts not uploaded yet, `concurrency` at once; the ETag of every part, by
/// number. The first failure stops the others.
#[allow(clippy::too_many_arguments)]
async fn send_parts(
    client: &Client,
    bucket: &str,
    key: &str,
    path: &Path,
    upload_id: &str,
    plan: &[PlannedPart],
    done: &ListedParts,
    options: &UploadOptions,
) -> Result<BTreeMap<u64, String>, Error> {
    let total = plan.iter().map(|p| p.length).sum::<u64>();
    let progress = Tally::new(options.progress.clone(), Some(total));
    let mut tags = BTreeMap::new();
    let mut to_send = Vec::new();
    for part in plan {
        match done_as_planned(done, part) {
            Some(tag) => {
                tags.insert(part.number, tag.to_owned());
                progress.add(part.length);
            }
            None => to_send.push(*part),
        }
    }
    progress.report();
    let jobs = to_send.into_iter().map(|part| {
        let progress = progress.clone();
        let path: PathBuf = path.to_path_buf();
        let (client, bucket, key, upload_id) = (client.clone(), bucket.to_owned(), key.to_owned(), upload_id.to_owned());
        async move {
            let body = Body::from_file_range(&path, part.offset, part.length).with_progress(progress.part_callback());
            let request = UploadPartRequest::new(&bucket, &key, part.number as i32, &upload_id, body);
            match client.upload_part(request).await? {
                UploadPartResponse::Ok { e_tag: Some(tag), .. } => Ok((part.number, tag)),
                UploadPartResponse::Ok { .. } => Err(Error::InvalidRequest(format!(
                    "OBS answered part {} without an ETag",
                    part.number
                ))),
                other => Err(other.into_ok().err().unwrap_or_else(|| {
                    Error::InvalidRequest(format!("part {} was not stored", part.number))
                })),
            }
        }
    });
    for (number, tag) in at_most(options.concurrency, jobs).await? {
        tags.insert(number, tag);
    }
    Ok(tags)
}

/// Completes the upload with the parts in order; the object's ETag.
async fn complete(
    client: &Client,
    bucket: &str,
    key: &str,
    upload_id: &str,
    tags: BTreeMap<u64, String>,
) -> Result<Option<String>, Error> {
    let parts = tags
        .into_iter()
        .map(|(number, tag)| CompleteMultipartUploadPart {
            part_number: Some(number as i32),
            e_tag: Some(tag),
            ..Default::default()
        })
        .collect();
    let body = CompleteMultipartUploadRequestBody {
        part: Some(parts),
        ..Default::default()
    };
    let answer = client
        .complete_multipart_upload(CompleteMultipartUploadRequest::new(bucket, key, upload_id, body))
        .await?;
    let e_tag = answer.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    answer.into_ok()?;
    Ok(e_tag)
}

/// How [`download_file`] downloads.
#[derive(Clone)]
pub struct DownloadOptions {
    part_size: u64,
    concurrency: usize,
    progress: Option<ProgressFn>,
}

impl DownloadOptions {
    /// Ranges of 16 MiB, 4 at once.
    pub fn new() -> Self {
        Self {
            part_size: 16 << 20,
            concurrency: 4,
            progress: None,
        }
    }

    /// The size of each range (at least 1 byte).
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes;
        self
    }

    /// How many ranges are fetched at once, from 1 to [`MAX_CONCURRENCY`].
    pub fn concurrency(mut self, ranges: usize) -> Self {
        self.concurrency = ranges;
        self
    }

    /// Calls `callback` with the bytes received so far as they arrive.
    pub fn progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("part_size", &self.part_size)
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Downloads `key` of `bucket` to a file at `path` (replacing one there) by ranges of
/// [`DownloadOptions::part_size`], [`DownloadOptions::concurrency`] at once, each written
/// at its place as it arrives; the object's size. Every range asks for the ETag the object
/// had when the download began (`If-Match`), so an object replaced meanwhile fails the
/// download instead of mixing two versions.
pub async fn download_file(
    client: &Client,
    bucket: &str,
    key: &str,
    path: impl AsRef<Path>,
    options: DownloadOptions,
) -> Result<u64, Error> {
    let path = path.as_ref().to_path_buf();
    if options.part_size == 0 || !(1..=MAX_CONCURRENCY).contains(&options.concurrency) {
        return Err(Error::InvalidRequest(format!(
            "a download needs ranges of at least 1 byte and a concurrency of 1 to {MAX_CONCURRENCY}"
        )));
    }
    let head = client.head_object(HeadObjectRequest::new(bucket, key)).await?;
    let (size, e_tag) = match &head {
        HeadObjectResponse::Ok { content_length, e_tag, .. } => {
            let size = content_length.as_deref().and_then(|n| n.trim().parse::<u64>().ok());
            (size, e_tag.clone())
        }
        _ => (None, None),
    };
    head.into_ok()?;
    let size = size.ok_or_else(|| Error::InvalidRequest("OBS answered HeadObject without a Content-Length".to_owned()))?;
    let cannot = |e: std::io::Error| Error::InvalidRequest(format!("cannot write {}: {e}", path.display()));
    std::fs::File::create(&path).and_then(|file| file.set_len(size)).map_err(cannot)?;
    let progress = Tally::new(options.progress.clone(), Some(size));
    progress.report();
    let ranges = (0..size.div_ceil(options.part_size)).map(|i| {
        let start = i * options.part_size;
        (start, options.part_size.min(size - start))
    });
    let jobs = ranges.map(|(start, length)| {
        let (client, bucket, key, path) = (client.clone(), bucket.to_owned(), key.to_owned(), path.clone());
        let (e_tag, progress) = (e_tag.clone(), progress.clone());
        async move {
            let mut request = GetObjectRequest::new(&bucket, &key).with_range(format!("bytes={start}-{}", start + length - 1));
            if let Some(tag) = e_tag {
                request = request.with_if_match(tag);
            }
            let body = client.get_object(request).await?.into_ok()?;
            let written = body.with_progress(progress.part_callback()).write_to_file_at(&path, start).await?;
            if written != length {
                return Err(Error::InvalidRequest(format!(
                    "OBS sent {written} bytes for the range of {length} bytes from {start}"
                )));
            }
            Ok(())
        }
    });
    at_most(options.concurrency, jobs).await?;
    Ok(size)
}

/// Progress summed over parts sent at once, each of which reports its own count (and
/// starts again from zero when retried).
#[derive(Clone)]
struct Tally {
    callback: Option<ProgressFn>,
    done: Arc<AtomicU64>,
    total: Option<u64>,
}

impl Tally {
    fn new(callback: Option<ProgressFn>, total: Option<u64>) -> Self {
        Self {
            callback,
            done: Arc::new(AtomicU64::new(0)),
            total,
        }
    }

    fn add(&self, bytes: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
    }

    fn report(&self) {
        if let Some(callback) = &self.callback {
            callback(Progress {
                transferred: self.done.load(Ordering::Relaxed),
                total: self.total,
            });
        }
    }

    /// A callback for one part's body: adds what the part moved since its last report.
    fn part_callback(&self) -> impl Fn(Progress) + Send + Sync + 'static {
        let tally = self.clone();
        let seen = AtomicU64::new(0);
        move |part: Progress| {
            let before = seen.swap(part.transferred, Ordering::Relaxed);
            if part.transferred >= before {
                tally.add(part.transferred - before);
            } else {
                // The part is sent again (a retry): take back what it had counted.
                tally.done.fetch_sub(before - part.transferred, Ordering::Relaxed);
            }
            tally.report();
        }
    }
}

/// Runs the futures `jobs` gives, at most `limit` at a time, in one task (the client's
/// I/O runs on its own), until all are done or one fails; the results in completion
/// order. The first error drops the others, which cancels their requests.
async fn at_most<T, F>(limit: usize, jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, Error>
where
    F: Future<Output = Result<T, Error>>,
{
    let mut pending = jobs.into_iter();
    let mut running: Vec<Pin<Box<F>>> = Vec::new();
    let mut results = Vec::new();
    loop {
        while running.len() < limit {
            match pending.next() {
                Some(job) => running.push(Box::pin(job)),
                None => break,
            }
        }
        if running.is_empty() {
            return Ok(results);
        }
        let finished = std::future::poll_fn(|cx| {
            for (i, job) in running.iter_mut().enumerate() {
                if let Poll::Ready(result) = job.as_mut().poll(cx) {
                    return Poll::Ready((i, result));
                }
            }
            Poll::Pending
        })
        .await;
        let (i, result) = finished;
        drop(running.swap_remove(i));
        results.push(result?);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_file_within_obs_limits() {
        let options = UploadOptions::new().part_size(MIN_PART_SIZE);
        let plan = plan_parts(MIN_PART_SIZE * 2 + 1, &options).expect("valid");
        assert_eq!(plan.len(), 3);
        assert_eq!(plan[2], PlannedPart { number: 3, offset: MIN_PART_SIZE * 2, length: 1 });
        assert_eq!(plan_parts(0, &options).expect("empty file").len(), 1, "one empty part");
        let too_small = plan_parts(1, &UploadOptions::new().part_size(MIN_PART_SIZE - 1)).expect_err("small");
        assert!(too_small.to_string().contains("out of OBS's range"), "{too_small}");
        let too_many = plan_parts(MIN_PART_SIZE * (MAX_PARTS + 1), &options).expect_err("many");
        assert!(too_many.to_string().contains("at most 10000"), "{too_many}");
        let none = plan_parts(1, &UploadOptions::new().concurrency(0)).expect_err("no concurrency");
        assert!(none.to_string().contains("concurrency 0"), "{none}");
    }

    #[test]
    fn progress_of_parts_adds_up_and_takes_back_a_retried_part() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let tally = Tally::new(Some(Arc::new(move |p: Progress| log.lock().unwrap().push(p.transferred))), Some(30));
        let (a, b) = (tally.part_callback(), tally.part_callback());
        a(Progress { transferred: 10, total: Some(10) });
        b(Progress { transferred: 5, total: Some(20) });
        b(Progress { transferred: 0, total: Some(20) });
        b(Progress { transferred: 20, total: Some(20) });
        assert_eq!(*seen.lock().unwrap(), vec![10, 15, 10, 30]);
    }
}
