//! [`first`]: two futures, the first to finish wins.

use core::future::Future;
use core::pin::pin;
use core::task::Poll;

/// The output of whichever of `a` and `b` finishes first (`a` is polled first); the other is
/// dropped. (`futures::select` does this with an `Either` and a second monomorphised future.)
pub(crate) async fn first<T>(a: impl Future<Output = T>, b: impl Future<Output = T>) -> T {
    let mut a = pin!(a);
    let mut b = pin!(b);
    core::future::poll_fn(|cx| match a.as_mut().poll(cx) {
        Poll::Ready(value) => Poll::Ready(value),
        Poll::Pending => b.as_mut().poll(cx),
    })
    .await
}
