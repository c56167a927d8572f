//! The npm engine's allocator: free lists by power-of-two size class over memory the module
//! grows itself. Small (about 1 KB of wasm less than talc, −0.5 KB gzip) and O(1) for alloc and
//! free; single-threaded, as the engine is. A block never changes class, so memory is reused
//! exactly for the engine's steady mix of allocations and never coalesced: what a burst of
//! large blocks took stays for later blocks of that size.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// The smallest block (a free block holds the next one's address).
const MIN_CLASS: u32 = 4;
/// Blocks are aligned to their size, up to this; a larger alignment is refused.
const MAX_ALIGN: usize = 64;
const PAGE: usize = 65_536;

/// Grows the memory by `pages`, returning the old size in pages (`None`: refused).
pub type Grow = fn(pages: usize) -> Option<usize>;

/// Size-class free lists, a bump region at the end of memory, and how to grow it.
pub struct Classes {
    state: UnsafeCell<State>,
    grow: Grow,
}

struct State {
    /// The first free block of each class (0: none); a free block starts with the next one's.
    free: [usize; usize::BITS as usize],
    /// The bump region: `next..end`.
    next: usize,
    end: usize,
}

// Safety: the engine is single-threaded (wasm32 without threads; the tests take one lock).
unsafe impl Sync for Classes {}

impl Classes {
    pub const fn new(grow: Grow) -> Self {
        Classes {
            state: UnsafeCell::new(State {
                free: [0; usize::BITS as usize],
                next: 0,
                end: 0,
            }),
            grow,
        }
    }
}

/// The class of `layout`: log2 of the smallest power of two ≥ its size and alignment (≥ 16).
fn class(layout: Layout) -> u32 {
    let size = layout.size().max(layout.align()).max(1 << MIN_CLASS);
    usize::BITS - (size - 1).leading_zeros()
}

unsafe impl GlobalAlloc for Classes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let c = class(layout);
        if layout.align() > MAX_ALIGN || c >= usize::BITS - 1 {
            return null_mut();
        }
        let s = &mut *self.state.get();
        let head = s.free[c as usize];
        if head != 0 {
            s.free[c as usize] = *(head as *const usize);
            return head as *mut u8;
        }
        let size = 1usize << c;
        let align = size.min(MAX_ALIGN);
        let mut at = (s.next + align - 1) & !(align - 1);
        if at.checked_add(size).is_none_or(|end| end > s.end) {
            let pages = (size + MAX_ALIGN).div_ceil(PAGE);
            let Some(old) = (self.grow)(pages) else {
                return null_mut();
            };
            let (start, end) = (old.wrapping_mul(PAGE), (old + pages).wrapping_mul(PAGE));
            if end <= start {
                return null_mut();
            }
            // Memory grows only here, so the new pages follow the old region's end.
            if start != s.end {
                s.next = start;
            }
            s.end = end;
            at = (s.next + align - 1) & !(align - 1);
        }
        s.next = at + size;
        at as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let s = &mut *self.state.get();
        let c = class(layout) as usize;
        *(ptr as *mut usize) = s.free[c];
        s.free[c] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(new) == class(layout) {
            return ptr;
        }
        let to = self.alloc(new);
        if !to.is_null() {
            core::ptr::copy_nonoverlapping(ptr, to, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        to
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use core::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::vec::Vec;

    /// A fake memory: `PAGES` pages from `BASE` (in pages), `USED` of them grown so far.
    static BASE: AtomicUsize = AtomicUsize::new(0);
    static USED: AtomicUsize = AtomicUsize::new(0);
    const PAGES: usize = 64;

    fn grow(pages: usize) -> Option<usize> {
        let used = USED.load(SeqCst);
        (used + pages <= PAGES).then(|| {
            USED.store(used + pages, SeqCst);
            BASE.load(SeqCst) + used
        })
    }

    #[test]
    fn blocks_are_aligned_apart_reused_and_bounded() {
        let arena = Vec::<u8>::with_capacity((PAGES + 1) * PAGE);
        BASE.store((arena.as_ptr() as usize).div_ceil(PAGE), SeqCst);
        let a = Classes::new(grow);
        let mut live: Vec<(*mut u8, Layout)> = Vec::new();
        unsafe {
            for round in 0..3u8 {
                for (i, size) in [1, 7, 16, 17, 100, 4096, 5000, 70_000]
                    .into_iter()
                    .enumerate()
                {
                    let layout = Layout::from_size_align(size, [1, 8, 16, 64][i % 4]).unwrap();
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % layout.align(), 0, "aligned");
                    p.write_bytes(round * 10 + i as u8, size);
                    live.push((p, layout));
                }
                // Every live block still holds its own pattern: no two overlap.
                for (j, (p, layout)) in live.iter().enumerate() {
                    let want = *p.add(0);
                    assert!(
                        (0..layout.size()).all(|k| *p.add(k) == want),
                        "block {j} overwritten"
                    );
                }
                // Free every other one; the next round reuses them.
                let mut keep = Vec::new();
                for (j, (p, layout)) in live.drain(..).enumerate() {
                    if j % 2 == 0 {
                        a.dealloc(p, layout);
                    } else {
                        keep.push((p, layout));
                    }
                }
                live = keep;
            }
            let used = USED.load(SeqCst);
            // Freed blocks come back: the same class again and again grows nothing.
            let layout = Layout::from_size_align(300, 8).unwrap();
            for _ in 0..10_000 {
                let p = a.alloc(layout);
                a.dealloc(p, layout);
            }
            assert_eq!(USED.load(SeqCst), used);
            // A realloc within the class keeps the block; across classes it copies.
            let p = a.alloc(layout);
            p.write_bytes(7, 300);
            assert_eq!(a.realloc(p, layout, 500), p);
            let q = a.realloc(p, Layout::from_size_align(500, 8).unwrap(), 3000);
            assert!((0..300).all(|k| *q.add(k) == 7));
            // Refused: an alignment above 64, a size over 1 GiB, memory that cannot grow.
            assert!(a.alloc(Layout::from_size_align(64, 128).unwrap()).is_null());
            assert!(a
                .alloc(Layout::from_size_align(1 << 31, 8).unwrap())
                .is_null());
            assert!(a
                .alloc(Layout::from_size_align(PAGES * PAGE, 8).unwrap())
                .is_null());
        }
        drop(arena);
    }
}
