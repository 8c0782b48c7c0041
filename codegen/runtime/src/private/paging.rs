//! What generated [`Paginate`](crate::Paginate) impls call: one generic function per job
//! (a field as a marker, a total, a flag, a list of items; a cursor into a request field),
//! whatever the field's type (`String`, an integer, `Option` of it, `Box`), so that each
//! impl stays a few lines.

use crate::Error;

/// A field that can be a marker or a cursor: text (empty is none) or a whole number.
pub trait Text {
    /// The value as text; `None` when absent or empty.
    fn text(&self) -> Option<String>;
}

impl Text for String {
    fn text(&self) -> Option<String> {
        Some(self.clone()).filter(|s| !s.is_empty())
    }
}

/// A field that can be a total: a whole number, not negative.
pub trait Count {
    /// The value as a count; `None` when absent or negative.
    fn count(&self) -> Option<u64>;
}

/// A request field a cursor goes into.
pub trait FromCursor: Sized {
    /// The cursor as the field's value; fails for a number field and a cursor that is not
    /// a number of its range.
    fn from_cursor(cursor: &str) -> Result<Self, Error>;
}

impl FromCursor for String {
    fn from_cursor(cursor: &str) -> Result<Self, Error> {
        Ok(cursor.to_owned())
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn text(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
        impl Count for $t {
            fn count(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }
        }
        impl FromCursor for $t {
            fn from_cursor(cursor: &str) -> Result<Self, Error> {
                cursor.trim().parse().map_err(|_| {
                    Error::InvalidResponse(format!("the page cursor `{cursor}` is not a number of type {}", stringify!($t)))
                })
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, u32, u64);

impl<T: Text> Text for Option<T> {
    fn text(&self) -> Option<String> {
        self.as_ref().and_then(Text::text)
    }
}

impl<T: Text> Text for Box<T> {
    fn text(&self) -> Option<String> {
        T::text(self)
    }
}

impl<T: Count> Count for Option<T> {
    fn count(&self) -> Option<u64> {
        self.as_ref().and_then(Count::count)
    }
}

impl<T: FromCursor> FromCursor for Option<T> {
    fn from_cursor(cursor: &str) -> Result<Self, Error> {
        T::from_cursor(cursor).map(Some)
    }
}

/// A field that can be a has-more flag.
pub trait Flag {
    /// The flag; `None` when absent.
    fn flag(&self) -> Option<bool>;
}

impl Flag for bool {
    fn flag(&self) -> Option<bool> {
        Some(*self)
    }
}

impl<T: Flag> Flag for Option<T> {
    fn flag(&self) -> Option<bool> {
        self.as_ref().and_then(Flag::flag)
    }
}

/// A field holding a page's items: `Vec<T>`, or `Option` of it (absent is none).
pub trait List<T> {
    /// The items.
    fn slice(&self) -> &[T];
    /// The items, taken out.
    fn into_vec(self) -> Vec<T>;
}

impl<T> List<T> for Vec<T> {
    fn slice(&self) -> &[T] {
        self
    }
    fn into_vec(self) -> Vec<T> {
        self
    }
}

impl<T, L: List<T>> List<T> for Option<L> {
    fn slice(&self) -> &[T] {
        self.as_ref().map_or(&[], List::slice)
    }
    fn into_vec(self) -> Vec<T> {
        self.map(List::into_vec).unwrap_or_default()
    }
}

/// A marker or cursor field as text.
pub fn text<T: Text + ?Sized>(value: &T) -> Option<String> {
    value.text()
}

/// A total field as a count.
pub fn count<T: Count + ?Sized>(value: &T) -> Option<u64> {
    value.count()
}

/// A has-more field as a flag.
pub fn flag<T: Flag + ?Sized>(value: &T) -> Option<bool> {
    value.flag()
}

/// The items of a field.
pub fn items<T, L: List<T> + ?Sized>(value: &L) -> &[T] {
    value.slice()
}

/// The items of a field, taken out.
pub fn into_items<T, L: List<T>>(value: L) -> Vec<T> {
    value.into_vec()
}

/// A cursor as the value of a request field.
pub fn cursor<T: FromCursor>(cursor: &str) -> Result<T, Error> {
    T::from_cursor(cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_any_shape() {
        assert_eq!(text(&String::new()), None, "an empty marker is none");
        assert_eq!(text(&Some(42_i32)), Some("42".to_owned()));
        assert_eq!(text(&None::<String>), None);
        assert_eq!(count(&Some(-1_i64)), None, "a negative total is none");
        assert_eq!(count(&7_i32), Some(7));
        assert_eq!(flag(&Some(Some(false))), Some(false));
        assert_eq!(items(&None::<Vec<u8>>), &[] as &[u8]);
        assert_eq!(into_items(Some(vec![1, 2])), vec![1, 2]);
        assert_eq!(cursor::<Option<i32>>("12").unwrap(), Some(12));
        assert!(cursor::<i32>("a").is_err());
        assert_eq!(cursor::<String>("m").unwrap(), "m");
    }
}
