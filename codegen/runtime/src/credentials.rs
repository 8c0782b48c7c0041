//! How requests prove who sends them: nothing, a fixed signer, or a provider whose signer
//! changes over time (temporary credentials that expire and are fetched again).

use crate::auth::Signer;
use crate::body::SignableBody;
use crate::Error;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// A boxed future that can move between threads, as [`CredentialsProvider`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of signers that change over time, such as temporary credentials fetched from
/// a metadata service and fetched again before they expire.
///
/// Implementations keep the current signer, refresh it when it is due (one refresh at a
/// time, however many requests wait), and never block a request on a refresh that is not
/// due yet. Their `Debug` output never shows a secret.
pub trait CredentialsProvider: fmt::Debug + Send + Sync {
    /// The signer to use now, refreshed first when the one held has expired or is about
    /// to. Fails with [`Error::Credentials`] when no usable credentials can be had.
    fn signer(&self) -> BoxFuture<'_, Result<Arc<dyn Signer>, Error>>;

    /// The signer held now when it can be used without refreshing first; `None` when a
    /// refresh is due or nothing has been fetched yet. Never waits and does no I/O; used
    /// by the synchronous [`Credentials::apply`]. `None` unless implemented.
    fn fresh_signer(&self) -> Option<Arc<dyn Signer>> {
        None
    }
}

/// Credentials applied to every request: nothing, a request signer, or a
/// [`CredentialsProvider`] that refreshes its signer.
///
/// Cheap to clone (everything is shared). Each vendor's module adds its constructors and
/// the sources that find credentials in the environment; any [`Signer`] works through
/// [`Credentials::signer`] and any provider through [`Credentials::provider`]. `Debug`
/// never shows a secret.
///
/// A request that already carries an `Authorization` header is sent as it is, unsigned:
/// its operation authenticates it itself (such as an exchange of an identity provider's
/// token for the vendor's own, whose spec declares the header), and a signature would
/// overwrite what the caller set.
#[derive(Clone, Default)]
pub struct Credentials {
    source: Source,
    /// Values looked up on behalf of these credentials (ids of the account they belong
    /// to), shared by clones.
    lookups: Arc<Lookups>,
}

#[derive(Clone, Default)]
enum Source {
    #[default]
    None,
    Signer(Arc<dyn Signer>),
    Provider(Arc<dyn CredentialsProvider>),
}

impl Credentials {
    /// Send requests as they are (public operations, or a gateway that authenticates).
    pub fn none() -> Self {
        Self::default()
    }

    /// Any signer, such as a vendor module's key pair signer.
    pub fn signer(signer: impl Signer + 'static) -> Self {
        Self::shared(Arc::new(signer))
    }

    /// A signer already shared elsewhere.
    pub fn shared(signer: Arc<dyn Signer>) -> Self {
        Self {
            source: Source::Signer(signer),
            lookups: Arc::default(),
        }
    }

    /// Credentials that refresh themselves, e.g. temporary keys from a metadata service.
    pub fn provider(provider: impl CredentialsProvider + 'static) -> Self {
        Self::shared_provider(Arc::new(provider))
    }

    /// A provider already shared elsewhere.
    pub fn shared_provider(provider: Arc<dyn CredentialsProvider>) -> Self {
        Self {
            source: Source::Provider(provider),
            lookups: Arc::default(),
        }
    }

    /// Whether requests go unauthenticated.
    pub fn is_none(&self) -> bool {
        matches!(self.source, Source::None)
    }

    /// Whether these credentials come from a [`CredentialsProvider`] (and so may need an
    /// asynchronous refresh before signing).
    pub fn is_refreshing(&self) -> bool {
        matches!(self.source, Source::Provider(_))
    }

    /// The signer to use now (`None` for [`Credentials::none`]), refreshing a provider's
    /// first when it is due.
    pub async fn resolve(&self) -> Result<Option<Arc<dyn Signer>>, Error> {
        match &self.source {
            Source::None => Ok(None),
            Source::Signer(signer) => Ok(Some(Arc::clone(signer))),
            Source::Provider(provider) => provider.signer().await.map(Some),
        }
    }

