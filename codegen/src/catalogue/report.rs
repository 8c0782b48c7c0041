//! What the catalogue command prints, and its exit status.
//!
//! Standard output gets one line per service, in folder-name order, and a total; standard
//! error gets the problems behind each refused service and, unless quiet, the warnings.

use super::{Outcome, Run};
use std::io::Write;

/// Prints the run: the problems (to `errors`), one line per service and the total (to
/// `out`).
pub fn print(run: &Run, quiet: bool, out: &mut impl Write, errors: &mut impl Write) -> std::io::Result<()> {
    let width = run.reports.iter().map(|r| r.service.folder.len()).max().unwrap_or(0);
    let mut total = Total::default();
    for report in &run.reports {
        let folder = &report.service.folder;
        match &report.outcome {
            Outcome::Generated(counts) => {
                if !quiet {
                    for warning in counts.warnings.warnings() {
                        writeln!(errors, "{warning}")?;
                    }
                }
                total.generated += 1;
                total.operations += counts.operations;
                total.degraded += counts.degraded;
                total.left_out += counts.left_out;
                total.warnings += counts.warnings.len();
                total.job_starters += counts.job_starters;
                total.job_services += usize::from(counts.job_starters > 0);
                total.awaitable += counts.awaitable;
                if counts.awaitable > 0 {
                    total.awaitable_services.push(format!("{folder} {}", counts.awaitable));
                }
                writeln!(
                    out,
                    "{folder:<width$}  generated {}: {} operations, {} degraded, {} left out, {} warnings",
                    report.service.crate_name,
                    counts.operations,
                    counts.degraded,
                    counts.left_out,
                    counts.warnings.len()
                )?;
            }
            Outcome::Refused(diags) => {
                for diag in &diags.0 {
                    if diag.is_error() || !quiet {
                        writeln!(errors, "{diag}")?;
                    }
                }
                total.refused += 1;
                let errors = diags.errors().count();
                let first = diags.errors().next().map(|d| d.message.as_str()).unwrap_or("");
                writeln!(out, "{folder:<width$}  refused: {errors} error(s), the first: {first}")?;
            }
            Outcome::Failed(message) => {
                writeln!(errors, "error: {folder}: {message}")?;
                total.refused += 1;
                writeln!(out, "{folder:<width$}  failed: {message}")?;
            }
        }
    }
    let paging: Vec<(&str, &super::PagingCounts)> = run
        .reports
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Generated(counts) => Some((r.service.folder.as_str(), &counts.paging)),
            _ => None,
        })
        .collect();
    super::paging::print(&paging, out)?;
    writeln!(
        out,
        "total: {} services, {} generated ({} operations, {} degraded, {} left out, {} warnings), \
         {} refused; {:.1}s with {} workers",
        run.reports.len(),
        total.generated,
        total.operations,
        total.degraded,
        total.left_out,
        total.warnings,
        total.refused,
        run.elapsed.as_secs_f64(),
        run.workers
    )?;
    writeln!(
        out,
        "jobs: {} operations in {} services answer a job_id; {} can be awaited, in {} services with a [waiters] setting{}",
        total.job_starters,
        total.job_services,
        total.awaitable,
        total.awaitable_services.len(),
        if total.awaitable_services.is_empty() {
            String::new()
        } else {
            format!(" ({})", total.awaitable_services.join(", "))
        }
    )
}

#[derive(Default)]
struct Total {
    generated: usize,
    refused: usize,
    operations: usize,
    degraded: usize,
    left_out: usize,
    warnings: usize,
    job_starters: usize,
    job_services: usize,
    awaitable: usize,
    /// `<folder> <operations>` of each service with waiters.
    awaitable_services: Vec<String>,
}

/// 0 when every service was generated, 1 when any was refused or failed: the crates of
/// the others are written all the same.
pub fn exit_status(run: &Run) -> u8 {
    let all = run
        .reports
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Generated(_)));
    if all { 0 } else { 1 }
}
