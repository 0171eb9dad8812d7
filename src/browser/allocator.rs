//! The wasm heap allocator: Talc instead of Rust's default dlmalloc, for a smaller
//! module (measured in docs/architecture.md), with a scratch block for data that
//! dies young. vitrine is single-threaded.
//!
//! A config enters as JSON text and becomes a `Value` tree — for 1,000 rules about
//! 23,000 small strings and vectors (tests/web.rs) — that `Config::parse` reads once and drops: a
//! fifth of a start went to allocating and freeing it piece by piece in Talc.
//! Inside [`scratch`] allocations are bumped from one block taken from Talc; a free
//! inside the block only counts down, and the block goes back to Talc when nothing
//! in it is live. Correctness never depends on the data really dying young: a value
//! moved out of the tree only keeps the block alive until it is freed too, a block
//! that is full (or could not be had) sends the rest to Talc, and reallocating or
//! freeing outside the scope works on either kind of pointer.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

struct Heap {
    talc: talc::wasm::WasmDynamicTalc,
    /// The scratch block, `start..end`; `0..0` when there is none.
    start: Cell<usize>,
    end: Cell<usize>,
    /// Where the next bumped allocation may begin.
    next: Cell<usize>,
    /// Allocations in the block not freed yet.
    live: Cell<usize>,
    /// Inside `scratch`: new allocations are bumped.
    bumping: Cell<bool>,
}

// SAFETY: built only without the `atomics` target feature, where wasm has one thread.
unsafe impl Sync for Heap {}

#[cfg_attr(not(target_feature = "atomics"), global_allocator)]
static HEAP: Heap = Heap {
    talc: talc::wasm::new_wasm_dynamic_allocator(),
    start: Cell::new(0),
    end: Cell::new(0),
    next: Cell::new(0),
    live: Cell::new(0),
    bumping: Cell::new(false),
};

/// The block's own alignment; each allocation in it is aligned as it asks.
const BLOCK_ALIGN: usize = 8;
/// A bigger hint is cut to this; what does not fit goes to Talc.
const MAX_BLOCK: usize = 16 << 20;

impl Heap {
    fn in_block(&self, at: usize) -> bool {
        at >= self.start.get() && at < self.end.get()
    }

    /// Gives the block back to Talc when nothing in it is live.
    unsafe fn release_if_idle(&self) {
        if self.live.get() == 0 && self.start.get() != 0 {
            let size = self.end.get() - self.start.get();
            self.talc.dealloc(
                self.start.get() as *mut u8,
                Layout::from_size_align_unchecked(size, BLOCK_ALIGN),
            );
            self.start.set(0);
            self.end.set(0);
            self.next.set(0);
        }
    }

    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        let at = self.next.get().checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let end = at.checked_add(layout.size())?;
        if self.start.get() == 0 || end > self.end.get() {
            return None;
        }
        self.next.set(end);
        self.live.set(self.live.get() + 1);
        Some(at as *mut u8)
    }
}

unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.bumping.get() {
            if let Some(at) = self.bump(layout) {
                return at;
            }
        }
        self.talc.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.in_block(ptr as usize) {
            self.live.set(self.live.get() - 1);
            if !self.bumping.get() {
                self.release_if_idle();
            } else if self.live.get() == 0 {
                self.next.set(self.start.get());
            }
            return;
        }
        self.talc.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let at = ptr as usize;
        let inside = self.in_block(at);
        if !inside && !self.bumping.get() {
            return self.talc.realloc(ptr, layout, new_size);
        }
        // The block's last allocation grows where it is (a vector being filled).
        if inside
            && self.bumping.get()
            && at + layout.size() == self.next.get()
            && at
                .checked_add(new_size)
                .is_some_and(|end| end <= self.end.get())
        {
            self.next.set(at + new_size);
            return ptr;
        }
        let grown = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !grown.is_null() {
            core::ptr::copy_nonoverlapping(ptr, grown, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        grown
    }
}

/// Runs `f` with its allocations bumped from a block of about `bytes` (see the
/// module's note): for data read once and dropped, such as a config's `Value` tree.
pub fn scratch<R>(bytes: usize, f: impl FnOnce() -> R) -> R {
    let heap = &HEAP;
    let bytes = bytes.min(MAX_BLOCK);
    // SAFETY: the block is only replaced when nothing in it is live.
    unsafe {
        if bytes > 0 && heap.live.get() == 0 && heap.end.get() - heap.start.get() < bytes {
            heap.release_if_idle();
            let block = heap
                .talc
                .alloc(Layout::from_size_align_unchecked(bytes, BLOCK_ALIGN));
            if !block.is_null() {
                heap.start.set(block as usize);
                heap.end.set(block as usize + bytes);
                heap.next.set(block as usize);
            }
        }
    }
    let outer = heap.bumping.replace(true);
    let result = f();
    heap.bumping.set(outer);
    if !outer {
        // SAFETY: as above.
        unsafe { heap.release_if_idle() };
    }
    result
}

/// The scratch block's size, the bytes bumped from it so far and the allocations
/// in it still live (for tests).
#[doc(hidden)]
pub fn scratch_state() -> (usize, usize, usize) {
    let start = HEAP.start.get();
    (
        HEAP.end.get() - start,
        HEAP.next.get() - start,
        HEAP.live.get(),
    )
}
