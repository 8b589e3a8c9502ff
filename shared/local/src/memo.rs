//! Values worked out from stored bytes (a record parsed from its JSON, a secret opened
//! from its sealed value), kept by the row they came from: a row read again unchanged
//! is answered with a clone rather than worked out again. Always as fresh as the row
//! just read: a value is reused only for the very same stored bytes.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

/// The last value worked out from each row read, by a key naming the row, with the
/// stored form `S` it came from.
pub(crate) struct Memo<K, S, V> {
    /// Rows remembered at most: past it, the memo starts again empty.
    most: usize,
    rows: Mutex<HashMap<K, (S, V)>>,
}

impl<K: Hash + Eq, S: PartialEq, V: Clone> Memo<K, S, V> {
    /// An empty memo of at most `most` rows.
    pub(crate) fn new(most: usize) -> Self {
        Self {
            most,
            rows: Mutex::default(),
        }
    }

    /// The value of `stored`, the row `key` names: the one remembered if it came from
    /// the same stored form, else `work_out(&stored)`, remembered if it succeeds.
    pub(crate) fn get_or_work_out<Q, E>(
        &self,
        key: &Q,
        stored: S,
        work_out: impl FnOnce(&S) -> Result<V, E>,
    ) -> Result<V, E>
    where
        K: Borrow<Q>,
        Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
    {
        if let Some((kept, value)) = self.lock().get(key) {
            if *kept == stored {
                return Ok(value.clone());
            }
        }
        let value = work_out(&stored)?;
        let mut rows = self.lock();
        if rows.len() >= self.most && !rows.contains_key(key) {
            rows.clear();
        }
        rows.insert(key.to_owned(), (stored, value.clone()));
        Ok(value)
    }

    /// Forgets the row `key` names (it was replaced or deleted).
    pub(crate) fn forget<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.lock().remove(key);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, (S, V)>> {
        // A thread that panicked while holding it left whole entries behind.
        self.rows.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(memo: &Memo<Vec<u8>, Vec<u8>, Vec<u8>>, key: &[u8], sealed: &[u8]) -> Vec<u8> {
        memo.get_or_work_out(key, sealed.to_vec(), |s| {
            Ok::<_, ()>([b"opened:".as_slice(), s].concat())
        })
        .unwrap()
    }

    #[test]
    fn a_value_is_reused_only_for_the_stored_bytes_and_key_it_came_from() {
        let memo = Memo::new(10);
        let work = std::cell::Cell::new(0);
        let get = |key: &[u8], sealed: &[u8]| {
            memo.get_or_work_out(key, sealed.to_vec(), |s| {
                work.set(work.get() + 1);
                Ok::<_, ()>(s.to_vec())
            })
            .unwrap()
        };
        assert_eq!(get(b"ws1\0a", b"sealed-1"), b"sealed-1");
        assert_eq!(get(b"ws1\0a", b"sealed-1"), b"sealed-1");
        assert_eq!(work.get(), 1);
        assert_eq!(get(b"ws1\0a", b"sealed-2"), b"sealed-2");
        assert_eq!(get(b"ws2\0a", b"sealed-2"), b"sealed-2");
        assert_eq!(work.get(), 3);
        let failed: Result<Vec<u8>, ()> =
            memo.get_or_work_out(b"ws3".as_slice(), vec![], |_| Err(()));
        assert!(failed.is_err());
        assert_eq!(memo.len(), 2, "a failure is not remembered");
        memo.forget(b"ws1\0a".as_slice());
        assert_eq!(memo.len(), 1);
    }

    #[test]
    fn the_memo_stays_bounded() {
        let memo = Memo::new(16);
        for i in 0..40u8 {
            assert_eq!(open(&memo, &[i], b"s"), b"opened:s");
            assert!(memo.len() <= 16);
        }
        assert_eq!(open(&memo, &[39], b"s"), b"opened:s");
    }
}
