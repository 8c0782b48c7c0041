//! Paging through list operations, without I/O.
//!
//! A generated request type of a list operation implements [`Paginate`]: it says how its
//! operation pages ([`PageStyle`]), what a page holds (the items, and the signals of the
//! last page: a next marker, a total, a has-more flag) and how to move its cursor
//! (`marker`, `offset` or page number). From that, [`Paginate::next_request`] computes the
//! request of the next page, or `None` after the last one, and [`Pager`] keeps the state
//! across pages (items seen, cursors seen), so that any HTTP stack can page: build the
//! request, send it, parse the response, hand the page to the pager, repeat.
//!
//! ```
//! use codegen_runtime::{PageSignals, PageStyle, Paginate, Pager};
//! # use codegen_runtime::{Endpoint, Error, Operation};
//!
//! // A marker-paged list operation as codegen generates it, written by hand.
//! #[derive(Clone, Default)]
//! struct ListThings { marker: Option<String>, limit: Option<i32> }
//! struct Page { things: Vec<String>, next_marker: Option<String> }
//! # impl Operation for ListThings {
//! #     type Response = Page;
//! #     type RequestBody = Vec<u8>;
//! #     type ResponseBody = Vec<u8>;
//! #     const ID: &'static str = "ListThings";
//! #     const METHOD: http::Method = http::Method::GET;
//! #     fn build(&self, _: &Endpoint) -> Result<http::Request<Vec<u8>>, Error> { unimplemented!() }
//! #     fn parse(_: http::Response<Vec<u8>>) -> Result<Page, Error> { unimplemented!() }
//! # }
//! impl Paginate for ListThings {
//!     type Page = Page;
//!     type Item = String;
//!     const STYLE: PageStyle = PageStyle::Marker;
//!     fn into_page(response: Page) -> Result<Page, Error> { Ok(response) }
//!     fn items(page: &Page) -> &[String] { &page.things }
//!     fn into_items(page: Page) -> Vec<String> { page.things }
//!     fn signals(page: &Page) -> PageSignals {
//!         PageSignals { next_marker: page.next_marker.clone(), ..PageSignals::default() }
//!     }
//!     fn cursor(&self) -> Option<String> { self.marker.clone() }
//!     fn with_cursor(self, cursor: &str) -> Result<Self, Error> {
//!         Ok(Self { marker: Some(cursor.to_owned()), ..self })
//!     }
//! }
//!
//! let mut pager = Pager::new(ListThings { limit: Some(2), ..ListThings::default() });
//! let first = Page { things: vec!["a".into(), "b".into()], next_marker: Some("b".into()) };
//! let next = pager.advance(&first)?.expect("a next page");
//! assert_eq!((next.marker.as_deref(), next.limit), (Some("b"), Some(2)), "the page size is kept");
//! let last = Page { things: vec!["c".into()], next_marker: None };
//! assert!(pager.advance(&last)?.is_none(), "no next marker: the last page");
//! # Ok::<(), Error>(())
//! ```

use crate::{Error, Operation};
use std::collections::HashSet;

/// How a list operation moves from one page to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// An opaque marker: the next page starts after the marker the page gave (a
    /// `next_marker` field, or the id of its last item).
    Marker,
    /// An offset counted in items: the next page starts at `offset + items`.
    OffsetItems {
        /// The offset of the first page when the request gives none.
        first: u64,
    },
    /// An offset counted in pages, or a page number: the next page is `page + 1`.
    PageNumber {
        /// The number of the first page when the request gives none (0 or 1).
        first: u64,
    },
}

/// What a page says about the pages after it. A field the page does not carry is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageSignals {
    /// The marker of the next page (`next_marker`, `page_info.next_marker`, or the last
    /// item's id); `None` or empty on the last page.
    pub next_marker: Option<String>,
    /// The number of items of the whole listing (`count`, `total`, ...).
    pub total: Option<u64>,
    /// Whether more pages follow (`has_more`, `is_truncated`, ...).
    pub has_more: Option<bool>,
}

