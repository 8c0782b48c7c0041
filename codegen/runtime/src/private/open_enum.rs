//! Serde and conversion impls for the generated open enums.
//!
//! A generated enum lists the values its spec knows and one more variant holding any
//! other value ([`UnknownValue`](crate::UnknownValue)), because services add values before
//! their specs do. The generated code writes the two data-dependent functions
//! (`as_str`/`From<&str>`, or `as_i64`/`From<i64>`); these macros add the impls that are
//! the same for every enum, once here instead of once per enum in every crate.

/// Serialize, Deserialize, FromJson, Display, FromStr, `From<String>` and `ToParam` for an enum that has
/// `fn as_str(&self) -> &str` and `impl From<&str>`.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(<Self as ::core::convert::From<&str>>::from(value.as_ref()))
            }
        }

        impl $crate::__private::json::FromJson for $name {
            fn from_json(value: $crate::__private::json::Value) -> ::core::result::Result<Self, $crate::__private::json::Mismatch> {
                $crate::__private::json::string_enum(value)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(<Self as ::core::convert::From<&str>>::from(value))
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                <Self as ::core::convert::From<&str>>::from(value.as_str())
            }
        }

        impl $crate::__private::ToParam for $name {
            fn to_param(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }
    };
}

/// Serialize, Deserialize, FromJson, Display and `ToParam` for an enum that has `fn as_i64(&self) -> i64`
/// and `impl From<i64>`.
#[doc(hidden)]
#[macro_export]
macro_rules! integer_enum {
    ($name:ident) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                <i64 as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(<Self as ::core::convert::From<i64>>::from)
            }
        }

        impl $crate::__private::json::FromJson for $name {
            fn from_json(value: $crate::__private::json::Value) -> ::core::result::Result<Self, $crate::__private::json::Mismatch> {
                $crate::__private::json::integer_enum(value)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.as_i64(), f)
            }
        }

        impl $crate::__private::ToParam for $name {
            fn to_param(&self) -> ::std::string::String {
                self.as_i64().to_string()
            }
        }
    };
}

/// `FromXml` and `ToXml` for a string enum of [`string_enum!`], for enums that XML
/// bodies use (kept apart so that JSON-only crates compile none of it).
#[doc(hidden)]
#[macro_export]
macro_rules! xml_string_enum {
    ($name:ident) => {
        impl $crate::__private::xml::FromXml for $name {
            fn from_xml(element: $crate::__private::xml::Element) -> ::core::result::Result<Self, $crate::__private::xml::Mismatch> {
                $crate::__private::xml::string_enum(element)
            }
        }

        impl $crate::__private::xml::ToXml for $name {
            fn to_xml(&self, name: &str, out: &mut $crate::__private::xml::Writer) {
                out.text_element(name, self.as_str());
            }

            fn to_text(&self) -> ::core::option::Option<::std::string::String> {
                ::core::option::Option::Some(self.as_str().to_owned())
            }
        }
    };
}

/// `FromXml` and `ToXml` for an integer enum of [`integer_enum!`].
#[doc(hidden)]
#[macro_export]
macro_rules! xml_integer_enum {
    ($name:ident) => {
        impl $crate::__private::xml::FromXml for $name {
            fn from_xml(element: $crate::__private::xml::Element) -> ::core::result::Result<Self, $crate::__private::xml::Mismatch> {
                $crate::__private::xml::integer_enum(element)
            }
        }

        impl $crate::__private::xml::ToXml for $name {
            fn to_xml(&self, name: &str, out: &mut $crate::__private::xml::Writer) {
                out.text_element(name, &self.as_i64().to_string());
            }

            fn to_text(&self) -> ::core::option::Option<::std::string::String> {
                ::core::option::Option::Some(self.as_i64().to_string())
            }
        }
    };
}
