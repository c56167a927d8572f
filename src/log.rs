//! A request logger that never prints a secret. Off by default; turn it on with
//! [`ClientBuilder::log`](crate::ClientBuilder::log).
//!
//! It listens to the client's [`Event`]s, so it sees every attempt, retry, refresh and replay.
//! Redacted: every header, JSON field, form field and query parameter whose name, normalised
//! (percent-decoded, case and separators ignored), contains token, secret, password, passwd,
//! apikey, authorization, cookie, session, signature, credential or otp — so `accessToken`,
//! `x-api-key`, `refresh%5Ftoken` and `Session-Id` are all caught — plus the headers and fields
//! you name. Other bodies, and bodies over 64 KiB, are shown by size only. Numbers in JSON
//! bodies are shown exactly as they were sent.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::RefCell;

use crate::body::Repr;
use crate::events::Event;
use crate::http::headers::HeaderMap;
use crate::request::Request;
use crate::text::{concat, number, push_number};

/// Bodies larger than this are shown by size only (never parsed to be redacted).
const MAX_SHOWN_BODY: usize = 64 * 1024;

/// How serious a log record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Normal traffic.
    Info,
    /// Retries, failed attempts, refresh failures.
    Warn,
    /// A request failed for its caller.
    Error,
}

/// One log line plus its detail lines (headers, body), all already redacted.
#[derive(Clone, Debug)]
pub struct Record {
    /// The level.
    pub level: Level,
    /// The summary, e.g. `GET http://api.test/items → 200 (12 ms)`.
    pub message: String,
    /// Headers and body of a sent request, one per line.
    pub details: Vec<String>,
}

type Sink = Rc<dyn Fn(&Record)>;

/// The logger's configuration.
#[derive(Clone)]
pub struct Logger {
    headers: Vec<String>,
    fields: Vec<String>,
    sink: Option<Sink>,
}

impl Default for Logger {
    fn default() -> Self {
        Logger::new()
    }
}

impl core::fmt::Debug for Logger {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Logger")
            .field("redacted_headers", &self.headers)
            .field("redacted_fields", &self.fields)
            .finish_non_exhaustive()
    }
}

/// Words that mark a secret wherever they appear in a normalised name (see [`normalize`]):
/// `accessToken`, `x-api-key`, `refresh%5Ftoken`, `SESSION_ID`, `otp_code` all match.
const SECRET_WORDS: [&str; 11] = [
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "authorization",
    "cookie",
    "session",
    "signature",
    "credential",
    "otp",
];

/// A name as the redaction compares it: percent-decoded, ASCII lower-case, with everything
/// but letters and digits removed (`X-Api-Key`, `api_key` and `apiKey` are all `apikey`).
pub(crate) fn normalize(name: &str) -> String {
    let bytes = name.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < bytes.len() {
        let mut b = bytes[i];
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&c| hex(c)),
                bytes.get(i + 2).and_then(|&c| hex(c)),
            ) {
                b = (h * 16 + l) as u8;
                i += 2;
            }
        }
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_lowercase()));
        }
        i += 1;
    }
    out
}

/// True if a header, field or parameter named `name` holds a secret by default.
fn secret_by_default(normalized: &str) -> bool {
    SECRET_WORDS
        .iter()
        .any(|w| crate::text::find(normalized, w).is_some())
}

impl Logger {
    /// Log to the console (collapsed groups in a browser, stderr natively). Redacted by
    /// default: every header, JSON field, form field and query parameter whose normalised name
    /// contains token, secret, password, passwd, apikey, authorization, cookie, session,
    /// signature, credential or otp.
    pub fn new() -> Self {
        Logger {
            headers: Vec::new(),
            fields: Vec::new(),
            sink: None,
        }
    }

    fn secret_field(&self, name: &str) -> bool {
        let n = normalize(name);
        secret_by_default(&n) || self.fields.contains(&n)
    }

    fn secret_header(&self, name: &str) -> bool {
        let n = normalize(name);
        secret_by_default(&n) || self.headers.contains(&n)
    }

    /// Send records to `sink` instead of the console.
    pub fn sink(mut self, sink: impl Fn(&Record) + 'static) -> Self {
        self.sink = Some(Rc::new(sink));
        self
    }

    /// Also redact this header's value (compared normalised: case and separators ignored).
    pub fn redact_header(mut self, name: &str) -> Self {
        self.headers.push(normalize(name));
        self
    }

    /// Also redact this field in JSON/form bodies and query strings (compared normalised).
    pub fn redact_field(mut self, name: &str) -> Self {
        self.fields.push(normalize(name));
        self
    }

