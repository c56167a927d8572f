//! axios-style interceptors: `use(onFulfilled, onRejected?, { runWhen? }) -> id`, `eject(id)`,
//! `clear()`. Request interceptors run last-registered-first, response interceptors in order.
//! They run once per logical request, around the whole engine (so never again on a replay or
//! a retry), on a private copy of the config.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

use super::convert::settle;

#[derive(Clone)]
struct Interceptor {
    id: u32,
    fulfilled: Option<Function>,
    rejected: Option<Function>,
    run_when: Option<Function>,
}

/// The interceptors of one kind (request or response).
#[derive(Default)]
pub(super) struct Manager {
    list: RefCell<Vec<Interceptor>>,
    next_id: Cell<u32>,
}

fn optional_function(value: &JsValue) -> Option<Function> {
    value.dyn_ref::<Function>().cloned()
}

impl Manager {
    /// The interceptors to run, in running order.
    fn snapshot(&self, reverse: bool) -> Vec<Interceptor> {
        let mut list = self.list.borrow().clone();
        if reverse {
            list.reverse();
        }
        list
    }

    /// Run the chain on `state` (Ok: a config or response; Err: an error), axios-style:
    /// a fulfilled handler maps a value, a rejected handler may recover from an error.
    pub async fn run(
        &self,
        mut state: Result<JsValue, JsValue>,
        reverse: bool,
    ) -> Result<JsValue, JsValue> {
        for interceptor in self.snapshot(reverse) {
            if let (Ok(value), Some(run_when)) = (&state, &interceptor.run_when) {
                let run = run_when.call1(&JsValue::NULL, value).map(|v| v.is_truthy());
                if run == Ok(false) {
                    continue;
                }
            }
            state = match state {
                Ok(value) => match &interceptor.fulfilled {
                    None => Ok(value),
                    Some(f) => match f.call1(&JsValue::NULL, &value) {
                        // A handler that returns nothing keeps the value (a common slip).
                        Ok(out) => settle(out)
                            .await
                            .map(|v| if v.is_undefined() { value } else { v }),
                        Err(thrown) => Err(thrown),
                    },
                },
                Err(error) => match &interceptor.rejected {
                    None => Err(error),
                    Some(f) => match f.call1(&JsValue::NULL, &error) {
                        Ok(out) => settle(out).await,
                        Err(thrown) => Err(thrown),
                    },
                },
            };
        }
        state
    }
}

/// `api.interceptors.request` / `.response`.
#[wasm_bindgen(js_name = TokenfetchInterceptorManager)]
pub struct JsManager {
    pub(super) manager: Rc<Manager>,
}

#[wasm_bindgen(js_class = TokenfetchInterceptorManager)]
impl JsManager {
    /// Add an interceptor; returns its id for `eject`.
    #[wasm_bindgen(js_name = use)]
    pub fn add(&self, on_fulfilled: JsValue, on_rejected: JsValue, options: JsValue) -> u32 {
        let id = self.manager.next_id.get();
        self.manager.next_id.set(id + 1);
        let run_when = Reflect::get(&options, &"runWhen".into())
            .ok()
            .and_then(|f| optional_function(&f));
        self.manager.list.borrow_mut().push(Interceptor {
            id,
            fulfilled: optional_function(&on_fulfilled),
            rejected: optional_function(&on_rejected),
            run_when,
        });
        id
    }

    /// Remove the interceptor `id` returned by `use`.
    pub fn eject(&self, id: u32) {
        self.manager.list.borrow_mut().retain(|i| i.id != id);
    }

    /// Remove every interceptor.
    pub fn clear(&self) {
        self.manager.list.borrow_mut().clear();
    }
}

/// `api.interceptors`.
#[wasm_bindgen(js_name = TokenfetchInterceptors)]
pub struct JsInterceptors {
    pub(super) request: Rc<Manager>,
    pub(super) response: Rc<Manager>,
}

#[wasm_bindgen(js_class = TokenfetchInterceptors)]
impl JsInterceptors {
    /// Request interceptors (run last-registered-first).
    #[wasm_bindgen(getter)]
    pub fn request(&self) -> JsManager {
        JsManager {
            manager: self.request.clone(),
        }
    }
    /// Response interceptors (run in registration order).
    #[wasm_bindgen(getter)]
    pub fn response(&self) -> JsManager {
        JsManager {
            manager: self.response.clone(),
        }
    }
}
