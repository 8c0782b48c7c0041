//! Paginators: a list operation as a lazy stream of pages, or of items, fetched one page
//! at a time through [`Client::send`] (so its retries, failover, interceptors and errors
//! apply to every page).

use super::Client;
use crate::credentials::BoxFuture;
use crate::{Error, Pager, Paginate};
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

impl Client {
    /// The pages of a list operation, from `request` as given (filters, page size and
    /// cursor kept), fetched lazily: a page is requested when the stream is polled after
    /// the previous one, and never after the last (see [`Paginate::next_request`] for
    /// how the last page is told). An error (an error answer, or a page that repeats a
    /// marker) is the stream's last item.
    pub fn pages<R>(&self, request: R) -> Pages<R>
    where
        R: Paginate + Send + Sync + 'static,
        R::Response: Send,
    {
        Pages {
            client: self.clone(),
            pager: Pager::new(request),
            fetching: None,
        }
    }

    /// The items of a list operation, page after page: [`pages`](Self::pages) flattened.
    pub fn items<R>(&self, request: R) -> Items<R>
    where
        R: Paginate + Send + Sync + 'static,
        R::Response: Send,
    {
        self.pages(request).items()
    }
}

/// A lazy [`Stream`] of the pages of a list operation (see [`Client::pages`]); also read
/// with [`next_page`](Self::next_page), without a stream library.
#[must_use = "a paginator fetches nothing until it is polled"]
pub struct Pages<R: Paginate> {
    client: Client,
    pager: Pager<R>,
    fetching: Option<BoxFuture<'static, Result<R::Response, Error>>>,
}

// Nothing of a paginator is pinned in place (the request is cloned into a boxed future),
// so it may move between polls whatever `R` is.
impl<R: Paginate> Unpin for Pages<R> {}

impl<R> Pages<R>
where
    R: Paginate + Send + Sync + 'static,
    R::Response: Send,
{
    /// The next page; `None` after the last one, or after an error.
    pub async fn next_page(&mut self) -> Option<Result<R::Page, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The items of the pages, one by one.
    pub fn items(self) -> Items<R> {
        Items {
            pages: self,
            buffered: Vec::new().into_iter(),
        }
    }

    /// The number of items of the pages fetched so far.
    pub fn items_seen(&self) -> u64 {
        self.pager.items_seen()
    }
}

impl<R> Stream for Pages<R>
where
    R: Paginate + Send + Sync + 'static,
    R::Response: Send,
{
    type Item = Result<R::Page, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is `Unpin` (the future is boxed), so the paginator is too.
        let this = self.get_mut();
        if this.fetching.is_none() {
            let Some(request) = this.pager.request().cloned() else {
                return Poll::Ready(None);
            };
            let client = this.client.clone();
            this.fetching = Some(Box::pin(async move { client.send(&request).await }));
        }
        let Some(fetching) = this.fetching.as_mut() else {
            return Poll::Ready(None);
        };
        let response = match fetching.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(response) => response,
        };
        this.fetching = None;
        let page = response.and_then(R::into_page).and_then(|page| this.pager.advance(&page).map(|_| page));
        if page.is_err() {
            // Nothing after an error: the stream ends with it.
            this.pager = Pager::ended();
        }
        Poll::Ready(Some(page))
    }
}

impl<R: Paginate + fmt::Debug> fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("next", &self.pager.request())
            .field("items_seen", &self.pager.items_seen())
            .field("fetching", &self.fetching.is_some())
            .finish_non_exhaustive()
    }
}

/// A lazy [`Stream`] of the items of a list operation, page after page (see
/// [`Client::items`]); also read with [`next_item`](Self::next_item) and
/// [`collect`](Self::collect).
#[must_use = "a paginator fetches nothing until it is polled"]
pub struct Items<R: Paginate> {
    pages: Pages<R>,
    buffered: std::vec::IntoIter<R::Item>,
}

impl<R: Paginate> Unpin for Items<R> {}

impl<R> Items<R>
where
    R: Paginate + Send + Sync + 'static,
    R::Response: Send,
{
    /// The next item; `None` after the last one, or after an error.
    pub async fn next_item(&mut self) -> Option<Result<R::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item of every page, or the first error.
    pub async fn collect(mut self) -> Result<Vec<R::Item>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next_item().await {
            out.push(item?);
        }
        Ok(out)
    }
}

impl<R> Stream for Items<R>
where
    R: Paginate + Send + Sync + 'static,
    R::Response: Send,
{
    type Item = Result<R::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => this.buffered = R::into_items(page).into_iter(),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<R: Paginate + fmt::Debug> fmt::Debug for Items<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}
