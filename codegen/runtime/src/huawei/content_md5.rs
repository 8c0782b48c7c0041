//! `Content-MD5` (RFC 1864: the base64 MD5 of a body), which OBS checks on uploads and
//! requires on some operations: for bytes, a file read in chunks, or data hashed as it
//! goes by ([`ContentMd5`]), never holding a whole file or stream in memory.

use std::fmt;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::{Digest, Md5};

use crate::body::Kind;
use crate::{Body, Error};

/// Bytes read from a file at a time.
const CHUNK: usize = 64 * 1024;

/// The `Content-MD5` of `bytes`.
///
/// ```
/// assert_eq!(codegen_runtime::huawei::content_md5(b"hello"), "XUFAKrxLKna5cZ2REBfFkg==");
/// ```
pub fn content_md5(bytes: &[u8]) -> String {
    BASE64.encode(Md5::digest(bytes))
}

/// A `Content-MD5` computed piece by piece: for data hashed as it is produced or received
/// (a stream written to a file, a download checked against the MD5 it was uploaded with).
#[derive(Clone, Default)]
pub struct ContentMd5(Md5);

impl ContentMd5 {
    /// Nothing hashed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hashes the next `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The `Content-MD5` of everything hashed.
    pub fn finish(self) -> String {
        BASE64.encode(self.0.finalize())
    }
}

impl fmt::Debug for ContentMd5 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContentMd5")
    }
}

/// The `Content-MD5` of the file at `path`, read once in chunks of 64 KiB. It blocks
/// while reading: in async code, call it from `spawn_blocking`.
pub fn content_md5_of_file(path: &Path) -> Result<String, Error> {
    let mut hash = ContentMd5::new();
    hash_file(path, &mut hash)?;
    Ok(hash.finish())
}

/// The `Content-MD5` of `length` bytes of the file at `path` from `offset`: one part of a
/// multipart upload. Blocks while reading, as [`content_md5_of_file`]; fails when the file
/// ends before.
pub fn content_md5_of_file_range(path: &Path, offset: u64, length: u64) -> Result<String, Error> {
    let mut hash = ContentMd5::new();
    hash_file_range(path, offset, length, &mut hash)?;
    Ok(hash.finish())
}

fn hash_file_range(path: &Path, offset: u64, length: u64, hash: &mut ContentMd5) -> Result<(), Error> {
    let failed = |e: std::io::Error| {
        Error::InvalidRequest(format!("cannot read `{}` for its Content-MD5: {e}", path.display()))
    };
    let mut file = std::fs::File::open(path).map_err(failed)?;
    file.seek(SeekFrom::Start(offset)).map_err(failed)?;
    let read = hash_reader(file.take(length), hash).map_err(failed)?;
    if read < length {
        return Err(Error::InvalidRequest(format!(
            "`{}` ends {read} bytes after offset {offset}, before the {length} bytes to hash",
            path.display()
        )));
    }
    Ok(())
}

/// The `Content-MD5` of `body`: its bytes, or its file read once (as
/// [`content_md5_of_file`], blocking), without keeping it in memory. A stream is read only
/// when it is sent, so its MD5 cannot be known before: that is an error; hash a stream's
/// chunks with [`ContentMd5`] while producing them instead.
pub fn content_md5_of_body(body: &Body) -> Result<String, Error> {
    let mut hash = ContentMd5::new();
    hash_body(body, &mut hash)?;
    Ok(hash.finish())
}

fn hash_body(body: &Body, hash: &mut ContentMd5) -> Result<(), Error> {
    match &body.kind {
        Kind::Bytes(bytes) => hash.update(bytes),
        Kind::File(path) => hash_file(path, hash)?,
        Kind::FileRange { path, offset, length } => hash_file_range(path, *offset, *length, hash)?,
        Kind::Stream { .. } => {
            return Err(Error::InvalidRequest(
                "the Content-MD5 of a stream body cannot be known before it is sent: hash its chunks \
                 with ContentMd5 as they are produced"
                    .to_owned(),
            ));
        }
        Kind::Parts(parts) => {
            for part in parts.iter() {
                hash_body(part, hash)?;
            }
        }
    }
    Ok(())
}

fn hash_file(path: &Path, hash: &mut ContentMd5) -> Result<(), Error> {
    let failed = |e: std::io::Error| {
        Error::InvalidRequest(format!("cannot read `{}` for its Content-MD5: {e}", path.display()))
    };
    let file = std::fs::File::open(path).map_err(failed)?;
    hash_reader(file, hash).map_err(failed)?;
    Ok(())
}

/// Hashes everything `reader` gives, in chunks; the number of bytes read.
fn hash_reader(mut reader: impl Read, hash: &mut ContentMd5) -> std::io::Result<u64> {
    let mut buffer = vec![0; CHUNK];
    let mut total = 0;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                hash.update(&buffer[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_files_and_pieces_agree() {
        // RFC 1321's "abc".
        assert_eq!(content_md5(b"abc"), BASE64.encode(hex::decode("900150983cd24fb0d6963f7d28e17f72").expect("hex")));
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = std::env::temp_dir().join(format!("codegen-md5-{}.bin", std::process::id()));
        std::fs::write(&path, &data).expect("write");
        let of_file = content_md5_of_file(&path);
        let of_range = content_md5_of_file_range(&path, 70_000, 100_000);
        let past_the_end = content_md5_of_file_range(&path, 150_000, 100_000);
        let of_body = content_md5_of_body(&Body::from_file(&path));
        let of_parts = content_md5_of_body(&Body::concat(vec![Body::from(data[..10].to_vec()), Body::from_file(&path)]));
        let of_body_range = content_md5_of_body(&Body::from_file_range(&path, 1_000, 150_000));
        let past_end = content_md5_of_body(&Body::from_file_range(&path, 199_000, 1_001));
        std::fs::remove_file(&path).expect("cleanup");
        let whole = content_md5(&data);
        assert_eq!(of_file.expect("file"), whole);
        assert_eq!(of_range.expect("range"), content_md5(&data[70_000..170_000]));
        let short = past_the_end.expect_err("the file ends before").to_string();
        assert!(short.contains("ends 50000 bytes after offset 150000"), "{short}");
        assert_eq!(of_body.expect("body"), whole);
        let mut joined = data[..10].to_vec();
        joined.extend_from_slice(&data);
        assert_eq!(of_parts.expect("parts"), content_md5(&joined));
        assert_eq!(of_body_range.expect("range"), content_md5(&data[1_000..151_000]));
        assert!(past_end.expect_err("too short").to_string().contains("ends 1000 bytes after offset"));
        let mut pieces = ContentMd5::new();
        data.chunks(7_000).for_each(|chunk| pieces.update(chunk));
        assert_eq!(pieces.finish(), whole);
    }

    #[test]
    fn streams_and_missing_files_are_errors() {
        let stream = Body::from_stream(futures_empty(), None);
        let refused = content_md5_of_body(&stream).expect_err("a stream").to_string();
        assert!(refused.contains("ContentMd5"), "{refused}");
        let missing = content_md5_of_file(Path::new("/nonexistent/codegen-md5")).expect_err("missing").to_string();
        assert!(missing.contains("/nonexistent/codegen-md5"), "{missing}");
    }

    /// A stream that ends at once.
    fn futures_empty() -> impl futures_core::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send {
        struct Empty;
        impl futures_core::Stream for Empty {
            type Item = Result<bytes::Bytes, std::io::Error>;
            fn poll_next(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
                std::task::Poll::Ready(None)
            }
        }
        Empty
    }
}
