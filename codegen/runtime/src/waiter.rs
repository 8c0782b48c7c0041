//! Waiting for asynchronous jobs, sans-IO: how a job's answer is read ([`JobRule`]), how
//! long to wait between polls ([`WaitOptions`], [`Backoff`]), and what a failed or
//! overdue job is ([`JobFailure`], [`WaitTimeout`]).
//!
//! Many Huawei services answer a write (create servers, delete volumes, make an image)
//! with a `job_id` and do the work in the background; a job resource (ECS
//! `GET /v1/{project_id}/jobs/{job_id}`) tells how it goes. A generated crate knows, from
//! its service's settings, which operation shows a job, where the status is in its answer
//! and which values end the wait; the client's waiter (feature `client`) polls it. Any
//! other HTTP stack can wait the same way with these pieces: send the job request, read
//! the answer with [`JobRule::check`], and sleep [`Backoff::next_delay`] between polls.

use crate::Error;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// The shortest interval: a zero one would poll without pause.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

/// How to wait: the delay between polls, growing by a factor up to a cap, and the longest
/// the whole wait may take.
///
/// The defaults wait 2 s before the first poll, double the delay each time up to 30 s,
/// and give up after 30 minutes: a server or a volume is ready in a minute or two, an
/// image can take a quarter of an hour.
///
/// ```
/// use codegen_runtime::WaitOptions;
/// use std::time::Duration;
///
/// let options = WaitOptions::new()
///     .interval(Duration::from_secs(5))
///     .max_interval(Duration::from_secs(60))
///     .timeout(Duration::from_secs(3600));
/// assert_eq!(options.get_timeout(), Duration::from_secs(3600));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    interval: Duration,
    max_interval: Duration,
    multiplier: f64,
    timeout: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            multiplier: 2.0,
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl WaitOptions {
    /// The defaults (see [`WaitOptions`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// The delay before the first poll, the first delay between polls, and the time left
    /// for the last poll before the timeout (2 s by default; at least 1 ms).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest delay between two polls (30 s by default); the delay grows up to it.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// By how much each delay grows over the previous one (2 by default); 1 polls at a
    /// fixed interval. Values below 1, and values that are not finite, count as 1.
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }

    /// The longest the whole wait may take, polls included (30 min by default); then the
    /// wait ends with [`Error::WaitTimeout`]. The job itself goes on at the service. Polls
    /// happen while more than one interval of it is left (see [`Backoff`]), so it should be
    /// a few intervals long.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The overall timeout.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }

    /// The schedule of delays these options give.
    pub fn backoff(&self) -> Backoff {
        // A zero interval would poll without pause.
        let first = self.interval.min(self.max_interval).max(MIN_INTERVAL);
        Backoff {
            min: first,
            next: first,
            max: self.max_interval,
            multiplier: if self.multiplier.is_finite() && self.multiplier >= 1.0 { self.multiplier } else { 1.0 },
            timeout: self.timeout,
        }
    }
}

/// The delays between polls: the interval, then each one `multiplier` times the previous,
/// never above the maximum. Polls go on while more than one interval of the timeout is
/// left, so that the last poll has time to be answered: a delay that would leave less is
/// shortened to leave exactly that (the rule of AWS's waiters).
///
/// ```
/// use codegen_runtime::WaitOptions;
/// use std::time::Duration;
///
/// let secs = Duration::from_secs;
/// let options = WaitOptions::new().interval(secs(1)).max_interval(secs(5)).timeout(secs(12));
/// let mut backoff = options.backoff();
/// // 1 s, 2 s, 4 s, then 4 s instead of 5 s, leaving 1 s for the last poll.
/// assert_eq!(backoff.next_delay(secs(0)), Some(secs(1)));
/// assert_eq!(backoff.next_delay(secs(1)), Some(secs(2)));
/// assert_eq!(backoff.next_delay(secs(3)), Some(secs(4)));
/// assert_eq!(backoff.next_delay(secs(7)), Some(secs(4)));
/// assert_eq!(backoff.next_delay(secs(11)), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    /// The first delay, also the time left for the last poll.
    min: Duration,
    next: Duration,
    max: Duration,
    multiplier: f64,
    timeout: Duration,
}

