//! File parts of `multipart/form-data` forms.
//!
//! An operation whose spec takes a form (Swagger `formData` parameters, an OpenAPI 3
//! `multipart/form-data` body) has one request field per form field; a file field takes a
//! [`FormFile`]: bytes in memory, a file on disk or an async stream, with the file name
//! and content type the part announces.

use crate::Body;
use std::fmt;
use std::path::{Path, PathBuf};

/// A file sent as one part of a `multipart/form-data` form.
///
/// The part carries the file name (`filename="..."`; a path's last component unless set)
/// and, when given, a `Content-Type`. Without one the part has no `Content-Type`, as
/// Huawei's official SDKs send it (the server then reads the part as a file by its
/// name); set it when the service documents one.
///
/// ```
/// use codegen_runtime::FormFile;
///
/// let photo = FormFile::path("/tmp/face.jpg").with_content_type("image/jpeg");
/// assert_eq!(photo.file_name(), "face.jpg");
/// let inline = FormFile::bytes("face.jpg", vec![0xff, 0xd8, 0xff]);
/// assert_eq!(inline.content_type(), None);
/// ```
///
/// A file on disk or a stream is read while the request is sent, never held in memory (a
/// file is opened again for a retry; a stream is sent once, see [`Body`]); a file that
/// cannot be opened is an [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming
/// its path, before anything is sent.
#[derive(Clone, PartialEq)]
pub struct FormFile {
    file_name: String,
    content_type: Option<String>,
    content: Body,
}

impl FormFile {
    /// Bytes in memory, sent with `file_name`.
    pub fn bytes(file_name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self::from_body(file_name, Body::from(data.into()))
    }

    /// Any [`Body`] (an async stream: `Body::from_stream`), sent with `file_name`.
    pub fn from_body(file_name: impl Into<String>, content: impl Into<Body>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            content: content.into(),
        }
    }

    /// The file at `path`, sent with its last path component as the file name.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self {
            file_name,
            content_type: None,
            content: Body::from_file(path),
        }
    }

    /// Sends the part with this file name instead.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// Sends the part with this `Content-Type` (`image/jpeg`, `application/zip`, ...).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name the part announces.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The part's `Content-Type`, if one is set.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The file on disk, for a file made with [`path`](Self::path).
    pub fn source_path(&self) -> Option<&Path> {
        self.content.file_path()
    }

    /// The part's content.
    pub fn content(&self) -> &Body {
        &self.content
    }
}

impl From<PathBuf> for FormFile {
    fn from(path: PathBuf) -> Self {
        Self::path(path)
    }
}

impl From<&Path> for FormFile {
    fn from(path: &Path) -> Self {
        Self::path(path)
    }
}

/// Shows the file name, the content type and the content's kind and size, never the bytes.
impl fmt::Debug for FormFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("content", &self.content)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sources_and_debug() {
        let file = FormFile::path("/data/photos/face.jpg");
        assert_eq!(file.file_name(), "face.jpg");
        assert_eq!(file.source_path(), Some(Path::new("/data/photos/face.jpg")));
        let renamed = file.with_file_name("other.png").with_content_type("image/png");
        assert_eq!((renamed.file_name(), renamed.content_type()), ("other.png", Some("image/png")));
        let inline = FormFile::bytes("a.txt", b"secret bytes".to_vec());
        let shown = format!("{inline:?}");
        assert!(shown.contains("<12 bytes>") && !shown.contains("secret"), "{shown}");
        assert_eq!(inline.content().as_bytes(), Some(&b"secret bytes"[..]));
    }
}
