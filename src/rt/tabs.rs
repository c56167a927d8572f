//! The platform side of cross-tab coordination (with `tabs.js`): a Web Lock named for a shared
//! store and a BroadcastChannel of the same name carrying short text messages. What the
//! messages mean is `auth::tabs`'s business. Natively there are no tabs: nothing to coordinate.

#[cfg(target_arch = "wasm32")]
pub(crate) use web::Tabs;

#[cfg(target_arch = "wasm32")]
mod web {
    use crate::prelude::*;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/rt/tabs.js")]
    extern "C" {
        fn acquire(name: &str) -> JsValue;
        fn held(handle: &JsValue) -> js_sys::Promise;
        fn done(handle: &JsValue);
        fn open(name: &str, on_message: &JsValue) -> JsValue;
        fn post(channel: &JsValue, text: &str);
        fn close(channel: &JsValue);
    }

    /// The lock and the channel of one shared store.
    pub(crate) struct Tabs {
        name: String,
        channel: JsValue,
        /// Keeps the message listener alive as long as the client. `FnMut(JsValue)`: the
        /// closure type `AbortLink` (`js/send.rs`) uses too, so its glue is not emitted twice.
        _listener: Closure<dyn FnMut(JsValue)>,
    }

    impl Drop for Tabs {
        /// The listener is freed with the client: the channel must not call it any more.
        fn drop(&mut self) {
            self.close();
        }
    }

    /// A held (or requested) Web Lock; released (or withdrawn) when dropped.
    pub(crate) struct Lock(JsValue);

    impl Drop for Lock {
        fn drop(&mut self) {
            done(&self.0);
        }
    }

    impl Tabs {
        /// Coordinate under `name` (the store's shared name); `on_message` hears the other tabs.
        pub fn new(name: &str, on_message: impl Fn(String) + 'static) -> Tabs {
            let name = crate::text::concat(&["tokenfetch:", name]);
            let listener = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
                if let Some(text) = message.as_string() {
                    on_message(text);
                }
            });
            let channel = open(&name, listener.as_ref());
            Tabs {
                name,
                channel,
                _listener: listener,
            }
        }

        /// Wait for the lock (at once where there are no Web Locks).
        pub async fn lock(&self) -> Lock {
            let lock = Lock(acquire(&self.name));
            let _ = crate::rt::promise::wait(&held(&lock.0)).await;
            lock
        }

        /// Tell the other tabs `message`.
        pub fn post(&self, message: &str) {
            post(&self.channel, message);
        }

        /// Stop hearing the other tabs and close the channel (again when dropped: harmless).
        pub fn close(&self) {
            close(&self.channel);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::Tabs;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use crate::prelude::*;
    pub(crate) struct Tabs;
    pub(crate) struct Lock;

    impl Tabs {
        pub fn new(_name: &str, _on_message: impl Fn(String) + 'static) -> Tabs {
            Tabs
        }
        pub async fn lock(&self) -> Lock {
            Lock
        }
        pub fn post(&self, _message: &str) {}
        #[cfg(feature = "js")]
        pub fn close(&self) {}
    }
}