    /// Authenticates the request as of `time` (its date header, when the scheme has one),
    /// refreshing a provider's credentials first when they are due. What the client
    /// (feature `client`) uses; works with every kind of credentials.
    pub async fn apply_async<B: SignableBody>(
        &self,
        request: &mut http::Request<B>,
        time: SystemTime,
    ) -> Result<(), Error> {
        if authenticates_itself(request) {
            return Ok(());
        }
        match self.resolve().await? {
            None => Ok(()),
            Some(signer) => B::with_body(request, |request| signer.sign(request, time)),
        }
    }

    /// A URL that authenticates `request` by itself for `expires_in` from now, usable by
    /// any HTTP client (Huawei OBS's query authentication; see
    /// [`Signer::presign`](crate::auth::Signer::presign)), refreshing a provider's
    /// credentials first when they are due. With temporary credentials the URL stops
    /// working when their token expires, whatever `expires_in` says.
    ///
    /// Fails with [`Error::InvalidRequest`] for [`Credentials::none`], a scheme without
    /// query authentication, or a duration the scheme refuses (under a second for OBS).
    pub async fn presign<B>(
        &self,
        request: &http::Request<B>,
        expires_in: std::time::Duration,
    ) -> Result<crate::auth::PresignedUrl, Error> {
        let signer = self
            .resolve()
            .await?
            .ok_or_else(|| Error::InvalidRequest("there are no credentials to presign with".to_owned()))?;
        let mut copy = http::Request::new(());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.headers_mut() = request.headers().clone();
        *copy.extensions_mut() = request.extensions().clone();
        signer.presign(&copy, expires_in, SystemTime::now())
    }

    /// Authenticates the request as of `time` (its date header, when the scheme has one),
    /// without waiting.
    ///
    /// For a [`CredentialsProvider`] this signs with the credentials it holds when they
    /// are fresh ([`CredentialsProvider::fresh_signer`]), and otherwise fails with
    /// [`Error::Credentials`] rather than block: use [`apply_async`](Self::apply_async),
    /// which refreshes them.
    pub fn apply<B: SignableBody>(&self, request: &mut http::Request<B>, time: SystemTime) -> Result<(), Error> {
        if authenticates_itself(request) {
            return Ok(());
        }
        match &self.source {
            Source::None => Ok(()),
            Source::Signer(signer) => B::with_body(request, |request| signer.sign(request, time)),
            Source::Provider(provider) => match provider.fresh_signer() {
                Some(signer) => B::with_body(request, |request| signer.sign(request, time)),
                None => Err(Error::Credentials(format!(
                    "{provider:?} has no fresh credentials yet and refreshing them needs \
                     Credentials::apply_async"
                ))),
            },
        }
    }

    /// A value remembered by [`remember`](Self::remember) under `key`, if any.
    #[allow(dead_code, reason = "used by the vendor modules' id lookups, with the client feature")]
    pub(crate) fn remembered(&self, key: &str) -> Option<String> {
        self.lookups.get(key)
    }

    /// Remembers a value looked up with these credentials (and their clones).
    #[allow(dead_code, reason = "used by the vendor modules' id lookups, with the client feature")]
    pub(crate) fn remember(&self, key: &str, value: &str) {
        self.lookups.insert(key, value);
    }

    /// The lock that lookups of `key` with these credentials (and their clones) take, so
    /// that concurrent first lookups of one value ask once, while lookups of other keys
    /// (another region, another IAM endpoint) or of other credentials never wait for it.
    #[cfg(feature = "client")]
    #[allow(dead_code, reason = "used by the vendor modules' id lookups")]
    pub(crate) fn lookup_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.lookups.in_flight.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Locks nobody holds or waits for are dropped, so the map stays as small as the
        // lookups under way.
        locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        Arc::clone(locks.entry(key.to_owned()).or_default())
    }
}

/// Whether the request carries its own `Authorization`, which signing must not replace.
pub(crate) fn authenticates_itself<B>(request: &http::Request<B>) -> bool {
    request.headers().contains_key(http::header::AUTHORIZATION)
}

