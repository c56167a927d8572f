//! One session across the tabs of an origin, for stores the tabs share (`localStorage`,
//! cookies): the refresh runs under a Web Lock named for the store, so only one tab refreshes
//! and the others find the new tokens when they get the lock; a BroadcastChannel of the same
//! name tells the other tabs about logins, logouts, ended sessions and refreshes. Where the
//! platform has neither (old browsers, Node) each tab works alone, as before.

/// What another tab did to the shared session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionChange {
    /// Another tab stored new tokens after a login (`set_tokens`).
    LoggedIn,
    /// Another tab logged out: this tab's requests were canceled.
    LoggedOut,
    /// The session ended in another tab (its refresh was refused).
    Expired,
    /// Another tab refreshed the tokens.
    Refreshed,
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl SessionChange {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SessionChange::LoggedIn => "loggedIn",
            SessionChange::LoggedOut => "loggedOut",
            SessionChange::Expired => "expired",
            SessionChange::Refreshed => "refreshed",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<SessionChange> {
        Some(match text {
            "loggedIn" => SessionChange::LoggedIn,
            "loggedOut" => SessionChange::LoggedOut,
            "expired" => SessionChange::Expired,
            "refreshed" => SessionChange::Refreshed,
            _ => return None,
        })
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) use web::Tabs;

#[cfg(target_arch = "wasm32")]
mod web {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    use super::SessionChange;

    #[wasm_bindgen(module = "/src/rt/tabs.js")]
    extern "C" {
        fn acquire(name: &str) -> JsValue;
        fn held(handle: &JsValue) -> js_sys::Promise;
        fn done(handle: &JsValue);
        fn open(name: &str, on_message: &JsValue) -> JsValue;
        fn post(channel: &JsValue, text: &str);
    }

    /// The lock and the channel of one shared store.
    pub(crate) struct Tabs {
        name: String,
        channel: JsValue,
        /// Keeps the message listener alive as long as the client.
        _listener: Option<Closure<dyn Fn(String)>>,
    }

    /// A held (or requested) Web Lock; released (or withdrawn) when dropped.
    pub(crate) struct Lock(JsValue);

    impl Drop for Lock {
        fn drop(&mut self) {
            done(&self.0);
        }
    }

    impl Tabs {
        /// Coordinate under `name` (the store's shared name); `on_change` hears the other tabs.
        pub fn new(name: &str, on_change: impl Fn(SessionChange) + 'static) -> Tabs {
            let name = crate::text::concat(&["tokenfetch:", name]);
            let listener = Closure::<dyn Fn(String)>::new(move |text: String| {
                if let Some(change) = SessionChange::parse(&text) {
                    on_change(change);
                }
            });
            let channel = open(&name, listener.as_ref());
            Tabs {
                name,
                channel,
                _listener: Some(listener),
            }
        }

        /// Wait for the lock (at once where there are no Web Locks).
        pub async fn lock(&self) -> Lock {
            let lock = Lock(acquire(&self.name));
            let _ = JsFuture::from(held(&lock.0)).await;
            lock
        }

        /// Tell the other tabs.
        pub fn tell(&self, change: SessionChange) {
            post(&self.channel, change.as_str());
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::Tabs;

/// Natively there are no tabs: nothing to coordinate.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::SessionChange;

    pub(crate) struct Tabs;
    pub(crate) struct Lock;

    impl Tabs {
        pub fn new(_name: &str, _on_change: impl Fn(SessionChange) + 'static) -> Tabs {
            Tabs
        }
        pub async fn lock(&self) -> Lock {
            Lock
        }
        pub fn tell(&self, _change: SessionChange) {}
    }
}
