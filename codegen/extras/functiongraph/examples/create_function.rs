//! The life of a function: create it, read and update its configuration, invoke it, and
//! delete it again.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_REGION=cn-north-4
//! export HUAWEICLOUD_SDK_PROJECT_ID=<project id of that region>
//! export HUAWEICLOUD_SDK_AK=<access key> HUAWEICLOUD_SDK_SK=<secret key>
//! # or, instead of AK/SK, an IAM token:  export HUAWEICLOUD_SDK_TOKEN=<X-Subject-Token>
//! cargo run -p functiongraph --example create_function
//! ```
//!
//! It creates a Python function named `rust-example-hello` in the `default` application
//! and deletes it at the end, also when a step in between fails. Errors are printed with
//! the request id the service assigned, for support tickets.

#[cfg(feature = "client")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    demo::main().await
}

#[cfg(not(feature = "client"))]
fn main() {
    eprintln!("this example needs the `client` feature (on by default)");
}

#[cfg(feature = "client")]
mod demo {
    use base64::Engine as _;
    use functiongraph::models::{
        CodeType, CreateFunctionRequestBody, FuncCode, Runtime, UpdateFunctionConfigRequestBody,
    };
    use functiongraph::operations::{
        CreateFunctionRequest, DeleteFunctionRequest, InvokeFunctionRequest,
        ShowFunctionConfigRequest, UpdateFunctionConfigRequest,
    };
    use functiongraph::{Client, ClientConfig, Credentials, Error, RetryPolicy};
    use std::process::ExitCode;
    use std::time::Duration;

    const FUNCTION_NAME: &str = "rust-example-hello";
    const HANDLER: &str = "index.handler";
    const CODE: &str = "import json\n\n\
        def handler(event, context):\n    \
        return {'statusCode': 200, 'body': json.dumps({'hello': event.get('name', 'world')})}\n";

    /// The settings read from the environment.
    struct Settings {
        region: String,
        project_id: String,
        credentials: Credentials,
    }

    fn settings() -> Result<Settings, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut missing = Vec::new();
        let mut need = |name: &'static str| {
            var(name).unwrap_or_else(|| {
                missing.push(name);
                String::new()
            })
        };
        let region = need("HUAWEICLOUD_SDK_REGION");
        let project_id = need("HUAWEICLOUD_SDK_PROJECT_ID");
        let credentials = match (
            var("HUAWEICLOUD_SDK_AK"),
            var("HUAWEICLOUD_SDK_SK"),
            var("HUAWEICLOUD_SDK_TOKEN"),
        ) {
            (Some(ak), Some(sk), _) => Credentials::aksk(ak, sk),
            (_, _, Some(token)) => Credentials::token(token),
            _ => {
                missing.push("HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or HUAWEICLOUD_SDK_TOKEN)");
                Credentials::none()
            }
        };
        if missing.is_empty() {
            Ok(Settings {
                region,
                project_id,
                credentials,
            })
        } else {
            Err(format!("set {}", missing.join(", ")))
        }
    }

    /// Prints a failed step, with the request id when the service answered.
    fn report(step: &str, error: &Error) {
        eprintln!("{step} failed: {error}");
        if let Error::Api(api) = error {
            let id = api.request_id.as_deref().unwrap_or("(none)");
            eprintln!("  status {}, request id {id}", api.status);
        }
    }

    pub async fn main() -> ExitCode {
        let settings = match settings() {
            Ok(settings) => settings,
            Err(message) => {
                eprintln!("{message}; see the top of examples/create_function.rs");
                return ExitCode::from(2);
            }
        };
        // One configuration (credentials, connection pool, retries) serves every service.
        let config = ClientConfig::builder(settings.credentials)
            .timeout(Duration::from_secs(60))
            .retry(RetryPolicy::default())
            .build();
        let client = config.and_then(|config| {
            let endpoint = functiongraph::endpoint(&settings.region, &settings.project_id)?;
            Ok(Client::new(&config, endpoint))
        });
        let client = match client {
            Ok(client) => client,
            Err(error) => {
                report("setting up the client", &error);
                return ExitCode::FAILURE;
            }
        };

        // Create: inline Python code, sent base64-encoded.
        let body = CreateFunctionRequestBody::builder()
            .func_name(FUNCTION_NAME)
            .handler(HANDLER)
            .memory_size(128)
            .package("default")
            .runtime(Runtime::Python3_9)
            .timeout(3)
            .description("created by the functiongraph Rust example")
            .code_type(CodeType::Inline)
            .func_code(FuncCode::default().with_file(base64::engine::general_purpose::STANDARD.encode(CODE)))
            .build();
        let created = match body {
            Ok(body) => client
                .create_function(CreateFunctionRequest::new(body))
                .await
                .and_then(|response| response.into_ok()),
            Err(error) => Err(error),
        };
        let urn = match created {
            Ok(created) => {
                println!("created {} ({})", created.func_name, created.func_urn);
                created.func_urn
            }
            Err(error) => {
                report("create", &error);
                return ExitCode::FAILURE;
            }
        };

        let outcome = use_function(&client, &urn).await;

        // Delete, whatever happened in between.
        let deleted = client
            .delete_function(DeleteFunctionRequest::new(urn.as_str()))
            .await
            .and_then(|response| response.into_ok());
        match (outcome, deleted) {
            (Ok(()), Ok(())) => {
                println!("deleted {urn}");
                ExitCode::SUCCESS
            }
            (outcome, deleted) => {
                if let Err((step, error)) = outcome {
                    report(step, &error);
                }
                if let Err(error) = deleted {
                    report("delete", &error);
                }
                ExitCode::FAILURE
            }
        }
    }

    /// Get, update and invoke; the first failure is returned with its step.
    async fn use_function(client: &Client, urn: &str) -> Result<(), (&'static str, Error)> {
        let config = client
            .show_function_config(ShowFunctionConfigRequest::new(urn))
            .await
            .and_then(|response| response.into_ok())
            .map_err(|e| ("get", e))?;
        println!(
            "{}: {:?}, {} MB, {} s timeout",
            config.func_name, config.runtime, config.memory_size, config.timeout
        );

        let update = UpdateFunctionConfigRequestBody::builder()
            .handler(config.handler)
            .memory_size(256)
            .runtime(config.runtime)
            .timeout(10)
            .description("updated by the functiongraph Rust example")
            .build()
            .map_err(|e| ("update", e))?;
        let updated = client
            .update_function_config(UpdateFunctionConfigRequest::new(urn, update))
            .await
            .and_then(|response| response.into_ok())
            .map_err(|e| ("update", e))?;
        println!("updated: {} MB, {} s timeout", updated.memory_size, updated.timeout);

        let event = serde_json::json!({ "name": "Rust" });
        let result = client
            .invoke_function(InvokeFunctionRequest::new(urn, event))
            .await
            .and_then(|response| response.into_ok())
            .map_err(|e| ("invoke", e))?;
        println!("invoked: {}", String::from_utf8_lossy(&result));
        Ok(())
    }
}
