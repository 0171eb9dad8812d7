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
    /// Allocations made inside `scratch` that did not fit the block (Talc's).
    spilled: Cell<usize>,
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
    spilled: Cell::new(0),
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
            self.spilled.set(self.spilled.get() + 1);
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
/// The work around `f` is in functions that are not generic, so each use of
/// `scratch` adds only the call of `f` to the wasm.
pub fn scratch<R>(bytes: usize, f: impl FnOnce() -> R) -> R {
    let outer = enter_scratch(bytes);
    let result = f();
    leave_scratch(outer);
    result
}

/// Makes sure of a block of `bytes` and starts bumping; returns whether a scratch
/// scope was already open.
#[inline(never)]
fn enter_scratch(bytes: usize) -> bool {
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
    heap.bumping.replace(true)
}

#[inline(never)]
fn leave_scratch(outer: bool) {
    let heap = &HEAP;
    heap.bumping.set(outer);
    if !outer {
        // SAFETY: as above.
        unsafe { heap.release_if_idle() };
    }
}

/// A value built by [`scratch_read_only`]: it can only be read (nothing in it can
/// be moved out, grown or freed), so when it goes and nothing else is live in the
/// block, the block is given back whole instead of the value being freed piece by
/// piece (walking a 1,000-rule config's tree to free it was 4 % of a start).
/// Otherwise it is dropped as usual.
pub struct ReadOnly<T> {
    value: core::mem::ManuallyDrop<T>,
    /// The block's live allocations when it was built, all its own; `usize::MAX`
    /// when not all of it is in the block (it must then be dropped as usual).
    live: usize,
}

impl<T> core::ops::Deref for ReadOnly<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Drop for ReadOnly<T> {
    fn drop(&mut self) {
        if !give_back_whole(self.live) {
            // SAFETY: dropped once, here.
            unsafe { core::mem::ManuallyDrop::drop(&mut self.value) };
        }
    }
}

/// Gives the block back when its live allocations are exactly the `live` a
/// [`ReadOnly`] value counted as its own; then the value must be forgotten.
#[inline(never)]
fn give_back_whole(live: usize) -> bool {
    let heap = &HEAP;
    if live != heap.live.get() || heap.bumping.get() {
        return false;
    }
    // SAFETY: every live allocation in the block is the value's (counted when it
    // was built, and a shared borrow frees or adds none), and the value frees
    // only memory when dropped, so forgetting it and giving the block back frees
    // exactly what dropping it would.
    heap.live.set(0);
    unsafe { heap.release_if_idle() };
    true
}

/// As [`scratch`], for plain data that is read and then dropped, never taken
/// apart: see [`ReadOnly`].
///
/// # Safety
/// Everything `f` allocates and keeps must be in what it returns: nothing may
/// leave through its captures (an error stored outside, say; the block would be
/// given back under it). `T` must free only memory when dropped and have no
/// interior mutability (a `Value`, or a `Result` of one and a `String`).
pub unsafe fn scratch_read_only<T>(bytes: usize, f: impl FnOnce() -> T) -> ReadOnly<T> {
    let before = (HEAP.live.get(), HEAP.spilled.get());
    let value = scratch(bytes, f);
    ReadOnly {
        value: core::mem::ManuallyDrop::new(value),
        live: owned_by_last_scope(before),
    }
}

/// The block's live allocations if all of them, and everything allocated since
/// `before` (live, spilled), came from the scope just left; `usize::MAX` if not.
#[inline(never)]
fn owned_by_last_scope((live, spilled): (usize, usize)) -> usize {
    let heap = &HEAP;
    if live == 0 && heap.spilled.get() == spilled && heap.live.get() > 0 {
        heap.live.get()
    } else {
        usize::MAX
    }
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
