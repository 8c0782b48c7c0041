//! Values an endpoint puts in the [`http::Extensions`] of every request built for it: data
//! for the signer that is not sent, such as the scope of Huawei's derived signing
//! (`huawei::DerivedScope`), which a generated crate's endpoint for a region carries.

use super::Endpoint;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// The values, at most one per type.
#[derive(Clone, Default)]
pub(super) struct RequestExtensions(Vec<Arc<dyn RequestExtension>>);

/// A value that can be compared, shown and copied into a request's extensions.
trait RequestExtension: Any + Send + Sync + fmt::Debug {
    fn as_any(&self) -> &dyn Any;
    fn same_as(&self, other: &dyn RequestExtension) -> bool;
    fn insert_into(&self, extensions: &mut http::Extensions);
}

impl<T: Clone + PartialEq + fmt::Debug + Send + Sync + 'static> RequestExtension for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same_as(&self, other: &dyn RequestExtension) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }

    fn insert_into(&self, extensions: &mut http::Extensions) {
        extensions.insert(self.clone());
    }
}

impl PartialEq for RequestExtensions {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|a| other.0.iter().any(|b| a.same_as(&**b)))
    }
}

impl Eq for RequestExtensions {}

impl fmt::Debug for RequestExtensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.0).finish()
    }
}

impl Endpoint {
    /// Adds a value that every request built for this endpoint carries in its
    /// [`http::Extensions`] (not sent: read by the signer), replacing an earlier value of
    /// the same type. A Huawei service's endpoint for a region carries the
    /// `huawei::DerivedScope` of its derived signing this way.
    pub fn with_request_extension<T>(mut self, value: T) -> Self
    where
        T: Clone + PartialEq + fmt::Debug + Send + Sync + 'static,
    {
        self.extensions.0.retain(|e| !e.as_any().is::<T>());
        self.extensions.0.push(Arc::new(value));
        self
    }

    /// The value of type `T` that requests built for this endpoint carry, if any.
    pub fn request_extension<T: 'static>(&self) -> Option<&T> {
        self.extensions.0.iter().find_map(|e| e.as_any().downcast_ref())
    }

    /// Puts the endpoint's values into a request's extensions (replacing values of the
    /// same types).
    pub(crate) fn extend_request_extensions(&self, extensions: &mut http::Extensions) {
        for value in &self.extensions.0 {
            value.insert_into(extensions);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Tag(&'static str);

    #[test]
    fn one_value_per_type_compared_and_copied() {
        let plain = Endpoint::new("https://x.example.com").expect("url");
        let tagged = plain.clone().with_request_extension(Tag("a")).with_request_extension(7_u8);
        assert_eq!(tagged.request_extension::<Tag>(), Some(&Tag("a")));
        assert_eq!(plain.request_extension::<Tag>(), None);
        assert_ne!(plain, tagged);
        let retagged = tagged.clone().with_request_extension(Tag("b"));
        assert_eq!(retagged.request_extension::<Tag>(), Some(&Tag("b")), "replaced");
        assert_ne!(tagged, retagged);
        let same = plain.with_request_extension(7_u8).with_request_extension(Tag("a"));
        assert_eq!(tagged, same, "in any order");

        let mut extensions = http::Extensions::new();
        extensions.insert(Tag("old"));
        tagged.extend_request_extensions(&mut extensions);
        assert_eq!((extensions.get::<Tag>(), extensions.get::<u8>()), (Some(&Tag("a")), Some(&7)));
        assert_eq!(format!("{:?}", tagged.extensions), r#"[Tag("a"), 7]"#);
    }
}
