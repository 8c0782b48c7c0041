//! The waiter's loop: sleep, poll, read the job's answer, until it ends or time runs out.
//!
//! Each poll is an ordinary call of the client, so its errors and retries are the
//! client's: a poll that fails after the client's retries ends the wait with that error.
//! The loop holds nothing but its schedule, so dropping its future (a `select!`, a
//! `tokio::time::timeout`, a cancelled task) stops it cleanly between or during polls;
//! the job goes on at the service either way.

use crate::waiter::{JobRule, JobState, WaitOptions, WaitTimeout};
use crate::Error;
use std::future::Future;
use tokio::time::Instant;

impl JobRule {
    /// Polls job `job_id` with `poll` (one call of the job operation, giving its success
    /// answer) on the schedule of `options`, until the job ends: its last answer when it
    /// succeeds, [`Error::JobFailed`] with the job's details when it fails,
    /// [`Error::WaitTimeout`] when the overall timeout passes first (a poll under way is
    /// then abandoned), and the poll's own error when one fails.
    ///
    /// Generated crates call it from `Client::wait_for_job`; it is public so that a job
    /// operation sent another way can be waited for too.
    ///
    /// ```no_run
    /// # async fn example(client: codegen_runtime::Client) -> Result<(), codegen_runtime::Error> {
    /// use codegen_runtime::{JobRule, WaitOptions};
    ///
    /// const JOBS: JobRule = JobRule::new("status", &["SUCCESS"], &["FAIL"], &["RUNNING", "INIT"]);
    /// let job: serde_json::Value = JOBS
    ///     .wait("job-1", &WaitOptions::new(), || async {
    ///         // Send the service's "show job" operation here.
    ///         Ok(serde_json::json!({"status": "SUCCESS"}))
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait<J, F, Fut>(&self, job_id: &str, options: &WaitOptions, mut poll: F) -> Result<J, Error>
    where
        J: serde::Serialize,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<J, Error>>,
    {
        let start = Instant::now();
        // A timeout too large for the clock has no deadline.
        let deadline = start.checked_add(options.get_timeout());
        let mut backoff = options.backoff();
        let mut polls = 0u32;
        let mut last_status = None;
        let timed_out = |polls: u32, last_status: Option<String>| {
            Error::WaitTimeout(Box::new(WaitTimeout::new(job_id, options.get_timeout(), polls, last_status)))
        };
        loop {
            let Some(delay) = backoff.next_delay(start.elapsed()) else {
                return Err(timed_out(polls, last_status));
            };
            tokio::time::sleep(delay).await;
            let answer = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, poll()).await {
                    Ok(answer) => answer?,
                    Err(_) => return Err(timed_out(polls, last_status)),
                },
                None => poll().await?,
            };
            polls = polls.saturating_add(1);
            let json = serde_json::to_value(&answer)
                .map_err(|e| Error::JobUnreadable(format!("the answer about job {job_id} is not JSON: {e}")))?;
            match self.check(job_id, &json)? {
                JobState::Succeeded => return Ok(answer),
                JobState::Failed(failure) => return Err(Error::JobFailed(failure)),
                JobState::Running { status } => last_status = Some(status),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    const RULE: JobRule = JobRule::new("status", &["SUCCESS"], &["FAIL"], &["RUNNING", "INIT"])
        .with_failure_fields(Some("error_code"), Some("fail_reason"));

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// Answers `statuses` in turn (the last one again after that), recording when each
    /// poll came, in seconds since the start.
    fn answers<'a>(
        statuses: &'static [&'static str],
        times: &'a std::sync::Mutex<Vec<u64>>,
        start: Instant,
    ) -> impl FnMut() -> std::future::Ready<Result<Value, Error>> + 'a {
        let count = AtomicU32::new(0);
        move || {
            let n = count.fetch_add(1, Ordering::SeqCst) as usize;
            times.lock().expect("lock").push(start.elapsed().as_secs());
            std::future::ready(Ok(json!({"status": statuses[n.min(statuses.len() - 1)], "fail_reason": "disk full"})))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn polls_on_the_backoff_schedule_until_success() {
        let times = std::sync::Mutex::new(Vec::new());
        let options = WaitOptions::new().interval(secs(2)).max_interval(secs(10)).timeout(secs(600));
        let job = RULE
            .wait("j1", &options, answers(&["INIT", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "SUCCESS"], &times, Instant::now()))
            .await
            .expect("done");
        assert_eq!(job["status"], "SUCCESS");
        assert_eq!(*times.lock().expect("lock"), [2, 6, 14, 24, 34, 44]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_ends_the_wait_with_the_reason() {
        let times = std::sync::Mutex::new(Vec::new());
        let error = RULE
            .wait("j2", &WaitOptions::new(), answers(&["RUNNING", "FAIL"], &times, Instant::now()))
            .await
            .expect_err("failed");
        let Error::JobFailed(failure) = error else { panic!("{error:?}") };
        assert_eq!((failure.job_id.as_str(), failure.reason.as_deref()), ("j2", Some("disk full")));
        assert_eq!(times.lock().expect("lock").len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_timeout_ends_a_wait_for_a_job_that_never_ends() {
        let times = std::sync::Mutex::new(Vec::new());
        let options = WaitOptions::new().interval(secs(1)).max_interval(secs(4)).timeout(secs(20));
        let start = Instant::now();
        let error = RULE.wait("j3", &options, answers(&["RUNNING"], &times, start)).await.expect_err("timed out");
        let Error::WaitTimeout(timeout) = error else { panic!("{error:?}") };
        // 1, 3, 7, 11, 15, then 19: one second left for that last poll.
        assert_eq!(*times.lock().expect("lock"), [1, 3, 7, 11, 15, 19]);
        assert_eq!((timeout.polls, timeout.last_status.as_deref()), (6, Some("RUNNING")));
        assert_eq!(start.elapsed(), secs(19), "no sleep after the last poll");
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_that_hangs_is_abandoned_at_the_deadline() {
        let options = WaitOptions::new().interval(secs(1)).timeout(secs(10));
        let start = Instant::now();
        let error = RULE
            .wait("j4", &options, || async {
                tokio::time::sleep(secs(3600)).await;
                Ok(json!({"status": "SUCCESS"}))
            })
            .await
            .expect_err("timed out");
        assert!(matches!(&error, Error::WaitTimeout(t) if t.polls == 0), "{error:?}");
        assert_eq!(start.elapsed(), secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_error_ends_the_wait_and_an_unreadable_answer_too() {
        let error = RULE
            .wait("j5", &WaitOptions::new(), || async { Err::<Value, _>(Error::Credentials("expired".into())) })
            .await
            .expect_err("the poll's error");
        assert!(matches!(error, Error::Credentials(_)), "{error:?}");
        let error = RULE
            .wait("j6", &WaitOptions::new(), || async { Ok(json!({"state": "SUCCESS"})) })
            .await
            .expect_err("no status");
        assert!(matches!(error, Error::JobUnreadable(_)), "{error:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_wait_stops_polling() {
        let polls = AtomicU32::new(0);
        let options = WaitOptions::new().interval(secs(1)).multiplier(1.0);
        let wait = RULE.wait("j7", &options, || {
            polls.fetch_add(1, Ordering::SeqCst);
            async { Ok(json!({"status": "RUNNING"})) }
        });
        assert!(tokio::time::timeout(Duration::from_millis(3500), wait).await.is_err());
        let seen = polls.load(Ordering::SeqCst);
        tokio::time::sleep(secs(60)).await;
        assert_eq!((seen, polls.load(Ordering::SeqCst)), (3, 3), "nothing polls after the drop");
    }
}
