//! The generated FunctionGraph API as a user writes it: shared inline enums, builders that
//! name missing values, setters taking `impl Into`, free-form JSON bodies, integer query
//! values. Most checks are that the code compiles; the rest are the values it produces.

use functiongraph::models::{
    CodeType, CreateFunctionRequestBody, FuncCode, FuncVpc, Runtime, ShowFunctionConfigResponseBody,
    UpdateFunctionConfigRequestBody,
};
use functiongraph::operations::{InvokeFunctionRequest, ListFunctionsRequest};
use functiongraph::{Endpoint, Error, Operation};
use serde_json::json;

/// A `ShowFunctionConfig` answer as the service sends it.
fn shown() -> ShowFunctionConfigResponseBody {
    serde_json::from_value(json!({
        "func_urn": "urn:fss:cn-north-4:p:function:default:f:latest",
        "func_name": "f",
        "domain_id": "d",
        "namespace": "p",
        "project_name": "cn-north-4",
        "package": "default",
        "runtime": "Python3.9",
        "timeout": 30,
        "handler": "index.handler",
        "memory_size": 256,
        "cpu": 300,
        "code_type": "inline",
        "code_filename": "index.py",
        "code_size": 1,
        "digest": "x",
        "version": "latest",
        "image_name": "latest",
        "last_modified": "2024-01-01T00:00:00+08:00",
        "strategy_config": {"concurrency": -1, "concurrent_num": 1}
    }))
    .expect("a ShowFunctionConfig answer")
}

/// The runtime read from one operation is sent to another as is: the 18 identical inline
/// `runtime` enums of the specs are one type.
#[test]
fn runtime_read_from_show_is_sent_to_update_as_is() {
    let show = shown();
    let update = UpdateFunctionConfigRequestBody::builder()
        .func_name(show.func_name.clone())
        .handler(show.handler.clone())
        .memory_size(show.memory_size)
        .timeout(show.timeout)
        .runtime(show.runtime)
        .build()
        .expect("every required value is set");
    assert_eq!(update.runtime, Runtime::Python3_9);
    let code_type: CodeType = shown().code_type;
    assert_eq!(code_type, CodeType::Inline);
}

#[test]
fn builder_names_the_missing_required_value() {
    let Err(error) = CreateFunctionRequestBody::builder()
        .func_name("f")
        .handler("index.handler")
        .memory_size(128)
        .runtime(Runtime::Python3_9)
        .package("default")
        .build()
    else {
        panic!("`timeout` is required");
    };
    assert!(matches!(error, Error::InvalidRequest(_)));
    assert_eq!(
        error.to_string(),
        "invalid request: `CreateFunctionRequestBody` needs `timeout`, which was not set"
    );
}

#[test]
fn builder_setters_take_into_and_wrap_optional_values() {
    let body = CreateFunctionRequestBody::builder()
        .func_name("f")
        .handler("index.handler")
        .memory_size(128)
        .timeout(30)
        .runtime("Python3.9")
        .package("default")
        .code_type(CodeType::Inline)
        .func_code(FuncCode::default().with_file("aW1wb3J0IGpzb24="))
        .description("made by a test")
        .build()
        .expect("every required value is set");
    let sent = serde_json::to_value(&body).expect("serializes");
    assert_eq!(sent["runtime"], "Python3.9");
    assert_eq!(sent["func_code"], json!({"file": "aW1wb3J0IGpzb24="}));
    assert_eq!(sent["description"], "made by a test");
    assert_eq!(sent["memory_size"], 128);
    assert_eq!(sent["timeout"], 30);
}

#[test]
fn short_constructors_take_into() {
    let vpc = FuncVpc::new("subnet", "vpc");
    assert_eq!((vpc.subnet_id.as_str(), vpc.vpc_id.as_str()), ("subnet", "vpc"));
    let vpc = FuncVpc::builder()
        .vpc_id("vpc")
        .subnet_id("subnet")
        .security_groups(vec!["sg".to_owned()])
        .build()
        .expect("every required value is set");
    assert_eq!((vpc.subnet_id.as_str(), vpc.vpc_id.as_str()), ("subnet", "vpc"));
    assert_eq!(vpc.security_groups, Some(vec!["sg".to_owned()]));
}

fn endpoint() -> Endpoint {
    Endpoint::new("https://functiongraph.example.com")
        .expect("a valid URL")
        .with_project_id("p")
}

#[test]
fn free_form_bodies_take_json_and_any_serialize() {
    let request = InvokeFunctionRequest::new("urn:f", json!({"key": [1, 2]}));
    let sent = request.build(&endpoint()).expect("builds");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(sent.body()).unwrap(), json!({"key": [1, 2]}));

    #[derive(serde::Serialize, Clone, Debug, PartialEq)]
    struct Event {
        name: &'static str,
        count: u8,
    }
    let request = InvokeFunctionRequest::new("urn:f", Event { name: "tick", count: 3 });
    let sent = request.build(&endpoint()).expect("builds");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(sent.body()).unwrap(),
        json!({"name": "tick", "count": 3})
    );
}

#[test]
fn string_query_values_take_integers_sent_as_their_digits() {
    let by_number = ListFunctionsRequest::new().with_maxitems(400).build(&endpoint()).expect("builds");
    let by_text = ListFunctionsRequest::new().with_maxitems("400").build(&endpoint()).expect("builds");
    assert_eq!(by_number.uri(), by_text.uri());
    assert_eq!(by_number.uri().query(), Some("maxitems=400"));
}
