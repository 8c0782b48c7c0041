//! The life of a function: create it, read and update its configuration, invoke it, and
//! delete it again.
//!
//! It finds everything where Huawei's official SDKs look, so it runs unchanged on a laptop
//! with a profile file, in a CI job with variables, and on a cloud server with an agency:
//!
//! ```sh
//! export HUAWEICLOUD_SDK_REGION=cn-north-4
//! # Credentials: the first of
//! #   HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys),
//! #   ~/.huaweicloud/credentials (or the file HUAWEICLOUD_SDK_CREDENTIALS_FILE names), section [basic],
//! #   the metadata service of the ECS server it runs on,
//! # or an IAM token instead: HUAWEICLOUD_SDK_TOKEN=<X-Subject-Token>.
//! # The project id: HUAWEICLOUD_SDK_PROJECT_ID, else project_id in the profile, else IAM's.
//! # The endpoint: HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_CN_NORTH_4, else ~/.huaweicloud/regions.yaml,
//! # else the public one.
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
    use functiongraph::huawei::{Account, CredentialChain};
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

    fn var(name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    /// The credentials: an IAM token when `HUAWEICLOUD_SDK_TOKEN` is set, else the first
    /// source of the default chain that has some; with `HUAWEICLOUD_SDK_PROJECT_ID` as
    /// the project id when set.
    async fn account() -> Result<Account, Error> {
        let account = match var("HUAWEICLOUD_SDK_TOKEN") {
            Some(token) => Account::new(Credentials::token(token)),
            None => CredentialChain::basic().resolve().await?,
        };
        Ok(match var("HUAWEICLOUD_SDK_PROJECT_ID") {
            Some(project_id) => account.with_project_id(project_id),
            None => account,
        })
    }

    /// The client: one configuration (credentials, connection pool, retries) that every
    /// service could share, and FunctionGraph's endpoint in `region` for the account.
    async fn client(region: &str) -> Result<Client, Error> {
        let account = account().await?;
        println!("credentials from {}", account.source);
        let config = ClientConfig::builder(account.credentials.clone())
            .timeout(Duration::from_secs(60))
            .retry(RetryPolicy::default())
            .build()?;
        let client = Client::from_account(&config, &account, region).await?;
        println!("sending to {}", client.endpoint().base_url());
        Ok(client)
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
        let Some(region) = var("HUAWEICLOUD_SDK_REGION") else {
            eprintln!("set HUAWEICLOUD_SDK_REGION; see the top of examples/create_function.rs");
            return ExitCode::from(2);
        };
        let client = match client(&region).await {
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
