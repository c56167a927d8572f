//! Bulk transfer routes: multipart `/upload` and sized `/download`.

use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::input::QueryMap;
use crate::record::Authed;
use crate::state::Tenant;

/// Largest body `/download` will produce.
const MAX_DOWNLOAD: u64 = 100_000_000;

/// `POST /api/upload`: `/upload` behind a valid access token (to test replays of uploads).
pub async fn api_upload(
    _auth: Authed,
    tenant: Tenant,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Json<Value>> {
    upload(tenant, multipart).await
}

/// `POST /upload` (multipart/form-data) → `{"parts":[{name, filename, content_type, size,
/// sha256}],"total_bytes"}`, so tests compare checksums, not lengths.
pub async fn upload(
    tenant: Tenant,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Json<Value>> {
    let mut multipart =
        multipart.map_err(|e| ApiError::invalid_request(format!("not multipart: {e}")))?;
    // A body that stops in the middle (the client canceled the upload) is counted.
    let bad = |e: axum::extract::multipart::MultipartError| {
        tenant.lock().stats.aborted_uploads += 1;
        ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart").with_detail(e.body_text())
    };
    let mut parts = Vec::new();
    let mut total: u64 = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().map(str::to_string);
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let mut size: u64 = 0;
        let mut hash = Sha256::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            size += chunk.len() as u64;
            hash.update(&chunk);
        }
        total += size;
        let sha256: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        parts.push(json!({
            "name": name, "filename": filename, "content_type": content_type, "size": size,
            "sha256": sha256,
        }));
    }
    Ok(Json(json!({ "parts": parts, "total_bytes": total })))
}

/// Counts a streamed download that was dropped before its last chunk.
struct SentWatch {
    tenant: Tenant,
    sent: u64,
    total: u64,
}

impl Drop for SentWatch {
    fn drop(&mut self) {
        if self.sent < self.total {
            self.tenant.lock().stats.aborted_downloads += 1;
        }
    }
}

/// `GET /download?bytes=N` → N bytes of `application/octet-stream`, byte i = i % 251.
/// `&length=none` streams them in 64 KiB chunks without a `Content-Length` (a client cannot
/// trust the header to enforce a size limit); `&encoding=gzip` sends them gzip-compressed
/// (`Content-Encoding: gzip`, `Content-Length` of the compressed bytes, far fewer than N: the
/// browser hands the client the N decoded bytes); `&random=1` makes the bytes pseudo-random
/// instead, so that compressed they are a few bytes *more* than N. `&pace_ms=M` (with
/// `length=none`, at most 1000) waits M ms before each chunk after the first, so that a client
/// sees them arrive one by one rather than coalesced in its buffer.
pub async fn download(tenant: Tenant, q: QueryMap) -> ApiResult<Response> {
    let n: u64 = q.num("bytes", 1_000_000)?;
    if n > MAX_DOWNLOAD {
        return Err(ApiError::invalid_request(format!(
            "bytes must be <= {MAX_DOWNLOAD}"
        )));
    }
    if q.get("length") == Some("none") {
        let pace: u64 = q.num("pace_ms", 0)?;
        if pace > 1000 {
            return Err(ApiError::invalid_request("pace_ms must be <= 1000"));
        }
        let watch = SentWatch {
            tenant,
            sent: 0,
            total: n,
        };
        // The stream owns the watch: dropped early (the client left), it counts an abort.
        let chunks = futures::stream::unfold(watch, move |mut watch| async move {
            if watch.sent >= watch.total {
                return None;
            }
            if watch.sent > 0 && pace > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(pace)).await;
            }
            let (start, end) = (watch.sent, (watch.sent + 65_536).min(watch.total));
            let chunk: Vec<u8> = (start..end).map(|i| (i % 251) as u8).collect();
            watch.sent = end;
            Some((
                Ok::<_, std::io::Error>(axum::body::Bytes::from(chunk)),
                watch,
            ))
        });
        let body = axum::body::Body::from_stream(chunks);
        return Ok(([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response());
    }
    let body: Vec<u8> = if q.get("random") == Some("1") {
        let mut x: u32 = 0x2545_f491;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 24) as u8
            })
            .collect()
    } else {
        (0..n).map(|i| (i % 251) as u8).collect()
    };
    if q.get("encoding") == Some("gzip") {
        use std::io::Write;
        let failed = |e: std::io::Error| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error")
                .with_detail(e.to_string())
        };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&body).map_err(failed)?;
        let gzipped = gz.finish().map_err(failed)?;
        return Ok((
            [
                (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                (header::CONTENT_ENCODING, "gzip".to_string()),
                (header::CONTENT_LENGTH, gzipped.len().to_string()),
            ],
            gzipped,
        )
            .into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, n.to_string()),
        ],
        body,
    )
        .into_response())
}