impl Backoff {
    /// The delay before the next poll, given how long the wait has lasted; `None` when no
    /// more than one interval of the timeout is left (then the wait has timed out).
    pub fn next_delay(&mut self, elapsed: Duration) -> Option<Duration> {
        let left = self.timeout.checked_sub(elapsed).filter(|left| *left > self.min)?;
        let delay = self.next.min(left - self.min);
        self.next = self.next.mul_f64(self.multiplier).min(self.max);
        Some(delay)
    }
}

/// How to read a service's job answers: where the status is, which of its values end the
/// wait, and where the failure details are. Generated crates hold one per service with a
/// job resource, from the service's settings.
///
/// Paths name a property of the answer, with dots for nested objects (`status`,
/// `job.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobRule {
    status: &'static str,
    success: &'static [&'static str],
    failure: &'static [&'static str],
    running: &'static [&'static str],
    error_code: Option<&'static str>,
    reason: Option<&'static str>,
    details: &'static [&'static str],
}

/// What a job answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobState {
    /// The job ended well.
    Succeeded,
    /// The job ended badly.
    Failed(Box<JobFailure>),
    /// The job is not done: its status is one of the running values, or one the
    /// settings do not know (kept waiting for, as a new transitional state would be).
    Running {
        /// The status as sent.
        status: String,
    },
}

impl JobRule {
    /// A rule reading the status at `status`, done when it is one of `success` or
    /// `failure`, still going when one of `running`.
    pub const fn new(
        status: &'static str,
        success: &'static [&'static str],
        failure: &'static [&'static str],
        running: &'static [&'static str],
    ) -> Self {
        Self { status, success, failure, running, error_code: None, reason: None, details: &[] }
    }

    /// Where a failed job's error code and reason are (`error_code`, `fail_reason`).
    pub const fn with_failure_fields(mut self, error_code: Option<&'static str>, reason: Option<&'static str>) -> Self {
        self.error_code = error_code;
        self.reason = reason;
        self
    }

    /// Further parts of a failed job's answer that say what went wrong (ECS `entities`,
    /// with the failure of each sub-job), kept in [`JobFailure::details`].
    pub const fn with_details(mut self, details: &'static [&'static str]) -> Self {
        self.details = details;
        self
    }

    /// The path of the status.
    pub fn status_path(&self) -> &'static str {
        self.status
    }

    /// The values that mean success.
    pub fn success(&self) -> &'static [&'static str] {
        self.success
    }

    /// The values that mean failure.
    pub fn failure(&self) -> &'static [&'static str] {
        self.failure
    }

    /// The values that mean the job is still going.
    pub fn running(&self) -> &'static [&'static str] {
        self.running
    }

    /// Reads one job answer (as JSON) of job `job_id`. Fails when the answer has no
    /// status, or one that is not text ([`Error::JobUnreadable`]): the settings do not fit
    /// the service, and waiting longer would not help.
    pub fn check(&self, job_id: &str, job: &Value) -> Result<JobState, Error> {
        let status = match lookup(job, self.status) {
            Some(Value::String(status)) => status.clone(),
            Some(other) => {
                return Err(Error::JobUnreadable(format!(
                    "the answer about job {job_id} has a `{}` that is not text: {}",
                    self.status,
                    kind(other)
                )));
            }
            None => {
                return Err(Error::JobUnreadable(format!(
                    "the answer about job {job_id} has no `{}`",
                    self.status
                )));
            }
        };
        if self.success.contains(&status.as_str()) {
            return Ok(JobState::Succeeded);
        }
        if !self.failure.contains(&status.as_str()) {
            return Ok(JobState::Running { status });
        }
        let text = |path: Option<&str>| match path.and_then(|p| lookup(job, p)) {
            Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
            _ => None,
        };
        let details = self
            .details
            .iter()
            .filter_map(|path| lookup(job, path).filter(|v| !v.is_null()).map(|v| ((*path).to_owned(), v.clone())))
            .collect();
        Ok(JobState::Failed(Box::new(JobFailure {
            job_id: job_id.to_owned(),
            status,
            error_code: text(self.error_code),
            reason: text(self.reason),
            details,
            job: job.clone(),
        })))
    }
}

/// The value at a dotted path.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |value, key| value.as_object()?.get(key))
}

