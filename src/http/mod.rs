//! HTTP plumbing with no knowledge of clients or middleware: methods, status codes, validated
//! headers, URL resolution, HTTP-dates and the small JSON reader/writer.

pub(crate) mod date;
pub(crate) mod headers;
pub(crate) mod json;
pub(crate) mod method;
pub(crate) mod status;
pub(crate) mod url;