/// A request of a list operation that pages: what a page holds, and how the request of
/// the next page is made from it. Generated for every list operation whose paging style
/// codegen detected or the service's settings state; the client's paginator (`pages`,
/// `items`) and [`Pager`] drive it.
pub trait Paginate: Operation + Clone {
    /// A page: the operation's success body.
    type Page;
    /// One item of a page.
    type Item;
    /// How the operation pages.
    const STYLE: PageStyle;

    /// The page of a response, or the error it stands for (the response's `into_ok`).
    fn into_page(response: Self::Response) -> Result<Self::Page, Error>;
    /// The items of a page.
    fn items(page: &Self::Page) -> &[Self::Item];
    /// The items of a page, taken out of it.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
    /// What the page says about the next ones; by default nothing (only an empty page
    /// ends the listing).
    fn signals(page: &Self::Page) -> PageSignals {
        let _ = page;
        PageSignals::default()
    }
    /// The request's cursor (marker, offset or page number) as text; `None` when unset.
    fn cursor(&self) -> Option<String>;
    /// The same request with another cursor; every other value (filters, page size) kept.
    fn with_cursor(self, cursor: &str) -> Result<Self, Error>;

    /// The request of the page after `page` (which answered `self`), or `None` when
    /// `page` is the last one. `seen_before` is the number of items of the pages before
    /// `page` (0 for the first), for the rule on totals of page-numbered listings.
    ///
    /// The last page is the one that says so, whichever way: it is empty; it has no (or
    /// an empty) next marker; has-more is false; or the items up to and including it
    /// reach the total. A marker-paged page that gives back the marker it was asked for
    /// is an [`Error::InvalidResponse`]: following it would fetch the same page forever.
    /// An offset or page number that is not a whole number is an [`Error::InvalidRequest`].
    fn next_request(&self, page: &Self::Page, seen_before: u64) -> Result<Option<Self>, Error> {
        let count = Self::items(page).len() as u64;
        let signals = Self::signals(page);
        if count == 0 || signals.has_more == Some(false) {
            return Ok(None);
        }
        let next = match Self::STYLE {
            PageStyle::Marker => {
                let Some(next) = signals.next_marker.filter(|m| !m.is_empty()) else {
                    return Ok(None);
                };
                if signals.total.is_some_and(|total| seen_before + count >= total) {
                    return Ok(None);
                }
                if self.cursor().as_deref() == Some(next.as_str()) {
                    return Err(repeated::<Self>(&next));
                }
                next
            }
            PageStyle::OffsetItems { first } => {
                let offset = number(self, first)?;
                let next = offset.saturating_add(count);
                if signals.total.is_some_and(|total| next >= total) {
                    return Ok(None);
                }
                next.to_string()
            }
            PageStyle::PageNumber { first } => {
                if signals.total.is_some_and(|total| seen_before + count >= total) {
                    return Ok(None);
                }
                // A number below the first page's asks for the first page (ECS answers
                // `offset=0` with page 1), so the next is the second.
                number(self, first)?.max(first).saturating_add(1).to_string()
            }
        };
        self.clone().with_cursor(&next).map(Some)
    }
}

/// The cursor of `request` as a number, `first` when unset.
fn number<R: Paginate>(request: &R, first: u64) -> Result<u64, Error> {
    match request.cursor() {
        None => Ok(first),
        Some(text) => text.trim().parse().map_err(|_| {
            Error::InvalidRequest(format!("{}: the page cursor `{text}` is not a whole number", R::ID))
        }),
    }
}

/// The error for a page that repeats a marker.
fn repeated<R: Operation>(marker: &str) -> Error {
    Error::InvalidResponse(format!(
        "{}: the service gave the marker `{marker}` again; paging stopped rather than fetch the same pages forever",
        R::ID
    ))
}

/// The state of paging through one listing, without I/O: the request of the next page,
/// the items seen so far and every marker followed (a marker that comes back after
/// others, not only right after itself, is an error too).
#[derive(Debug, Clone)]
pub struct Pager<R> {
    next: Option<R>,
    seen: u64,
    markers: HashSet<String>,
}