    fn redact_pairs(&self, query: &str) -> String {
        let mut out = String::with_capacity(query.len());
        for (i, pair) in crate::text::split_byte(query, b'&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match crate::text::split_once_byte(pair, b'=') {
                Some((k, _)) if self.secret_field(k) => {
                    out.push_str(k);
                    out.push_str("=[redacted]");
                }
                _ => out.push_str(pair),
            }
        }
        out
    }

    fn url(&self, url: &str) -> String {
        // The fragment is never shown: an implicit-flow callback carries `#access_token=…`.
        let (url, fragment) = match crate::text::split_once_byte(url, b'#') {
            Some((url, _)) => (url, "#…"),
            None => (url, ""),
        };
        match crate::text::split_once_byte(url, b'?') {
            Some((path, query)) => concat(&[
                &self.redact_path(path),
                "?",
                &self.redact_pairs(query),
                fragment,
            ]),
            None => concat(&[&self.redact_path(url), fragment]),
        }
    }

    /// Path parameters (`/cart;jsessionid=…`): a secret one's value is redacted (to the next `/`).
    fn redact_path(&self, path: &str) -> String {
        let mut out = String::with_capacity(path.len());
        for (i, piece) in crate::text::split_byte(path, b';').enumerate() {
            if i > 0 {
                out.push(';');
            }
            match crate::text::split_once_byte(piece, b'=') {
                Some((k, v)) if i > 0 && self.secret_field(k) => {
                    out.push_str(k);
                    out.push_str("=[redacted]");
                    if let Some(rest) = crate::text::find(v, "/") {
                        out.push_str(crate::text::split_at(v, rest).1);
                    }
                }
                _ => out.push_str(piece),
            }
        }
        out
    }

    fn headers(&self, headers: &HeaderMap) -> Vec<String> {
        headers
            .iter()
            .map(|(name, value)| {
                if headers.is_sensitive(name) || self.secret_header(name) {
                    concat(&[name, ": [redacted]"])
                } else {
                    concat(&[name, ": ", value])
                }
            })
            .collect()
    }

    fn body(&self, req: &Request) -> Option<String> {
        let body = req.body();
        let bytes = match &body.0 {
            Repr::Empty => return None,
            Repr::Text(_) | Repr::Bytes(_) => body.as_bytes().unwrap_or_default(),
            #[allow(unreachable_patterns)]
            _ => return Some("body: (a browser object: FormData, Blob or stream)".into()),
        };
        if bytes.len() > MAX_SHOWN_BODY {
            return Some(concat(&["body: (", &number(bytes.len() as u64), " bytes)"]));
        }
        let kind = req.headers().get("content-type").unwrap_or("");
        let text = core::str::from_utf8(bytes).ok();
        if let (true, Some(text)) = (crate::text::find(kind, "json").is_some(), text) {
            if let Ok(mut value) = crate::http::json::parse(text) {
                value.redact(&|key| self.secret_field(key));
                let mut out = String::from("body: ");
                value.write(&mut out);
                return Some(out);
            }
        }
        if let (true, Some(text)) = (
            crate::text::find(kind, "x-www-form-urlencoded").is_some(),
            text,
        ) {
            return Some(concat(&["body: ", &self.redact_pairs(text)]));
        }
        Some(concat(&["body: (", &number(bytes.len() as u64), " bytes)"]))
    }

    fn emit(&self, level: Level, message: String, details: Vec<String>) {
        let record = Record {
            level,
            message,
            details,
        };
        match &self.sink {
            Some(sink) => sink(&record),
            None => console(&record),
        }
    }

    /// The event listener that does the logging.
    pub(crate) fn listener(self) -> impl Fn(&Event) + 'static {
        // Method and URL of each request id, for the lines that only carry the id.
        let names: RefCell<Vec<(u64, String)>> = RefCell::default();
        move |event| self.log(event, &names)
    }

    fn log(&self, event: &Event, names: &RefCell<Vec<(u64, String)>>) {
        let name = |id: &u64| {
            let names = names.borrow();
            let found = names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone());
            found.unwrap_or_else(|| concat(&["#", &number(*id)]))
        };
        let ms = |d: &core::time::Duration| number(d.as_millis() as u64);
        let error_text = |e: &crate::Error| {
            let mut s = String::new();
            e.write_message(&mut s);
            s
        };
        match event {
            Event::Sent {
                id,
                attempt,
                replay,
                request,
            } => {
                let label = concat(&[request.method().as_str(), " ", &self.url(request.url())]);
                let mut names = names.borrow_mut();
                names.retain(|(i, _)| i != id);
                names.push((*id, label.clone()));
                drop(names);
                let mut details = self.headers(request.headers());
                details.extend(self.body(request));
                let mut message = concat(&["→ ", &label]);
                if *attempt > 1 {
                    message.push_str(" (attempt ");
                    push_number(&mut message, (*attempt).into());
                    message.push(')');
                }
                if *replay {
                    message.push_str(" (replay with the new token)");
                }
                self.emit(Level::Info, message, details);
            }
            Event::Response {
                id,
                status,
                headers,
                elapsed,
                ..
            } => {
                let mut status_text = String::new();
                status.write_to(&mut status_text);
                self.emit(
                    Level::Info,
                    concat(&[
                        "← ",
                        &name(id),
                        " ",
                        &status_text,
                        " (",
                        &ms(elapsed),
                        " ms)",
                    ]),
                    self.headers(headers),
                )
            }
            Event::AttemptFailed {
                id, error, elapsed, ..
            } => self.emit(
                Level::Warn,
                concat(&[
                    "✗ ",
                    &name(id),
                    " failed after ",
                    &ms(elapsed),
                    " ms: ",
                    &error_text(error),
                ]),
                Vec::new(),
            ),
            Event::RetryScheduled {
                id,
                attempt,
                delay,
                reason,
            } => self.emit(
                Level::Warn,
                concat(&[
                    "↻ ",
                    &name(id),
                    " attempt ",
                    &number((*attempt).into()),
                    " in ",
                    &ms(delay),
                    " ms (",
                    &match reason {
                        crate::events::RetryReason::Status(s) => number(s.as_u16().into()),
                        crate::events::RetryReason::Network => "network".into(),
                        crate::events::RetryReason::Timeout => "timeout".into(),
                    },
                    ")",
                ]),
                Vec::new(),
            ),
            Event::WaitingForRefresh { id } => self.emit(
                Level::Info,
                concat(&["⏸ ", &name(id), " waits for the token refresh"]),
                Vec::new(),
            ),
            Event::RefreshStarted => {
                self.emit(Level::Info, "⟳ refreshing the token".into(), Vec::new())
            }
            Event::Refreshed { generation } => self.emit(
                Level::Info,
                concat(&["⟳ token refreshed (generation ", &number(*generation), ")"]),
                Vec::new(),
            ),
            Event::RefreshedElsewhere { generation } => self.emit(
                Level::Info,
                concat(&[
                    "⟳ another tab refreshed the token (generation ",
                    &number(*generation),
                    ")",
                ]),
                Vec::new(),
            ),
            Event::RefreshFailed {
                error,
                session_expired,
            } => self.emit(
                Level::Warn,
                concat(&[
                    "⟳ token refresh failed",
                    if *session_expired {
                        ", session expired"
                    } else {
                        ""
                    },
                    ": ",
                    &error_text(error),
                ]),
                Vec::new(),
            ),
            Event::Replayed { id } => self.emit(
                Level::Info,
                concat(&["↺ ", &name(id), " replayed"]),
                Vec::new(),
            ),
            Event::Finished {
                id,
                outcome,
                elapsed,
            } => {
                let label = name(id);
                names.borrow_mut().retain(|(i, _)| i != id);
                match outcome {
                    Ok(status) => {
                        let mut status_text = String::new();
                        status.write_to(&mut status_text);
                        self.emit(
                            Level::Info,
                            concat(&["✓ ", &label, " ", &status_text, " in ", &ms(elapsed), " ms"]),
                            Vec::new(),
                        )
                    }
                    Err(error) => self.emit(
                        Level::Error,
                        concat(&[
                            "✗ ",
                            &label,
                            " failed in ",
                            &ms(elapsed),
                            " ms: ",
                            &error_text(error),
                        ]),
                        Vec::new(),
                    ),
                }
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn console(record: &Record) {
    use wasm_bindgen::JsValue;
    let message = JsValue::from_str(&record.message);
    if record.details.is_empty() {
        match record.level {
            Level::Info => web_sys::console::log_1(&message),
            Level::Warn => web_sys::console::warn_1(&message),
            Level::Error => web_sys::console::error_1(&message),
        }
        return;
    }
    web_sys::console::group_collapsed_1(&message);
    for line in &record.details {
        web_sys::console::log_1(&JsValue::from_str(line));
    }
    web_sys::console::group_end();
}

#[cfg(not(target_arch = "wasm32"))]
fn console(record: &Record) {
    std::eprintln!("[tokenfetch] {}", record.message);
    for line in &record.details {
        std::eprintln!("[tokenfetch]     {line}");
    }
}
