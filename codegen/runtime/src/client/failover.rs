//! Endpoint failover: a client with several endpoints of one region (the official SDK's
//! `Region(id, *endpoints)`) moves to the next when connecting to one fails, as the SDK
//! does, and remembers the one that answered for every clone of the client.
//!
//! A request is built against one endpoint: the endpoints of one client differ in nothing
//! but their base URL (the same project id, headers and request extensions), so a request
//! that lies under one's base URL moves to another by replacing that URL, and is then
//! exactly what building it there would give. [`Client::send`] builds under the base
//! URL; a request given to [`Client::execute`] that does not (another spelling of the
//! same origin) is sent only where it goes.
//!
//! [`Client::send`]: super::Client::send
//! [`Client::execute`]: super::Client::execute

use crate::{Body, Endpoint, Error};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A client's endpoints, best first, and the one in use (shared by clones).
#[derive(Clone)]
pub(super) struct Endpoints {
    list: Arc<[Endpoint]>,
    current: Arc<AtomicUsize>,
}

impl Endpoints {
    pub fn one(endpoint: Endpoint) -> Self {
        Self { list: Arc::new([endpoint]), current: Arc::new(AtomicUsize::new(0)) }
    }

    /// Fails for an empty list, or endpoints that differ in more than their URL.
    pub fn new(list: Vec<Endpoint>) -> Result<Self, Error> {
        let Some(first) = list.first() else {
            return Err(Error::InvalidRequest("a client needs at least one endpoint".to_owned()));
        };
        if let Some(other) = list.iter().find(|e| !first.differs_only_in_base(e)) {
            return Err(Error::InvalidRequest(format!(
                "the endpoints of one client may differ only in their URL, but `{}` has another \
                 project id, other headers or other request extensions than `{}`",
                other.base_url(),
                first.base_url()
            )));
        }
        Ok(Self { list: list.into(), current: Arc::new(AtomicUsize::new(0)) })
    }

    pub fn all(&self) -> &[Endpoint] {
        &self.list
    }

    /// The endpoint in use.
    pub fn current(&self) -> &Endpoint {
        &self.list[self.current.load(Ordering::Relaxed) % self.list.len()]
    }

    /// Every index once, from the one in use, wrapping around.
    pub fn in_turn(&self) -> impl Iterator<Item = usize> + use<> {
        let (start, len) = (self.current.load(Ordering::Relaxed), self.list.len());
        (0..len).map(move |i| (start + i) % len)
    }

    /// Uses endpoint `index` from now on.
    pub fn settle(&self, index: usize) {
        self.current.store(index, Ordering::Relaxed);
    }
}

impl fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.list {
            [only] => only.fmt(f),
            list => {
                let in_use = self.current.load(Ordering::Relaxed);
                f.debug_struct("Endpoints").field("list", &list).field("in_use", &in_use).finish()
            }
        }
    }
}

/// What an attempt sends to each endpoint it tries.
pub(super) struct Requests<'a> {
    endpoints: &'a [Endpoint],
    /// The request as given (unsigned), and the index of the endpoint it was built for.
    request: http::Request<Body>,
    home: usize,
    /// Whether it lies under its endpoint's base URL, and so can move to another.
    movable: bool,
}

impl<'a> Requests<'a> {
    /// Refuses, before anything is signed, a request that does not go to the origin of
    /// one of the endpoints: credentials are only sent there.
    pub fn new(endpoints: &'a [Endpoint], request: http::Request<Body>) -> Result<Self, Error> {
        let uri = request.uri().to_string();
        // The longest base URL the request lies under, else any endpoint of its origin.
        let under = (0..endpoints.len())
            .filter(|&i| under_base(&uri, endpoints[i].base_url()).is_some())
            .max_by_key(|&i| endpoints[i].base_url().len());
        let home = under.or_else(|| endpoints.iter().position(|e| e.is_origin_of_request(&request)));
        let Some(home) = home else {
            let names: Vec<_> = endpoints.iter().map(|e| format!("`{}`", e.base_url())).collect();
            return Err(Error::InvalidRequest(format!(
                "the request goes to `{}`, not to this client's endpoint {}: its credentials are \
                 only sent there",
                origin_of(request.uri()),
                names.join(" or ")
            )));
        };
        Ok(Self { endpoints, request, home, movable: under.is_some() })
    }

    pub fn method(&self) -> &http::Method {
        self.request.method()
    }

    /// Whether the body can be sent again (not a stream), to another endpoint or in a retry.
    pub fn replayable(&self) -> bool {
        self.request.body().is_replayable()
    }

    /// The request for endpoint `index`, unsigned; `None` when it cannot go there.
    pub fn for_endpoint(&self, index: usize) -> Option<http::Request<Body>> {
        if index == self.home {
            return Some(copy_request(&self.request));
        }
        if !self.movable {
            return None;
        }
        let uri = self.request.uri().to_string();
        let rest = under_base(&uri, self.endpoints[self.home].base_url())?;
        let moved = format!("{}{rest}", self.endpoints[index].base_url()).parse().ok()?;
        let mut request = copy_request(&self.request);
        *request.uri_mut() = moved;
        Some(request)
    }
}