impl<R: Paginate> Pager<R> {
    /// Paging from `request` as given: its filters, page size and cursor (a cursor
    /// resumes a listing where it was left).
    pub fn new(request: R) -> Self {
        let markers = match R::STYLE {
            PageStyle::Marker => request.cursor().into_iter().collect(),
            _ => HashSet::new(),
        };
        Self {
            next: Some(request),
            seen: 0,
            markers,
        }
    }

    /// A pager with nothing left to fetch (after an error of the client's stream).
    #[cfg(feature = "client")]
    pub(crate) fn ended() -> Self {
        Self {
            next: None,
            seen: 0,
            markers: HashSet::new(),
        }
    }

    /// The request to send next; `None` once the last page was handed in (or an error
    /// ended the paging).
    pub fn request(&self) -> Option<&R> {
        self.next.as_ref()
    }

    /// The number of items of the pages handed in so far.
    pub fn items_seen(&self) -> u64 {
        self.seen
    }

    /// Takes in the page that answered [`request`](Self::request) and gives the request of
    /// the next page, or `None` after the last one. An error (a repeated marker, a cursor
    /// that is not a number) ends the paging.
    pub fn advance(&mut self, page: &R::Page) -> Result<Option<&R>, Error> {
        let Some(current) = self.next.take() else {
            return Ok(None);
        };
        let next = current.next_request(page, self.seen)?;
        self.seen += R::items(page).len() as u64;
        if let (PageStyle::Marker, Some(request)) = (R::STYLE, &next) {
            let marker = request.cursor().unwrap_or_default();
            if !self.markers.insert(marker.clone()) {
                return Err(repeated::<R>(&marker));
            }
        }
        self.next = next;
        Ok(self.next.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Endpoint;

    /// A list operation of any style, paged by a `cursor` text field.
    #[derive(Debug, Clone, PartialEq, Default)]
    struct List<const STYLE: u8> {
        cursor: Option<String>,
        filter: Option<String>,
    }

    #[derive(Default)]
    struct Page {
        items: Vec<u32>,
        signals: PageSignals,
    }

    impl<const STYLE: u8> Operation for List<STYLE> {
        type Response = Page;
        type RequestBody = Vec<u8>;
        type ResponseBody = Vec<u8>;
        const ID: &'static str = "ListThings";
        const METHOD: http::Method = http::Method::GET;
        fn build(&self, _: &Endpoint) -> Result<http::Request<Vec<u8>>, Error> {
            Err(Error::InvalidRequest("not sent in these tests".into()))
        }
        fn parse(_: http::Response<Vec<u8>>) -> Result<Page, Error> {
            Err(Error::InvalidRequest("not sent in these tests".into()))
        }
    }

    impl<const STYLE: u8> Paginate for List<STYLE> {
        type Page = Page;
        type Item = u32;
        const STYLE: PageStyle = match STYLE {
            0 => PageStyle::Marker,
            1 => PageStyle::OffsetItems { first: 0 },
            _ => PageStyle::PageNumber { first: 1 },
        };
        fn into_page(response: Page) -> Result<Page, Error> {
            Ok(response)
        }
        fn items(page: &Page) -> &[u32] {
            &page.items
        }
        fn into_items(page: Page) -> Vec<u32> {
            page.items
        }
        fn signals(page: &Page) -> PageSignals {
            page.signals.clone()
        }
        fn cursor(&self) -> Option<String> {
            self.cursor.clone()
        }
        fn with_cursor(self, cursor: &str) -> Result<Self, Error> {
            Ok(Self { cursor: Some(cursor.to_owned()), ..self })
        }
    }

    fn page(items: &[u32], next_marker: Option<&str>, total: Option<u64>) -> Page {
        Page {
            items: items.to_vec(),
            signals: PageSignals {
                next_marker: next_marker.map(str::to_owned),
                total,
                has_more: None,
            },
        }
    }

    #[test]
    fn a_marker_leads_to_the_next_page_with_the_filters_kept() {
        let request = List::<0> { cursor: None, filter: Some("web".into()) };
        let next = request.next_request(&page(&[1, 2], Some("m2"), None), 0).unwrap().unwrap();
        assert_eq!(next, List { cursor: Some("m2".into()), filter: Some("web".into()) });
        assert!(next.next_request(&page(&[3], None, None), 2).unwrap().is_none(), "no next marker");
        assert!(next.next_request(&page(&[3], Some(""), None), 2).unwrap().is_none(), "an empty next marker");
        assert!(next.next_request(&page(&[], Some("m3"), None), 2).unwrap().is_none(), "an empty page");
        assert!(next.next_request(&page(&[3], Some("m3"), Some(3)), 2).unwrap().is_none(), "the total reached");
        let more = Page { items: vec![3], signals: PageSignals { next_marker: Some("m3".into()), total: None, has_more: Some(false) } };
        assert!(next.next_request(&more, 2).unwrap().is_none(), "has-more false");
    }

    #[test]
    fn a_repeated_marker_is_an_error() {
        let request = List::<0> { cursor: Some("m2".into()), filter: None };
        let error = request.next_request(&page(&[1], Some("m2"), None), 0).unwrap_err();
        assert!(matches!(&error, Error::InvalidResponse(m) if m.contains("`m2`") && m.contains("ListThings")), "{error}");

        // A marker that comes back two pages later is caught by the pager.
        let mut pager = Pager::new(List::<0>::default());
        pager.advance(&page(&[1], Some("a"), None)).unwrap();
        pager.advance(&page(&[2], Some("b"), None)).unwrap();
        assert!(matches!(pager.advance(&page(&[3], Some("a"), None)), Err(Error::InvalidResponse(_))));
    }

    #[test]
    fn an_offset_in_items_moves_by_the_items_of_the_page() {
        let request = List::<1>::default();
        let next = request.next_request(&page(&[1, 2, 3], None, Some(7)), 0).unwrap().unwrap();
        assert_eq!(next.cursor.as_deref(), Some("3"));
        let next = next.next_request(&page(&[4, 5, 6], None, Some(7)), 3).unwrap().unwrap();
        assert_eq!(next.cursor.as_deref(), Some("6"));
        assert!(next.next_request(&page(&[7], None, Some(7)), 6).unwrap().is_none(), "offset + items = total");
        let without_total = List::<1> { cursor: Some("6".into()), filter: None };
        assert!(without_total.next_request(&page(&[7], None, None), 6).unwrap().is_some(), "only an empty page ends it");
        let bad = List::<1> { cursor: Some("six".into()), filter: None };
        assert!(matches!(bad.next_request(&page(&[1], None, None), 0), Err(Error::InvalidRequest(m)) if m.contains("six")));
    }

    #[test]
    fn a_page_number_counts_pages_and_the_pager_counts_items() {
        let mut pager = Pager::new(List::<2> { cursor: None, filter: Some("f".into()) });
        let next = pager.advance(&page(&[1, 2], None, Some(5))).unwrap().unwrap();
        assert_eq!((next.cursor.as_deref(), next.filter.as_deref()), (Some("2"), Some("f")), "page 1 was the default");
        let next = pager.advance(&page(&[3, 4], None, Some(5))).unwrap().unwrap();
        assert_eq!(next.cursor.as_deref(), Some("3"));
        assert!(pager.advance(&page(&[5], None, Some(5))).unwrap().is_none(), "5 items of 5");
        assert_eq!(pager.items_seen(), 5);
        assert!(pager.request().is_none());
        assert!(pager.advance(&page(&[6], None, None)).unwrap().is_none(), "nothing after the end");
        let zero = List::<2> { cursor: Some("0".into()), filter: None };
        let next = zero.next_request(&page(&[1], None, None), 0).unwrap().unwrap();
        assert_eq!(next.cursor.as_deref(), Some("2"), "page 0 is page 1, so the next is 2");
    }
}
