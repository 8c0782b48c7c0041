//! Property tests: for generated model types, serialize → deserialize is the identity,
//! whatever the values (unknown fields, odd strings, unknown enum values, `null`s,
//! integral and fractional numbers).

use functiongraph::models::{
    CreateFunctionRequestBody, FuncMount, FuncVpc, MountConfig,
    MountUser, Runtime, ShowFunctionConfigResponseBody, SlaReportsValue, StrategyConfig,
};
use functiongraph::DateTime;
use indexmap::IndexMap;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Serializes, reads back, and checks both the value and its JSON are unchanged.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> Result<(), TestCaseError> {
    let json = serde_json::to_value(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = serde_json::from_value(json.clone()).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&back, value);
    prop_assert_eq!(serde_json::to_value(&back).map_err(|e| TestCaseError::fail(e.to_string()))?, json);
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,12}", "[a-z0-9_.-]{0,8}", Just(String::new())]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Properties no spec describes; the `x_` prefix keeps them apart from known ones.
fn unknown_fields() -> impl Strategy<Value = IndexMap<String, Value>> {
    prop::collection::btree_map("x_[a-z]{1,8}", json_value(), 0..3).prop_map(|m| m.into_iter().collect())
}

fn func_vpc() -> impl Strategy<Value = FuncVpc> {
    (
        text(),
        text(),
        proptest::option::of(text()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop::collection::vec(text(), 0..3)),
        unknown_fields(),
    )
        .prop_map(|(subnet, vpc, cidr, safety, groups, unknown)| {
            let mut value = FuncVpc::new(subnet, vpc);
            value.cidr = cidr;
            value.is_safety = safety;
            value.security_groups = groups;
            value.unknown_fields = unknown;
            value
        })
}

fn mount_config() -> impl Strategy<Value = MountConfig> {
    let mount = (text(), text(), proptest::option::of(text()), text()).prop_map(|(local, resource, share, kind)| {
        let mut m = FuncMount::builder()
            .local_mount_path(local)
            .mount_resource(resource)
            .mount_type(kind)
            .build()
            .expect("every required value is set");
        m.mount_share_path = share;
        m
    });
    (prop::collection::vec(mount, 0..3), any::<i64>(), any::<i64>())
        .prop_map(|(mounts, group, user)| MountConfig::new(mounts, MountUser::new(group, user)))
}

fn runtime() -> impl Strategy<Value = Runtime> {
    prop_oneof![
        Just("Python3.9".to_owned()),
        Just("C#(.NET Core 2.0)".to_owned()),
        Just("Custom Image".to_owned()),
        text(),
    ]
    .prop_map(|s| Runtime::from(s.as_str()))
}

/// Absent, `null`, or a value.
fn nullable<T: std::fmt::Debug + Clone>(inner: impl Strategy<Value = T>) -> impl Strategy<Value = Option<Option<T>>> {
    prop_oneof![Just(None), Just(Some(None)), inner.prop_map(|v| Some(Some(v)))]
}

proptest! {
    #[test]
    fn func_vpc_round_trips(value in func_vpc()) {
        round_trip(&value)?;
    }

    #[test]
    fn mount_config_round_trips(value in mount_config()) {
        round_trip(&value)?;
    }

    #[test]
    fn strategy_config_round_trips(concurrency in any::<i32>(), num in proptest::option::of(any::<i32>()), unknown in unknown_fields()) {
        let mut value = StrategyConfig::new(concurrency);
        value.concurrent_num = num;
        value.unknown_fields = unknown;
        round_trip(&value)?;
    }

    #[test]
    fn open_enums_keep_any_value(raw in text()) {
        let value = Runtime::from(raw.as_str());
        prop_assert_eq!(value.as_str(), raw.as_str());
        round_trip(&value)?;
    }

    /// Equal exactly when the wire values are: a listed value never lands in `Unknown`,
    /// whichever way it comes in.
    #[test]
    fn open_enums_are_equal_exactly_when_their_values_are(a in runtime(), b in runtime()) {
        prop_assert_eq!(a == b, a.as_str() == b.as_str());
        let parsed: Runtime = a.as_str().parse().expect("infallible");
        let loaded: Runtime =
            serde_json::from_value(Value::String(a.as_str().to_owned())).expect("any string loads");
        prop_assert_eq!(&parsed, &a);
        prop_assert_eq!(&loaded, &a);
        if let Runtime::Unknown(other) = &a {
            prop_assert!(Runtime::from(other.as_str()) == a);
            prop_assert!(!["Python3.9", "C#(.NET Core 2.0)", "Custom Image"].contains(&other.as_str()));
        }
    }

    #[test]
    fn date_times_keep_any_text(raw in text()) {
        let value = DateTime::new(raw.clone());
        prop_assert_eq!(value.as_str(), raw.as_str());
        round_trip(&value)?;
    }

    #[test]
    fn create_function_request_round_trips(
        name in text(), handler in text(), memory in any::<i32>(), timeout in any::<i32>(),
        runtime in runtime(), vpc in proptest::option::of(func_vpc()),
        mounts in proptest::option::of(mount_config()), unknown in unknown_fields(),
    ) {
        let mut value = CreateFunctionRequestBody::builder()
            .func_name(name)
            .handler(handler)
            .memory_size(memory)
            .package("default")
            .runtime(runtime)
            .timeout(timeout)
            .build()
            .expect("every required value is set");
        value.func_vpc = vpc;
        value.mount_config = mounts;
        value.unknown_fields = unknown;
        round_trip(&value)?;
    }

    #[test]
    fn nullable_fields_keep_absent_null_and_values(
        role in nullable(text()), vpc in nullable(func_vpc()), list in nullable(prop::collection::vec(text(), 0..3)),
    ) {
        let mut value: ShowFunctionConfigResponseBody =
            serde_json::from_value(serde_json::json!({
                "func_urn": "urn", "func_name": "f", "domain_id": "d", "runtime": "Python3.9",
                "timeout": 3, "handler": "index.handler", "memory_size": 128, "cpu": 300,
                "code_type": "inline", "code_size": 1, "digest": "x", "version": "latest",
                "image_name": "i", "last_modified": "2019-10-25T15:37:27+08:00",
                "strategy_config": {"concurrency": 1}, "package": "default", "namespace": "n",
                "project_name": "p", "user_domain": "u"
            })).map_err(|e| TestCaseError::fail(e.to_string()))?;
        value.app_xrole = role;
        value.func_vpc = vpc;
        value.depend_list = list;
        round_trip(&value)?;
    }

    #[test]
    fn numbers_keep_integers_and_fractions(timestamp in proptest::option::of(any::<i64>()), value in proptest::option::of(prop_oneof![
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64),
        (-1.0e6f64..1.0e6).prop_filter("fractional", |f| f.fract() != 0.0),
    ])) {
        let sample = SlaReportsValue { timestamp, value, ..SlaReportsValue::default() };
        round_trip(&sample)?;
        if let Some(v) = value.filter(|v| v.fract() == 0.0) {
            let json = serde_json::to_value(&sample).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(json["value"].is_i64(), "integral {} written as {}", v, json["value"]);
        }
    }
}
