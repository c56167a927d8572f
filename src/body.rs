//! Request bodies that can be sent again.
//!
//! Text and bytes are held in `Rc`s, so cloning a request (for a retry or a replay after a
//! token refresh) copies nothing. `FormData` and `Blob` are JS handles that `fetch` can send any
//! number of times. `Debug` never shows the content (bodies carry passwords and tokens).

use crate::prelude::*;

use alloc::rc::Rc;
use core::fmt;

/// The body of a [`Request`](crate::Request). Cheap to clone.
#[derive(Clone, Default)]
pub struct Body(pub(crate) Repr);

#[derive(Clone, Default)]
pub(crate) enum Repr {
    #[default]
    Empty,
    Text(Rc<str>),
    Bytes(Rc<[u8]>),
    #[cfg(target_arch = "wasm32")]
    FormData(web_sys::FormData),
    #[cfg(target_arch = "wasm32")]
    Blob(web_sys::Blob),
    /// One-shot: taken out when sent.
    #[cfg(target_arch = "wasm32")]
    Stream(Rc<core::cell::RefCell<Option<web_sys::ReadableStream>>>),
}

impl Body {
    /// No body.
    pub fn empty() -> Body {
        Body(Repr::Empty)
    }

    /// A `FormData` handle (multipart; the browser sets the boundary).
    #[cfg(target_arch = "wasm32")]
    pub fn form_data(form: web_sys::FormData) -> Body {
        Body(Repr::FormData(form))
    }

    /// A `Blob` or `File` handle (its `type` becomes the content type unless you set one).
    #[cfg(target_arch = "wasm32")]
    pub fn blob(blob: web_sys::Blob) -> Body {
        Body(Repr::Blob(blob))
    }

    /// A `ReadableStream` body. It can be sent only once, so a request with it is never
    /// retried or replayed after a token refresh (that fails with [`Kind::Body`](crate::Kind::Body)).
    /// Browsers stream request bodies only over HTTP/2 or later; Node streams over HTTP/1.1 too.
    #[cfg(target_arch = "wasm32")]
    pub fn stream(stream: web_sys::ReadableStream) -> Body {
        Body(Repr::Stream(Rc::new(core::cell::RefCell::new(Some(
            stream,
        )))))
    }

    /// True if there is no body.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }

    /// The bytes of a text or byte body (`None` for JS handles and the empty body).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.0 {
            Repr::Text(t) => Some(t.as_bytes()),
            Repr::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// True if this body can be sent more than once (everything but a stream).
    pub fn is_replayable(&self) -> bool {
        match &self.0 {
            #[cfg(target_arch = "wasm32")]
            Repr::Stream(_) => false,
            _ => true,
        }
    }
}

impl From<String> for Body {
    fn from(s: String) -> Body {
        Body(Repr::Text(s.into()))
    }
}

impl From<&str> for Body {
    fn from(s: &str) -> Body {
        Body(Repr::Text(s.into()))
    }
}

impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Body {
        Body(Repr::Bytes(b.into()))
    }
}

impl From<&[u8]> for Body {
    fn from(b: &[u8]) -> Body {
        Body(Repr::Bytes(b.into()))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Empty => f.write_str("Body::Empty"),
            Repr::Text(t) => write!(f, "Body::Text({} bytes)", t.len()),
            Repr::Bytes(b) => write!(f, "Body::Bytes({} bytes)", b.len()),
            #[cfg(target_arch = "wasm32")]
            Repr::FormData(_) => f.write_str("Body::FormData"),
            #[cfg(target_arch = "wasm32")]
            Repr::Blob(_) => f.write_str("Body::Blob"),
            #[cfg(target_arch = "wasm32")]
            Repr::Stream(_) => f.write_str("Body::Stream"),
        }
    }
}
