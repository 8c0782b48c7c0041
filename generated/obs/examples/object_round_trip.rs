//! An object's round trip through OBS: create a bucket, upload a file to it, list the
//! bucket, download the object again, then delete the object and the bucket.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_REGION=cn-north-4
//! # Credentials: the first of
//! #   HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys),
//! #   ~/.huaweicloud/credentials (or the file HUAWEICLOUD_SDK_CREDENTIALS_FILE names), section [basic],
//! #   the metadata service of the ECS server it runs on.
//! # The endpoint: HUAWEICLOUD_SDK_REGION_OBS_CN_NORTH_4 (an http:// URL on this machine is
//! # allowed, e.g. a local fake OBS), else ~/.huaweicloud/regions.yaml, else the official one.
//! cargo run --release -p obs --example object_round_trip -- BUCKET KEY IN_FILE OUT_FILE
//! ```
//!
//! The file is streamed both ways, so memory stays the same whatever its size. Listing
//! prints one line per object, `KEY SIZE`. On any failure the error is printed (with the
//! request id OBS assigned, for support tickets) and the exit status is 1; what was
//! created is left for you to inspect.

#[cfg(feature = "client")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    round_trip::main().await
}

#[cfg(not(feature = "client"))]
fn main() {
    eprintln!("this example needs the `client` feature (on by default)");
}

#[cfg(feature = "client")]
mod round_trip {
    use obs::models::CreateBucketRequestBody;
    use obs::operations::{
        CreateBucketRequest, DeleteBucketRequest, DeleteObjectRequest, GetObjectRequest, ListObjectsRequest,
        PutObjectRequest,
    };
    use obs::{Body, Client, Error};
    use std::process::ExitCode;

    pub async fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let [bucket, key, in_file, out_file] = args.as_slice() else {
            eprintln!("usage: object_round_trip BUCKET KEY IN_FILE OUT_FILE");
            return ExitCode::from(2);
        };
        match run(bucket, key, in_file, out_file).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        }
    }

    async fn run(bucket: &str, key: &str, in_file: &str, out_file: &str) -> Result<(), Error> {
        // Credentials from the default chain, the region from HUAWEICLOUD_SDK_REGION.
        let loaded = obs::huawei::load_from_env().await?;
        let client = Client::from_account(&loaded.config, &loaded.account, &loaded.region).await?;

        // Buckets outside the endpoint's own region need their Location.
        let location = CreateBucketRequestBody {
            location: Some(loaded.region.clone()),
            ..Default::default()
        };
        client
            .create_bucket(CreateBucketRequest::new(bucket).with_body(location))
            .await?
            .into_ok()?;

        // Read from the file while it is sent.
        client
            .put_object(PutObjectRequest::new(bucket, key, Body::from_file(in_file)))
            .await?
            .into_ok()?;

        // Every object, page by page.
        let mut marker: Option<String> = None;
        loop {
            let mut request = ListObjectsRequest::new(bucket);
            if let Some(marker) = &marker {
                request = request.with_marker(marker);
            }
            let page = client.list_objects(request).await?.into_ok()?;
            let mut last = None;
            for object in page.contents.into_iter().flatten() {
                let key = object.key.unwrap_or_default();
                println!("{key} {}", object.size.as_deref().unwrap_or("?"));
                last = Some(key);
            }
            if page.is_truncated != Some(true) {
                break;
            }
            let next = page.next_marker.or(last);
            if next.is_none() || next == marker {
                break;
            }
            marker = next;
        }

        // Written to the file as it arrives.
        let body = client.get_object(GetObjectRequest::new(bucket, key)).await?.into_ok()?;
        body.write_to_file(out_file).await?;

        client.delete_object(DeleteObjectRequest::new(bucket, key)).await?.into_ok()?;
        client.delete_bucket(DeleteBucketRequest::new(bucket)).await?.into_ok()?;
        Ok(())
    }
}