/// What kind of JSON value it is, for messages (never the value: it may be large).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A job that ended with a failure status, with the job's own account of why.
///
/// `Debug` shows the job id, the status, the error code and the reason, and names the
/// details without their content, like the body of an [`ApiError`](crate::ApiError);
/// the fields hold everything.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("job {job_id} ended with status {status}{}{}", code_part(.error_code), reason_part(.reason))]
#[non_exhaustive]
pub struct JobFailure {
    /// The job's id.
    pub job_id: String,
    /// The failure status as sent (`FAIL`).
    pub status: String,
    /// The job's error code (`Ecs.0001`), when it has one.
    pub error_code: Option<String>,
    /// The job's reason for failing, when it gives one.
    pub reason: Option<String>,
    /// The detail parts of the answer the service's settings name (ECS `entities`, with
    /// each sub-job's failure), by path, those present.
    pub details: serde_json::Map<String, Value>,
    /// The whole job answer, as JSON: decode it into the crate's job type with
    /// `serde_json::from_value`.
    pub job: Value,
}

impl fmt::Debug for JobFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobFailure")
            .field("job_id", &self.job_id)
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .field("reason", &self.reason)
            .field("details", &self.details.keys().collect::<Vec<_>>())
            .field("job", &format_args!("<{}>", kind(&self.job)))
            .finish()
    }
}

/// A wait that ran out of time before the job ended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("job {job_id} did not end within {timeout:?} ({polls} polls{})", status_part(.last_status))]
#[non_exhaustive]
pub struct WaitTimeout {
    /// The job's id.
    pub job_id: String,
    /// The overall timeout that passed.
    pub timeout: Duration,
    /// How many answers about the job arrived.
    pub polls: u32,
    /// The status of the last answer, if any arrived.
    pub last_status: Option<String>,
}

impl WaitTimeout {
    /// A timeout of the wait for `job_id`.
    pub fn new(job_id: impl Into<String>, timeout: Duration, polls: u32, last_status: Option<String>) -> Self {
        Self { job_id: job_id.into(), timeout, polls, last_status }
    }
}

/// What a call that waits gives: the operation's own answer, and the job's last one.
#[derive(Debug, Clone, PartialEq)]
pub struct JobDone<S, J> {
    /// The answer of the operation that started the job (with its `job_id`).
    pub started: S,
    /// The job's answer when it succeeded.
    pub job: J,
}

fn code_part(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" {c}")).unwrap_or_default()
}

fn reason_part(reason: &Option<String>) -> String {
    reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
}

