//! An identity that remembers every data key it unwrapped, for long-running processes.
//!
//! A `git` filter process may see the same encrypted file several times (smudge on
//! checkout, then clean when `git status` finds the stat data racy; the three sides of a
//! merge), and unwrapping costs an X25519 operation, or a network round trip for a key
//! service ("never per file twice in one git filter process"). The cache key is
//! the wrapped key exactly as stored: the same wrapped bytes always unwrap to the same
//! data key, because age authenticates what it decrypts.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Identity, UnwrapError};
use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// Wraps identities and remembers what they unwrapped.
pub struct Remembering {
    inner: Vec<Box<dyn Identity>>,
    // Data keys are zeroized when the map is dropped (DataKey: ZeroizeOnDrop).
    seen: Mutex<HashMap<String, DataKey>>,
}

impl Remembering {
    /// Wraps `inner`; they are tried in order, as before.
    pub fn new(inner: Vec<Box<dyn Identity>>) -> Self {
        Remembering {
            inner,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// How many data keys are remembered.
    pub fn len(&self) -> usize {
        self.seen.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether no data key is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Identity for Remembering {
    fn describe(&self) -> &str {
        "the identities at hand"
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        if let Some(key) = self.seen.lock().ok()?.get(&wrapped.key) {
            return Some(Ok(key.clone()));
        }
        let mut failure = None;
        for identity in &self.inner {
            match identity.unwrap(wrapped) {
                Some(Ok(key)) => {
                    if let Ok(mut seen) = self.seen.lock() {
                        seen.insert(wrapped.key.clone(), key.clone());
                    }
                    return Some(Ok(key));
                }
                Some(Err(e)) => failure = failure.or(Some(e)),
                None => {}
            }
        }
        failure.map(Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::testkit;

    /// Counts unwrap calls that reach the real identity.
    struct Counting(Box<dyn Identity>, std::sync::atomic::AtomicUsize);
    impl Identity for Counting {
        fn describe(&self) -> &str {
            "counting"
        }
        fn unwrap(&self, w: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
            self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.0.unwrap(w)
        }
    }

    #[test]
    fn a_wrapped_key_is_unwrapped_once() {
        let (r, mut ids) = testkit::generated();
        let key = DataKey::generate();
        let wrapped = WrappedKey {
            recipient: r[0].id().to_owned(),
            key: r[0].wrap(&key).unwrap(),
        };
        let counting = std::sync::Arc::new(Counting(ids.remove(0), 0.into()));
        struct Shared(std::sync::Arc<Counting>);
        impl Identity for Shared {
            fn describe(&self) -> &str {
                "shared"
            }
            fn unwrap(&self, w: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
                self.0.unwrap(w)
            }
        }
        let cache = Remembering::new(vec![Box::new(Shared(counting.clone()))]);
        for _ in 0..3 {
            let got = cache.unwrap(&wrapped).unwrap().unwrap();
            assert_eq!(got.expose(), key.expose());
        }
        assert_eq!(counting.1.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(cache.len(), 1);
    }
}
