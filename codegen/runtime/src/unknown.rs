//! The catch-all of generated enums.

use std::fmt;

/// A value that a generated enum does not list, kept exactly as received so that it is
/// sent back unchanged (services add enum values before their specs do).
///
/// It can only be made by the enum's `From` conversion, which picks the named variant
/// for every listed value; so `Runtime::Unknown(_)` never holds `"Python3.9"`, and two
/// enum values are equal exactly when their wire values are.
///
/// ```
/// # use codegen_runtime::UnknownValue;
/// fn describe(value: &UnknownValue<String>) -> String {
///     format!("not in the spec: {}", value.as_str())
/// }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue<T>(T);

impl<T> UnknownValue<T> {
    /// For generated `From` impls only: they call it for values they do not list.
    #[doc(hidden)]
    pub fn __new(value: T) -> Self {
        Self(value)
    }

    /// The value as received.
    pub fn get(&self) -> &T {
        &self.0
    }

    /// The value as received.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl UnknownValue<String> {
    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for UnknownValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<T: fmt::Display> fmt::Display for UnknownValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl AsRef<str> for UnknownValue<String> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
