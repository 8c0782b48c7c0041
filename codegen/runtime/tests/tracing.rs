//! With the `tracing` feature: one span per operation and per attempt, with the fields
//! that tell what happened and no secret.

mod support;

use codegen_runtime::{Client, ClientConfig, Credentials, Endpoint, Error, Operation, RetryPolicy};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{Reply, Server};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A span as recorded: its name and every field's value as text.
#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    fields: BTreeMap<String, String>,
}

/// Records every span and event; nothing else.
#[derive(Clone, Default)]
struct Recorder {
    spans: Arc<Mutex<Vec<SpanRecord>>>,
    events: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(SpanRecord {
            name: span.metadata().name(),
            fields,
        });
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let record = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(&mut record.fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(fields);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// A POST as a generated crate would define it.
struct CreateThing;

impl Operation for CreateThing {
    type Response = u16;
    type RequestBody = Vec<u8>;
    type ResponseBody = Vec<u8>;
    const ID: &'static str = "CreateThing";
    const METHOD: http::Method = http::Method::POST;

    fn build(&self, endpoint: &Endpoint) -> Result<http::Request<Vec<u8>>, Error> {
        codegen_runtime::__private::RequestBuilder::new(Self::METHOD, endpoint)
            .literal("/v1/things")
            .json("application/json", &serde_json::json!({"name": "thing"}))
            .build()
    }

    fn parse(response: http::Response<Vec<u8>>) -> Result<u16, Error> {
        Ok(response.status().as_u16())
    }
}

#[tokio::test]
async fn spans_for_the_operation_and_each_attempt_without_secrets() {
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    let server = Server::start(|_, index| {
        if index == 0 {
            Reply::status(429).header("x-request-id", "req-1").header("retry-after", "0")
        } else {
            Reply::json(201, "{}").header("x-request-id", "req-2")
        }
    })
    .await;
    let config = ClientConfig::builder(Credentials::aksk("TRACE_AK", "trace-secret-key"))
        .retry(RetryPolicy { max_backoff: Duration::from_millis(5), ..RetryPolicy::default() })
        .without_proxy()
        .build()
        .expect("config");
    let client = Client::new(&config, Endpoint::new(&server.url()).expect("endpoint"));
    assert_eq!(client.send(&CreateThing).await.expect("sent"), 201);

    let spans = recorder.spans.lock().unwrap().clone();
    let ours: Vec<&SpanRecord> = spans.iter().filter(|s| ["operation", "attempt"].contains(&s.name)).collect();
    assert_eq!(ours.len(), 3, "{spans:#?}");
    let operation = &ours[0].fields;
    assert_eq!(ours[0].name, "operation");
    assert_eq!(operation["operation"], "CreateThing");
    assert_eq!(operation["method"], "POST");
    assert_eq!(operation["attempts"], "2");
    assert_eq!(operation["status"], "201");
    assert_eq!(operation["request_id"], "req-2");
    assert!(operation.contains_key("duration_ms"));
    for (span, (attempt, status, request_id)) in ours[1..].iter().zip([("1", "429", "req-1"), ("2", "201", "req-2")]) {
        assert_eq!(span.name, "attempt");
        assert_eq!(span.fields["attempt"], attempt);
        assert_eq!(span.fields["status"], status);
        assert_eq!(span.fields["request_id"], request_id);
    }
    let retrying = recorder.events.lock().unwrap().clone();
    assert!(retrying.iter().any(|e| e.get("message").is_some_and(|m| m == "retrying")), "{retrying:?}");
    let everything = format!("{spans:?} {retrying:?}");
    assert!(!everything.contains("trace-secret-key") && !everything.contains("Signature="), "{everything}");
}
