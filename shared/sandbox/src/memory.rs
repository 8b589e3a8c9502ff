//! The heap a script may use: Rust's allocator behind a byte budget that remembers when
//! it refused. QuickJS reports running out of memory by allocating an error, which fails
//! too when the heap is full, and the script then seems to have thrown `null`; the flag
//! lets the sandbox say what really happened.

use std::cell::Cell;
use std::rc::Rc;

use rquickjs::allocator::{Allocator, RustAllocator};

/// Allocations for one runtime, refused past `limit` bytes.
pub(crate) struct BudgetedHeap {
    limit: usize,
    used: usize,
    refused: Rc<Cell<bool>>,
}

impl BudgetedHeap {
    /// A heap of `limit` bytes, and the flag it raises when it refuses an allocation.
    pub(crate) fn new(limit: usize) -> (Self, Rc<Cell<bool>>) {
        let refused = Rc::new(Cell::new(false));
        let heap = Self {
            limit,
            used: 0,
            refused: refused.clone(),
        };
        (heap, refused)
    }

    /// Whether `more` bytes still fit; a refusal is remembered.
    fn admit(&mut self, more: usize) -> bool {
        let fits = self
            .used
            .checked_add(more)
            .is_some_and(|total| total <= self.limit);
        if !fits {
            self.refused.set(true);
        }
        fits
    }
}

// SAFETY: every pointer comes from `RustAllocator` and goes back to it unchanged; this
// type only counts the usable sizes it reports and returns null instead of allocating
// past the budget, which QuickJS treats as out of memory.
unsafe impl Allocator for BudgetedHeap {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if !self.admit(size) {
            return std::ptr::null_mut();
        }
        let ptr = RustAllocator.alloc(size);
        if !ptr.is_null() {
            // SAFETY: `ptr` was just allocated by `RustAllocator`.
            self.used += unsafe { RustAllocator::usable_size(ptr) };
        }
        ptr
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        // `RustAllocator` panics on an overflowing product; refuse it instead.
        let Some(total) = count.checked_mul(size) else {
            self.refused.set(true);
            return std::ptr::null_mut();
        };
        if !self.admit(total) {
            return std::ptr::null_mut();
        }
        let ptr = RustAllocator.calloc(count, size);
        if !ptr.is_null() {
            // SAFETY: `ptr` was just allocated by `RustAllocator`.
            self.used += unsafe { RustAllocator::usable_size(ptr) };
        }
        ptr
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        // SAFETY: the caller passes a pointer this allocator handed out.
        unsafe {
            self.used = self.used.saturating_sub(RustAllocator::usable_size(ptr));
            RustAllocator.dealloc(ptr);
        }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        // SAFETY: the caller passes a pointer this allocator handed out.
        let old = unsafe { RustAllocator::usable_size(ptr) };
        if new_size > old && !self.admit(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: as above; on failure the old block stays valid and counted.
        let moved = unsafe { RustAllocator.realloc(ptr, new_size) };
        if !moved.is_null() {
            // SAFETY: `moved` was just allocated by `RustAllocator`.
            self.used = self.used - old + unsafe { RustAllocator::usable_size(moved) };
        }
        moved
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        // SAFETY: the caller passes a pointer this allocator handed out.
        unsafe { RustAllocator::usable_size(ptr) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_budget_and_remembers_it() {
        let (mut heap, refused) = BudgetedHeap::new(1024);
        let a = heap.alloc(512);
        assert!(!a.is_null());
        assert!(heap.alloc(4096).is_null());
        assert!(refused.get());
        // SAFETY: `a` came from this heap.
        unsafe {
            let grown = heap.realloc(a, 900);
            assert!(!grown.is_null());
            assert!(heap.realloc(grown, 2048).is_null(), "over the budget");
            heap.dealloc(grown);
        }
        assert_eq!(heap.used, 0);
        assert!(heap.calloc(usize::MAX, 2).is_null());
    }
}