impl<S: Signer + 'static> From<S> for Credentials {
    fn from(signer: S) -> Self {
        Self::signer(signer)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Signers' and providers' own `Debug` redacts their secrets.
        match &self.source {
            Source::None => f.write_str("Credentials(None)"),
            Source::Signer(signer) => f.debug_tuple("Credentials").field(signer).finish(),
            Source::Provider(provider) => f.debug_tuple("Credentials").field(provider).finish(),
        }
    }
}

/// Looked-up values by key; never secrets (project and account ids).
#[derive(Default)]
struct Lookups {
    values: Mutex<HashMap<String, String>>,
    /// One lock per key being looked up.
    #[cfg(feature = "client")]
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Lookups {
    fn get(&self, key: &str) -> Option<String> {
        // A panic elsewhere while holding the lock leaves a map that is still valid.
        let values = self.values.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        values.get(key).cloned()
    }

    fn insert(&self, key: &str, value: &str) {
        let mut values = self.values.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        values.insert(key.to_owned(), value.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Stamp;

    impl Signer for Stamp {
        fn sign(&self, request: &mut http::Request<crate::Body>, _time: SystemTime) -> Result<(), Error> {
            request.headers_mut().insert("x-stamp", http::HeaderValue::from_static("1"));
            Ok(())
        }
    }

    #[test]
    fn none_sends_as_is_and_a_signer_signs() {
        let mut request = http::Request::new(Vec::new());
        Credentials::none().apply(&mut request, SystemTime::now()).unwrap();
        assert!(request.headers().is_empty());
        Credentials::from(Stamp).apply(&mut request, SystemTime::now()).unwrap();
        assert_eq!(request.headers()["x-stamp"], "1");
        assert!(Credentials::none().is_none() && !Credentials::signer(Stamp).is_none());
    }

    /// Hands out `Stamp` only after a refresh, and counts refreshes.
    #[derive(Debug, Default)]
    struct Refreshing {
        refreshed: std::sync::atomic::AtomicUsize,
    }

    impl CredentialsProvider for Refreshing {
        fn signer(&self) -> BoxFuture<'_, Result<Arc<dyn Signer>, Error>> {
            Box::pin(async move {
                self.refreshed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(Arc::new(Stamp) as Arc<dyn Signer>)
            })
        }
    }

    /// Polls a future that never waits on anything (no runtime needed).
    fn ready<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("the future waited"),
        }
    }

    #[test]
    fn a_provider_signs_asynchronously_and_sync_apply_says_why_not() {
        let provider = Arc::new(Refreshing::default());
        let credentials = Credentials::shared_provider(provider.clone());
        assert!(credentials.is_refreshing() && !credentials.is_none());
        let mut request = http::Request::new(Vec::new());
        let refused = credentials.apply(&mut request, SystemTime::now()).unwrap_err();
        assert!(matches!(&refused, Error::Credentials(m) if m.contains("apply_async")), "{refused}");
        ready(credentials.apply_async(&mut request, SystemTime::now())).unwrap();
        assert_eq!(request.headers()["x-stamp"], "1");
        assert_eq!(provider.refreshed.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(ready(Credentials::none().resolve()).unwrap().is_none());
    }

    #[test]
    fn a_request_with_its_own_authorization_is_not_signed() {
        let mut request = http::Request::new(Vec::new());
        request.headers_mut().insert("authorization", http::HeaderValue::from_static("Bearer id-token"));
        Credentials::from(Stamp).apply(&mut request, SystemTime::now()).unwrap();
        ready(Credentials::from(Stamp).apply_async(&mut request, SystemTime::now())).unwrap();
        assert!(!request.headers().contains_key("x-stamp"));
        assert_eq!(request.headers()["authorization"], "Bearer id-token");
    }

    #[test]
    fn lookups_are_shared_by_clones_only() {
        let credentials = Credentials::signer(Stamp);
        let clone = credentials.clone();
        credentials.remember("project", "p1");
        assert_eq!(clone.remembered("project").as_deref(), Some("p1"));
        assert_eq!(Credentials::signer(Stamp).remembered("project"), None);
    }
}
