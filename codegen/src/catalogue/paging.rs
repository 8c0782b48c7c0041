//! How the operations of a catalogue page: counts by style, by who settled them
//! (detection or settings), and the list-like operations that could not be classified.

use crate::model::Model;
use crate::model::pagination::{Paging, Settled, Style};
use std::io::Write;

/// The styles, in the order they are reported.
const STYLES: [Style; 4] = [Style::Marker, Style::OffsetItems, Style::OffsetPages, Style::PageNumber];

/// The paging of one service's operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PagingCounts {
    /// Paged operations per style: marker, offset counted in items, offset counted in
    /// pages, page number.
    pub styles: [usize; 4],
    /// Paged or limit-only operations settled by detection alone.
    pub detected: usize,
    /// Paged, limit-only or switched-off operations settled by the settings.
    pub by_settings: usize,
    /// Operations with a page size and no cursor: one page.
    pub limit_only: usize,
    /// List-like operations that could not be classified: `(operationId, why)`.
    pub unclassified: Vec<(String, String)>,
}

impl PagingCounts {
    /// The counts of a classified model.
    pub fn of(model: &Model) -> Self {
        let mut out = Self::default();
        for (op, paging) in model.operations.iter().zip(&model.pagination) {
            let settled = match paging {
                Paging::NotList => None,
                Paging::Off => Some(Settled::Settings),
                Paging::LimitOnly(settled) => {
                    out.limit_only += 1;
                    Some(*settled)
                }
                Paging::Paged(p) => {
                    out.styles[STYLES.iter().position(|s| *s == p.style).unwrap_or(0)] += 1;
                    Some(p.settled)
                }
                Paging::Unclassified(why) => {
                    out.unclassified.push((op.id.clone(), why.clone()));
                    None
                }
            };
            match settled {
                Some(Settled::Detected) => out.detected += 1,
                Some(Settled::Settings) => out.by_settings += 1,
                None => {}
            }
        }
        out
    }

    /// Adds another service's counts (the unclassified list is not kept in totals).
    pub fn add(&mut self, other: &Self) {
        for (total, n) in self.styles.iter_mut().zip(other.styles) {
            *total += n;
        }
        self.detected += other.detected;
        self.by_settings += other.by_settings;
        self.limit_only += other.limit_only;
    }

    /// Operations with a paginator.
    pub fn paged(&self) -> usize {
        self.styles.iter().sum()
    }
}

/// Prints the pagination figures of a run: the totals, then every unclassified operation.
pub fn print(services: &[(&str, &PagingCounts)], out: &mut impl Write) -> std::io::Result<()> {
    let mut total = PagingCounts::default();
    let mut unclassified = 0;
    for (_, counts) in services {
        total.add(counts);
        unclassified += counts.unclassified.len();
    }
    let styles: Vec<String> = STYLES.iter().zip(total.styles).map(|(s, n)| format!("{} {n}", s.name())).collect();
    writeln!(
        out,
        "pagination: {} operations paged ({}), {} limit only; {} settled by detection, {} by settings; \
         {unclassified} list-like operations not classified{}",
        total.paged(),
        styles.join(", "),
        total.limit_only,
        total.detected,
        total.by_settings,
        if unclassified == 0 { "" } else { ":" }
    )?;
    for (folder, counts) in services {
        for (id, why) in &counts.unclassified {
            writeln!(out, "  {folder} {id}: {why}")?;
        }
    }
    Ok(())
}
