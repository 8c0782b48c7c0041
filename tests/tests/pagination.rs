//! Paginators against a local server (`support`, 127.0.0.1 only) that pages the way the
//! real services do: FunctionGraph's marker (`marker`/`maxitems`, `next_marker` and `count`
//! in the body), its offset counted in items (`ListWorkflow`), ECS's offset counted in
//! pages (`ListServersDetails`, settled by the catalogue's built-in settings), CodeArts
//! Deploy's page number (`ListDeployTasks`), an empty last page and a repeated marker.
//! Each test counts the requests: the stream stops exactly at the end, and the user's
//! filters and page size travel on every page.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use build_script::{deploy, ecs};
use functiongraph::operations::{ListFunctionsRequest, ListWorkflowRequest};
use functiongraph::{ClientConfig, Credentials, Endpoint, Error, Paginate, Pager};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use support::{Recorded, Reply, Server, respond};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn config() -> ClientConfig {
    ClientConfig::builder(Credentials::none())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("config")
}

fn endpoint(server: &Server) -> Endpoint {
    Endpoint::new(&server.base_url()).expect("endpoint").with_project_id(PROJECT)
}

fn functiongraph(server: &Server) -> functiongraph::Client {
    functiongraph::Client::new(&config(), endpoint(server))
}

/// The query of a request, decoded, by name.
fn query(request: &Recorded) -> BTreeMap<String, String> {
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    request
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn json_reply(body: &Value) -> Reply {
    respond(200, &body.to_string())
}

/// A FunctionGraph function as `ListFunctions` lists it (the spec's example, renamed).
fn function(name: &str) -> Value {
    let spec: Value = serde_json::from_str(include_str!("../../specs/functiongraph/ListFunctions.json")).expect("spec");
    let mut function = spec["paths"]["/v2/{project_id}/fgs/functions"]["get"]["responses"]["200"]["examples"]["application/json"]
        ["functions"][0]
        .clone();
    function["func_name"] = json!(name);
    function
}

fn names(functions: &[functiongraph::models::ListFunctionResult]) -> Vec<&str> {
    functions.iter().map(|f| f.func_name.as_str()).collect()
}

/// Five functions, pages of `maxitems`, the marker being the position of the next one.
fn marker_server_handler(request: &Recorded) -> Reply {
    let q = query(request);
    let start: usize = q.get("marker").map_or(0, |m| m.parse().expect("a numeric marker"));
    let size: usize = q.get("maxitems").map_or(400, |m| m.parse().expect("maxitems"));
    let all: Vec<String> = (1..=5).map(|i| format!("fn-{i}")).collect();
    let page: Vec<Value> = all.iter().skip(start).take(size).map(|n| function(n)).collect();
    let next = (start + page.len()).min(all.len());
    json_reply(&json!({"functions": page, "next_marker": next, "count": all.len()}))
}

#[tokio::test]
async fn a_marker_pages_until_the_total_with_the_filters_on_every_page() {
    let server = Server::start_with(marker_server_handler).await;
    let request = ListFunctionsRequest::new().with_maxitems(2).with_func_name("fn").with_package_name("default");
    let functions = functiongraph(&server).list_functions_pages(request).items().collect().await.expect("items");
    assert_eq!(names(&functions), ["fn-1", "fn-2", "fn-3", "fn-4", "fn-5"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "2 + 2 + 1 of a total of 5: no request after the last page");
    let markers: Vec<Option<String>> = requests.iter().map(|r| query(r).get("marker").cloned()).collect();
    assert_eq!(markers, [None, Some("2".to_owned()), Some("4".to_owned())]);
    for request in &requests {
        let q = query(request);
        assert_eq!(request.path(), format!("/v2/{PROJECT}/fgs/functions"));
        assert_eq!((q["maxitems"].as_str(), q["func_name"].as_str(), q["package_name"].as_str()), ("2", "fn", "default"));
    }
}

#[tokio::test]
async fn pages_are_fetched_lazily_one_at_a_time() {
    let server = Server::start_with(marker_server_handler).await;
    let mut pages = functiongraph(&server).list_functions_pages(ListFunctionsRequest::new().with_maxitems(2));
    assert!(server.requests().is_empty(), "nothing before the first poll");
    let first = pages.next_page().await.expect("a page").expect("ok");
    assert_eq!(names(&first.functions), ["fn-1", "fn-2"]);
    assert_eq!(server.requests().len(), 1, "one page asked, one fetched");
    let second = pages.next_page().await.expect("a page").expect("ok");
    assert_eq!((names(&second.functions), second.next_marker), (vec!["fn-3", "fn-4"], 4));
    assert_eq!((server.requests().len(), pages.items_seen()), (2, 4));
}

#[tokio::test]
async fn an_empty_last_page_ends_the_stream() {
    // No total: the service's only word for the end is a page without items.
    let server = Server::start_with(|request: &Recorded| {
        let body = match query(request).get("marker").map(String::as_str) {
            None => json!({"functions": [function("a"), function("b")], "next_marker": 2}),
            Some("2") => json!({"functions": [function("c")], "next_marker": 3}),
            _ => json!({"functions": [], "next_marker": 3}),
        };
        json_reply(&body)
    })
    .await;
    let functions = functiongraph(&server).list_functions_pages(ListFunctionsRequest::new()).items().collect().await.expect("items");
    assert_eq!(names(&functions), ["a", "b", "c"]);
    assert_eq!(server.requests().len(), 3, "the empty page is the last request");
}

#[tokio::test]
async fn a_repeated_marker_is_an_error_not_an_endless_loop() {
    let server = Server::start_with(|request: &Recorded| {
        let body = match query(request).get("marker").map(String::as_str) {
            None => json!({"functions": [function("a")], "next_marker": 1}),
            // The service is stuck: it gives the marker it was asked for.
            _ => json!({"functions": [function("b")], "next_marker": 1}),
        };
        json_reply(&body)
    })
    .await;
    let mut items = functiongraph(&server).list_functions_pages(ListFunctionsRequest::new()).items();
    assert_eq!(items.next_item().await.expect("a").expect("ok").func_name, "a");
    // The page that repeats the marker is the error (its items may well be the last
    // page's again).
    let error = items.next_item().await.expect("the error").expect_err("a repeated marker");
    assert!(matches!(&error, Error::InvalidResponse(m) if m.contains("ListFunctions") && m.contains("`1`")), "{error}");
    assert!(items.next_item().await.is_none(), "nothing after the error");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_error_answer_is_the_streams_last_item() {
    let server = Server::start(vec![
        json_reply(&json!({"functions": [function("a")], "next_marker": 1})),
        respond(403, r#"{"error_code":"FSS.0403","error_msg":"Forbidden"}"#),
    ])
    .await;
    let mut pages = functiongraph(&server).list_functions_pages(ListFunctionsRequest::new());
    assert!(pages.next_page().await.expect("a page").is_ok());
    let error = pages.next_page().await.expect("the error").expect_err("403");
    assert_eq!(error.status(), Some(403));
    assert!(pages.next_page().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

fn workflow(id: usize) -> Value {
    json!({
        "created_by": "admin", "created_time": "2021-01-01T00:00:00Z", "description": "",
        "id": format!("wf-{id}"), "name": format!("wf-{id}"), "updated_time": "2021-01-01T00:00:00Z",
        "workflow_urn": format!("urn:fss:cn-north-4:{PROJECT}:workflow:default:wf-{id}:latest"),
        "enable_stream_response": false
    })
}

#[tokio::test]
async fn an_offset_counted_in_items_moves_past_each_page() {
    // Seven workflows; the server caps pages at 3, whatever the limit asked.
    let server = Server::start_with(|request: &Recorded| {
        let q = query(request);
        let offset: usize = q.get("offset").map_or(0, |o| o.parse().expect("offset"));
        let limit: usize = q.get("limit").map_or(3, |l| l.parse().expect("limit")).min(3);
        let page: Vec<Value> = (offset..7).take(limit).map(workflow).collect();
        json_reply(&json!({"size": page.len(), "total": 7, "workflows": page}))
    })
    .await;
    let request = ListWorkflowRequest::new().with_limit(5).with_workflow_name("wf");
    let workflows = functiongraph(&server).list_workflow_pages(request).items().collect().await.expect("items");
    let ids: Vec<&str> = workflows.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["wf-0", "wf-1", "wf-2", "wf-3", "wf-4", "wf-5", "wf-6"], "nothing skipped though pages are short");
    let requests = server.requests();
    let offsets: Vec<Option<String>> = requests.iter().map(|r| query(r).get("offset").cloned()).collect();
    assert_eq!(offsets, [None, Some("3".to_owned()), Some("6".to_owned())], "6 + 1 reaches the total of 7");
    assert!(requests.iter().all(|r| query(r)["limit"] == "5" && query(r)["workflow_name"] == "wf"));
}

/// An ECS server as `ListServersDetails` lists it: the spec's example, with the required
/// properties it leaves out.
fn server_detail(id: &str) -> Value {
    let spec: Value = serde_json::from_str(include_str!("../samples/ECS/ListServersDetails.json")).expect("spec");
    let mut server = spec["paths"]["/v1/{project_id}/cloudservers/detail"]["get"]["responses"]["200"]["examples"]
        ["application/json"]["servers"][1]
        .clone();
    let extra = json!({
        "id": id, "OS-EXT-STS:task_state": "", "OS-SRV-USG:terminated_at": "", "image": {"id": "image"},
        "os-extended-volumes:volumes_attached": [], "security_groups": [], "enclave_options": {}, "spod_id": "",
        "capacity_reservation_specification": {}, "capacity_reservation_id": ""
    });
    for (name, value) in extra.as_object().expect("object") {
        server[name] = value.clone();
    }
    server
}

#[tokio::test]
async fn ecs_offset_counts_pages() {
    // Five servers, pages of two: `offset` is the page number, from 1.
    let server = Server::start_with(|request: &Recorded| {
        let q = query(request);
        let page: usize = q.get("offset").map_or(1, |o| o.parse().expect("offset")).max(1);
        let limit: usize = q["limit"].parse().expect("limit");
        let servers: Vec<Value> = (0..5).skip((page - 1) * limit).take(limit).map(|i| server_detail(&format!("s-{i}"))).collect();
        json_reply(&json!({"count": 5, "servers": servers}))
    })
    .await;
    let client = ecs::Client::new(&config(), endpoint(&server));
    let request = ecs::operations::ListServersDetailsRequest::new().with_limit(2).with_status("ACTIVE");
    let servers = client.list_servers_details_pages(request).items().collect().await.expect("items");
    let ids: Vec<&str> = servers.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s-0", "s-1", "s-2", "s-3", "s-4"]);
    let requests = server.requests();
    let offsets: Vec<Option<String>> = requests.iter().map(|r| query(r).get("offset").cloned()).collect();
    assert_eq!(offsets, [None, Some("2".to_owned()), Some("3".to_owned())], "pages, not items: 2 and 3, not 2 and 4");
    assert!(requests.iter().all(|r| query(r)["limit"] == "2" && query(r)["status"] == "ACTIVE"));
}

fn task(id: usize) -> Value {
    json!({"id": format!("task-{id}"), "name": format!("task {id}")})
}

#[tokio::test]
async fn a_page_number_counts_from_the_given_page() {
    // Five tasks in pages of `size`; `page` is required and starts at 1.
    let server = Server::start_with(|request: &Recorded| {
        let q = query(request);
        let (page, size): (usize, usize) = (q["page"].parse().expect("page"), q["size"].parse().expect("size"));
        let tasks: Vec<Value> = (0..5).skip((page - 1) * size).take(size).map(task).collect();
        json_reply(&json!({"result": tasks, "total_num": 5}))
    })
    .await;
    let client = deploy::Client::new(&config(), endpoint(&server));
    let request = deploy::operations::ListDeployTasksRequest::new(1, 2);
    let tasks = client.list_deploy_tasks_pages(request).items().collect().await.expect("items");
    let ids: Vec<&str> = tasks.iter().filter_map(|t| t.id.as_deref()).collect();
    assert_eq!(ids, ["task-0", "task-1", "task-2", "task-3", "task-4"]);
    let pages: Vec<String> = server.requests().iter().map(|r| query(r)["page"].clone()).collect();
    assert_eq!(pages, ["1", "2", "3"], "2 + 2 + 1 of 5: then stop");
    assert!(server.requests().iter().all(|r| query(r)["size"] == "2"));
}

#[test]
fn any_http_stack_can_page_with_the_request_alone() {
    // Sans-IO: the request computes the next one from a page; no client involved.
    let request = ListFunctionsRequest::new().with_maxitems(2).with_func_name("fn");
    let page: functiongraph::models::ListFunctionsResponseBody =
        serde_json::from_value(json!({"functions": [function("a"), function("b")], "next_marker": 2, "count": 3})).expect("page");
    let next = request.next_request(&page, 0).expect("ok").expect("a next page");
    assert_eq!((next.marker.as_deref(), next.maxitems.as_deref(), next.func_name.as_deref()), (Some("2"), Some("2"), Some("fn")));
    let last: functiongraph::models::ListFunctionsResponseBody =
        serde_json::from_value(json!({"functions": [function("c")], "next_marker": 3, "count": 3})).expect("page");
    let mut pager = Pager::new(request);
    pager.advance(&page).expect("ok");
    assert!(pager.advance(&last).expect("ok").is_none(), "3 of 3");
    assert_eq!(pager.items_seen(), 3);
    assert_eq!(
        <ListFunctionsRequest as Paginate>::STYLE,
        functiongraph::PageStyle::Marker,
        "FunctionGraph's marker and next_marker"
    );
}