fn status_part(status: &Option<String>) -> String {
    status.as_ref().map(|s| format!(", last status {s}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ECS: JobRule = JobRule::new("status", &["SUCCESS"], &["FAIL"], &["RUNNING", "INIT"])
        .with_failure_fields(Some("error_code"), Some("fail_reason"))
        .with_details(&["entities"]);

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// Every delay of a schedule, polls taking no time.
    fn delays(options: &WaitOptions) -> Vec<Duration> {
        let mut backoff = options.backoff();
        let mut elapsed = Duration::ZERO;
        let mut out = Vec::new();
        while let Some(delay) = backoff.next_delay(elapsed) {
            out.push(delay);
            elapsed += delay;
            assert!(out.len() < 10_000, "the schedule ends");
        }
        out
    }

    #[test]
    fn the_delay_doubles_up_to_the_cap_and_stops_at_the_timeout() {
        let options = WaitOptions::new().interval(secs(2)).max_interval(secs(10)).timeout(secs(40));
        assert_eq!(delays(&options), [secs(2), secs(4), secs(8), secs(10), secs(10), secs(4)]);
        assert_eq!(delays(&options).iter().sum::<Duration>(), secs(38), "the last poll has one interval left");
    }

    #[test]
    fn the_defaults_reach_thirty_seconds_and_end_after_thirty_minutes() {
        let all = delays(&WaitOptions::default());
        assert_eq!(&all[..5], &[secs(2), secs(4), secs(8), secs(16), secs(30)]);
        assert_eq!(all.iter().sum::<Duration>(), secs(1798));
        assert!(all.iter().all(|d| *d <= secs(30)));
    }

    #[test]
    fn a_multiplier_of_one_or_less_polls_at_a_fixed_interval() {
        for multiplier in [1.0, 0.5, -3.0, f64::NAN, f64::INFINITY] {
            let options = WaitOptions::new().interval(secs(3)).multiplier(multiplier).timeout(secs(10));
            assert_eq!(delays(&options), [secs(3), secs(3), secs(1)], "{multiplier}");
        }
        let options = WaitOptions::new().interval(Duration::from_millis(100)).multiplier(1.5).timeout(secs(1));
        assert_eq!(
            delays(&options),
            [100_000, 150_000, 225_000, 337_500, 87_500].map(Duration::from_micros),
            "the last is shortened to leave one interval"
        );
    }

    #[test]
    fn an_interval_above_the_cap_is_the_cap_and_a_short_timeout_never_polls() {
        let options = WaitOptions::new().interval(secs(60)).max_interval(secs(5)).timeout(secs(11));
        assert_eq!(delays(&options), [secs(5), secs(1)]);
        assert!(delays(&WaitOptions::new().timeout(Duration::ZERO)).is_empty());
        assert!(delays(&WaitOptions::new().interval(secs(5)).timeout(secs(5))).is_empty(), "no time to poll");
        let zero = WaitOptions::new().interval(Duration::ZERO).multiplier(1.0).timeout(Duration::from_millis(4));
        assert_eq!(delays(&zero), [Duration::from_millis(1); 3], "never a busy loop");
        let mut backoff = WaitOptions::new().timeout(secs(10)).backoff();
        assert_eq!(backoff.next_delay(secs(11)), None, "past the deadline");
    }

    #[test]
    fn statuses_are_read_as_the_settings_say() {
        assert_eq!(ECS.check("j1", &json!({"status": "SUCCESS"})).expect("read"), JobState::Succeeded);
        for running in ["RUNNING", "INIT", "PENDING_SOMETHING_NEW"] {
            assert_eq!(
                ECS.check("j1", &json!({"status": running})).expect("read"),
                JobState::Running { status: running.to_owned() }
            );
        }
        let nested = JobRule::new("job.status", &["SUCCESS", "COMPLETE"], &["FAIL"], &["RUNNING"]);
        assert_eq!(nested.check("j2", &json!({"job": {"status": "COMPLETE"}})).expect("read"), JobState::Succeeded);
    }

    #[test]
    fn a_missing_or_odd_status_is_an_error_naming_the_path() {
        for (job, says) in [
            (json!({}), "has no `status`"),
            (json!({"status": null}), "not text: null"),
            (json!({"status": 3}), "not text: a number"),
            (json!("SUCCESS"), "has no `status`"),
        ] {
            let error = ECS.check("j3", &job).expect_err("unreadable");
            assert!(matches!(error, Error::JobUnreadable(_)), "{error:?}");
            assert!(error.to_string().contains(says) && error.to_string().contains("j3"), "{error}");
        }
    }

    #[test]
    fn a_failure_carries_the_jobs_own_details() {
        let job = json!({
            "status": "FAIL",
            "job_id": "j4",
            "error_code": "Ecs.0001",
            "fail_reason": "insufficient quota",
            "entities": {"sub_jobs": [{"status": "FAIL", "fail_reason": "flavor sold out"}]},
        });
        let JobState::Failed(failure) = ECS.check("j4", &job).expect("read") else { panic!("a failure") };
        assert_eq!(failure.error_code.as_deref(), Some("Ecs.0001"));
        assert_eq!(failure.reason.as_deref(), Some("insufficient quota"));
        assert_eq!(failure.details["entities"]["sub_jobs"][0]["fail_reason"], "flavor sold out");
        assert_eq!(failure.job, job);
        assert_eq!(failure.to_string(), "job j4 ended with status FAIL Ecs.0001: insufficient quota");
        let shown = format!("{:?}", Error::JobFailed(failure.clone()));
        assert!(shown.contains("insufficient quota") && shown.contains("\"entities\""), "{shown}");
        assert!(!shown.contains("flavor sold out"), "details are named, not shown: {shown}");

        let bare = ECS.check("j5", &json!({"status": "FAIL", "error_code": null, "fail_reason": ""})).expect("read");
        let JobState::Failed(bare) = bare else { panic!("a failure") };
        assert_eq!((&bare.error_code, &bare.reason), (&None, &None));
        assert!(bare.details.is_empty());
        assert_eq!(bare.to_string().as_str(), "job j5 ended with status FAIL");
    }

    #[test]
    fn a_timeout_names_the_job_and_its_last_status() {
        let timeout = WaitTimeout::new("j6", secs(60), 4, Some("RUNNING".into()));
        assert_eq!(timeout.to_string(), "job j6 did not end within 60s (4 polls, last status RUNNING)");
        let none = WaitTimeout::new("j7", secs(1), 0, None);
        assert_eq!(Error::WaitTimeout(Box::new(none)).to_string(), "job j7 did not end within 1s (0 polls)");
    }
}
