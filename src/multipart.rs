//! `multipart/form-data` bodies built in Rust, for uploads of bytes with a file name and a
//! content type (natively and in the browser alike). The body is plain bytes, so it is sent
//! again unchanged on a retry or a replay after a token refresh.
//!
//! ```
//! # fn demo(client: &tokenfetch::Client) -> tokenfetch::Result<()> {
//! use tokenfetch::multipart::{Form, Part};
//!
//! let form = Form::new()
//!     .text("title", "holiday")
//!     .part("photos", Part::bytes(vec![0xff, 0xd8]).file_name("a.jpg").mime("image/jpeg")?)
//!     .part("photos", Part::bytes(vec![0x89, 0x50]).file_name("b.png").mime("image/png")?);
//! let request = client.post("/upload").multipart(form);
//! # let _ = request; Ok(()) }
//! ```
//!
//! To send a browser `FormData` or `File` as it is, use
//! [`RequestBuilder::form_data`](crate::RequestBuilder::form_data) or
//! [`RequestBuilder::blob`](crate::RequestBuilder::blob).

use crate::prelude::*;

use crate::error::Result;
use crate::http::headers::header_value;

/// One part: bytes or text, with an optional file name and content type.
#[derive(Clone)]
pub struct Part {
    data: Vec<u8>,
    file_name: Option<String>,
    mime: Option<String>,
}

impl Part {
    /// A part holding `data` (a file's bytes).
    pub fn bytes(data: impl Into<Vec<u8>>) -> Part {
        Part {
            data: data.into(),
            file_name: None,
            mime: None,
        }
    }

    /// A text part.
    pub fn text(value: impl Into<String>) -> Part {
        Part::bytes(value.into().into_bytes())
    }

    /// The file name the server sees (quotes, CR and LF are escaped as browsers do).
    pub fn file_name(mut self, name: &str) -> Part {
        self.file_name = Some(name.to_string());
        self
    }

    /// The part's content type; an invalid one (CR/LF, control characters) is an error.
    pub fn mime(mut self, mime: &str) -> Result<Part> {
        header_value("content-type", mime)?;
        self.mime = Some(mime.to_string());
        Ok(self)
    }
}

impl core::fmt::Debug for Part {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Part")
            .field("bytes", &self.data.len())
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .finish()
    }
}

/// A `multipart/form-data` body: named parts, in order; a name may repeat.
#[derive(Clone, Debug, Default)]
pub struct Form {
    parts: Vec<(String, Part)>,
}

/// Escape a name for a `Content-Disposition` parameter the way the HTML spec (and browsers)
/// do: `"` → `%22`, CR → `%0D`, LF → `%0A`.
fn escape(name: &str, out: &mut Vec<u8>) {
    for c in name.chars() {
        match c {
            '"' => out.extend_from_slice(b"%22"),
            '\r' => out.extend_from_slice(b"%0D"),
            '\n' => out.extend_from_slice(b"%0A"),
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

impl Form {
    /// An empty form.
    pub fn new() -> Form {
        Form::default()
    }

    /// Add a text field.
    pub fn text(self, name: &str, value: impl Into<String>) -> Form {
        self.part(name, Part::text(value))
    }

    /// Add a part (e.g. a file).
    pub fn part(mut self, name: &str, part: Part) -> Form {
        self.parts.push((name.to_string(), part));
        self
    }

    /// A boundary that occurs in no part (random, re-drawn in the unlikely case it does).
    fn boundary(&self) -> String {
        loop {
            let mut boundary = String::from("tokenfetch-");
            for _ in 0..2 {
                let n = (crate::rt::time::random() * 4_294_967_296.0) as u64;
                crate::text::push_number(&mut boundary, n);
            }
            let needle = boundary.as_bytes();
            let clash = self
                .parts
                .iter()
                .any(|(_, p)| p.data.windows(needle.len()).any(|w| w == needle));
            if !clash {
                return boundary;
            }
        }
    }

    /// The body and its `content-type` (with the boundary).
    pub(crate) fn encode(&self) -> (Vec<u8>, String) {
        let boundary = self.boundary();
        let mut body = Vec::new();
        for (name, part) in &self.parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            escape(name, &mut body);
            body.push(b'"');
            if let Some(file_name) = &part.file_name {
                body.extend_from_slice(b"; filename=\"");
                escape(file_name, &mut body);
                body.push(b'"');
            }
            body.extend_from_slice(b"\r\n");
            if let Some(mime) = &part.mime {
                body.extend_from_slice(b"Content-Type: ");
                body.extend_from_slice(mime.as_bytes());
                body.extend_from_slice(b"\r\n");
            } else if part.file_name.is_some() {
                body.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        (
            body,
            crate::text::concat(&["multipart/form-data; boundary=", &boundary]),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_parts_with_names_files_and_types() {
        let form = Form::new().text("title", "a\"b").part(
            "f",
            Part::bytes(vec![1, 2, 3])
                .file_name("x\r\n.bin")
                .mime("application/pdf")
                .unwrap(),
        );
        let (body, content_type) = form.encode();
        let boundary = content_type.split("boundary=").nth(1).unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"title\"\r\n\r\na\"b\r\n"));
        assert!(text.contains(
            "name=\"f\"; filename=\"x%0D%0A.bin\"\r\nContent-Type: application/pdf\r\n\r\n"
        ));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(Part::bytes(vec![]).mime("text/plain\r\nx: y").is_err());
    }
}
