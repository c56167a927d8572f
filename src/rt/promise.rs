//! JS promises as Rust futures ([`wait`]) and Rust futures as tasks ([`spawn_local`]) or JS
//! promises ([`promise`]), on the platform's microtask queue. What `wasm-bindgen-futures` does,
//! in the little the engine needs: every settlement and every task poll comes back through one
//! callback made once (`promise.js`), where `JsFuture` makes two closures per awaited promise:
//! less work per request and 1.1 KB gzip less wasm in the npm package.
//!
//! A slot is an `Rc` whose pointer JS holds until it calls back: a promise settles exactly once
//! (`listen`), a queued task is polled exactly once per queueing (`later`), so every pointer
//! handed out comes back exactly once and is reclaimed then. A promise that never settles keeps
//! its slot (a few bytes): the engine's timers and locks settle theirs when dropped.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use futures::future::LocalBoxFuture;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/rt/promise.js")]
extern "C" {
    fn hook(callback: &JsValue);
    fn listen(promise: &Promise, slot: u32);
    fn later(slot: u32);
    #[cfg(feature = "js")]
    fn deferred() -> js_sys::Array;
}

/// The `kind` of a callback (0 is a rejected promise).
const FULFILLED: u32 = 1;
const POLL: u32 = 2;

static HOOKED: AtomicBool = AtomicBool::new(false);

/// Hand `promise.js` the callback, the first time it is needed.
fn hooked() {
    if !HOOKED.swap(true, Ordering::Relaxed) {
        let callback = Closure::<dyn Fn(u32, u32, JsValue)>::new(called);
        hook(&callback.into_js_value());
    }
}

/// `promise.js` calling back with a slot it was given.
fn called(slot: u32, kind: u32, value: JsValue) {
    // Safety: `slot` is a pointer from `Rc::into_raw` of the type its `kind` says, handed to
    // `listen` or `later` and coming back exactly once (see the module docs).
    unsafe {
        if kind == POLL {
            Task::run(Rc::from_raw(slot as *const Task));
        } else {
            let settled = Rc::from_raw(slot as *const Settled);
            *settled.result.borrow_mut() = Some(match kind {
                FULFILLED => Ok(value),
                _ => Err(value),
            });
            if let Some(waker) = settled.waker.take() {
                waker.wake();
            }
        }
    }
}

/// Where a promise's outcome waits for its future.
#[derive(Default)]
struct Settled {
    result: RefCell<Option<core::result::Result<JsValue, JsValue>>>,
    waker: RefCell<Option<Waker>>,
}

/// A JS promise as a future: `Ok` with what it fulfilled with, `Err` with what it rejected with.
pub(crate) struct Wait(Rc<Settled>);

/// Await `promise` (anything JS can `await`).
pub(crate) fn wait(promise: &Promise) -> Wait {
    hooked();
    let settled = Rc::new(Settled::default());
    listen(promise, Rc::into_raw(settled.clone()) as u32);
    Wait(settled)
}

impl Future for Wait {
    type Output = core::result::Result<JsValue, JsValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(result) = self.0.result.borrow_mut().take() {
            return Poll::Ready(result);
        }
        let mut waker = self.0.waker.borrow_mut();
        match &*waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

/// A spawned future, polled in a microtask whenever it is woken.
struct Task {
    future: RefCell<Option<LocalBoxFuture<'static, ()>>>,
    queued: Cell<bool>,
}

impl Task {
    /// Queue a poll unless one is queued (the `Rc` goes to JS until then).
    fn schedule(task: Rc<Task>) {
        if !task.queued.replace(true) {
            later(Rc::into_raw(task) as u32);
        }
    }

    fn run(task: Rc<Task>) {
        task.queued.set(false);
        // Safety: the vtable's functions keep the `Rc` count (see `VTABLE`).
        let waker = unsafe {
            Waker::from_raw(RawWaker::new(
                Rc::into_raw(task.clone()) as *const (),
                &VTABLE,
            ))
        };
        let mut future = task.future.borrow_mut();
        if let Some(f) = future.as_mut() {
            if f.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
                *future = None;
            }
        }
    }
}

/// A waker is an `Rc<Task>` (the engine is single-threaded): clone and drop count, wake
/// queues a poll.
static VTABLE: RawWakerVTable = RawWakerVTable::new(
    |p| {
        // Safety (all four): `p` came from `Rc::<Task>::into_raw`.
        unsafe { Rc::increment_strong_count(p as *const Task) };
        RawWaker::new(p, &VTABLE)
    },
    |p| Task::schedule(unsafe { Rc::from_raw(p as *const Task) }),
    |p| {
        unsafe { Rc::increment_strong_count(p as *const Task) };
        Task::schedule(unsafe { Rc::from_raw(p as *const Task) })
    },
    |p| drop(unsafe { Rc::from_raw(p as *const Task) }),
);

/// Run `future` to completion in the background (polled in microtasks).
pub(crate) fn spawn_local(future: impl Future<Output = ()> + 'static) {
    hooked();
    Task::schedule(Rc::new(Task {
        future: RefCell::new(Some(Box::pin(future))),
        queued: Cell::new(false),
    }));
}

/// `future` as a JS promise (it runs as a task).
#[cfg(feature = "js")]
pub(crate) fn promise(
    future: impl Future<Output = core::result::Result<JsValue, JsValue>> + 'static,
) -> Promise {
    let parts = deferred();
    let promise = Promise::from(parts.get(0));
    let settle = move |at: u32, value: JsValue| {
        let _ = js_sys::Function::from(parts.get(at)).call1(&JsValue::UNDEFINED, &value);
    };
    spawn_local(async move {
        match future.await {
            Ok(value) => settle(1, value),
            Err(error) => settle(2, error),
        }
    });
    promise
}
