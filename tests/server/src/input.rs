//! Lenient parsing of queries, paths, headers and bodies into JSON errors.

use std::collections::HashMap;
use std::str::FromStr;

use axum::extract::{FromRequestParts, RawPathParams, RawQuery};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// Query parameters as a map (last value wins); never rejects.
#[derive(Debug, Default)]
pub struct QueryMap(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryMap {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state)
            .await
            .unwrap_or(RawQuery(None));
        let map = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
        Ok(QueryMap(map))
    }
}

impl QueryMap {
    /// The raw value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Parses `name` as a number, `default` when absent, 400 when malformed.
    pub fn num<T: FromStr>(&self, name: &str, default: T) -> ApiResult<T> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some(v) => v.parse().map_err(|_| {
                ApiError::invalid_request(format!("query parameter `{name}` is not a valid number"))
            }),
        }
    }
}

/// Named path parameters (including `tenant`); never rejects.
#[derive(Debug, Default)]
pub struct PathParams(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::invalid_request("path parameters are not valid UTF-8"))?;
        Ok(PathParams(
            params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
    }
}

impl PathParams {
    /// The value of parameter `name` (empty if the route has none).
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }

    /// Parses parameter `name`, 400 when malformed.
    pub fn parse<T: FromStr>(&self, name: &str) -> ApiResult<T> {
        self.get(name)
            .parse()
            .map_err(|_| ApiError::invalid_request(format!("path parameter `{name}` is not valid")))
    }
}

/// The `Content-Type` header, if present and readable.
pub fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::CONTENT_TYPE)?.to_str().ok()
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Parses a request body as a JSON object, or as form-urlencoded fields when
/// the content type says so (or when it is not JSON). Empty body → empty map.
pub fn body_object(headers: &HeaderMap, body: &[u8]) -> ApiResult<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let ct = content_type(headers).unwrap_or("").to_ascii_lowercase();
    let form = ct.starts_with("application/x-www-form-urlencoded")
        || (!ct.contains("json") && serde_json::from_slice::<Value>(body).is_err());
    if form {
        return Ok(form_urlencoded::parse(body)
            .into_owned()
            .map(|(k, v)| (k, Value::String(v)))
            .collect());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_json("expected a JSON object")),
        Err(e) => Err(ApiError::bad_json(e.to_string())),
    }
}

/// A string field of a body object, 400 `invalid_request` if absent or not a string.
pub fn required_str<'a>(obj: &'a Map<String, Value>, name: &str) -> ApiResult<&'a str> {
    obj.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid_request(format!("missing string field `{name}`")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parses_json_and_form_bodies() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert_eq!(body_object(&h, br#"{"a":1}"#).unwrap()["a"], 1);
        assert_eq!(body_object(&h, b"not json{").unwrap_err().code, "bad_json");
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let form = body_object(&h, b"grant_type=refresh_token&refresh_token=rt_x").unwrap();
        assert_eq!(form["refresh_token"], "rt_x");
        assert!(body_object(&h, b"").unwrap().is_empty());
    }

    #[test]
    fn extracts_bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
    }
}