/// What follows `base` in `uri`, when `uri` lies under it (at a `/`, `?` or the end).
fn under_base<'u>(uri: &'u str, base: &str) -> Option<&'u str> {
    let rest = uri.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with(['/', '?'])).then_some(rest)
}

/// The scheme and authority of `uri`, for messages (user info redacted).
pub(super) fn origin_of(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str().map(|s| format!("{s}://")).unwrap_or_default();
    let authority = uri.authority().map(|a| super::proxy::without_password(a.as_str())).unwrap_or_default();
    format!("{scheme}{authority}")
}

/// The unsigned request again, for one more attempt (`http::Request` is not `Clone`):
/// bytes are shared, a file is opened again, a stream is the same (already taken).
/// Extensions come along: they carry what the signer needs (derived signing's scope).
fn copy_request(request: &http::Request<Body>) -> http::Request<Body> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    copy
}

/// The failure of an attempt when no endpoint could be reached: each endpoint's error,
/// in the order tried, in one message (as the SDK joins them).
pub(super) fn unreachable(failures: Vec<(String, Error)>) -> Error {
    let parts: Vec<String> = failures
        .iter()
        .map(|(endpoint, error)| format!("{endpoint}: {}", with_causes(error)))
        .collect();
    Error::Transport(Box::new(Unreachable(parts.join("; "))))
}

/// An error with the causes below it (`reqwest`'s message alone says which URL, not why);
/// a transport error without the `transport failure: ` that the joined one starts with.
fn with_causes(error: &Error) -> String {
    let error: &(dyn std::error::Error + 'static) = match error {
        Error::Transport(source) => &**source,
        other => other,
    };
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[derive(Debug)]
struct Unreachable(String);

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no endpoint could be reached: {}", self.0)
    }
}

impl std::error::Error for Unreachable {}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str) -> Endpoint {
        Endpoint::new(url).expect("url").with_project_id("p1")
    }

    fn get(url: &str) -> http::Request<Body> {
        http::Request::get(url).body(Body::from("{}")).expect("request")
    }

    #[test]
    fn the_index_is_shared_and_every_endpoint_is_tried_once_from_it() {
        let endpoints = Endpoints::new(vec![endpoint("https://a"), endpoint("https://b"), endpoint("https://c")])
            .expect("endpoints");
        let clone = endpoints.clone();
        assert_eq!(endpoints.in_turn().collect::<Vec<_>>(), [0, 1, 2]);
        clone.settle(2);
        assert_eq!(endpoints.in_turn().collect::<Vec<_>>(), [2, 0, 1]);
        assert_eq!(endpoints.current().base_url(), "https://c");
        assert!(Endpoints::new(Vec::new()).is_err());
        let other_project = vec![endpoint("https://a"), Endpoint::new("https://b").expect("url")];
        let refused = Endpoints::new(other_project).expect_err("refused").to_string();
        assert!(refused.contains("`https://b` has another project id"), "{refused}");
    }

    #[test]
    fn requests_move_to_another_base_url() {
        let list = [endpoint("https://a.example.com"), endpoint("https://b.example.com/prefix")];
        let requests = Requests::new(&list, get("https://a.example.com/v2/x?y=1")).expect("accepted");
        let moved = requests.for_endpoint(1).expect("moved");
        assert_eq!(moved.uri(), "https://b.example.com/prefix/v2/x?y=1");
        let back = Requests::new(&list, get("https://b.example.com/prefix/v2/x")).expect("accepted");
        assert_eq!(back.for_endpoint(0).expect("moved").uri(), "https://a.example.com/v2/x");
        // Same origin, not under the base URL as written: sent only where it goes.
        let requests = Requests::new(&list, get("https://A.example.com:443/v2/x")).expect("same origin");
        assert!(requests.for_endpoint(0).is_some() && requests.for_endpoint(1).is_none());
        // Not at a segment boundary: `/prefixes` is not under `/prefix`.
        let requests = Requests::new(&list, get("https://b.example.com/prefixes")).expect("same origin");
        assert!(!requests.movable);
        let refused = Requests::new(&list, get("https://c.example.com/x")).err().expect("refused");
        let message = refused.to_string();
        assert!(message.contains("`https://a.example.com` or `https://b.example.com/prefix`"), "{message}");
    }

    #[test]
    fn copies_keep_extensions() {
        let mut request = get("https://a/x");
        request.extensions_mut().insert(7_u8);
        assert_eq!(copy_request(&request).extensions().get::<u8>(), Some(&7));
    }

    #[test]
    fn one_error_names_every_endpoint_and_why() {
        let failures = vec![
            ("https://a".to_owned(), Error::Transport(Box::new(std::io::Error::other("refused")))),
            ("https://b".to_owned(), Error::Timeout(std::time::Duration::from_secs(3))),
        ];
        let message = unreachable(failures).to_string();
        assert_eq!(
            message,
            "transport failure: no endpoint could be reached: https://a: refused; https://b: no response \
             within 3s"
        );
    }
}
