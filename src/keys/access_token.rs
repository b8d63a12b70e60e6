//! OAuth 2.0 access tokens kept while they last, for the key services that take them
//! (GCP Cloud KMS, Azure Key Vault).
//!
//! Files opened on several threads need a token at the same moment; one request serves
//! them all (the others wait for it rather than ask too), and a token is given up a minute
//! before it expires, so that a request never leaves with one that lapses on the way.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ::age::secrecy::SecretString;

/// How long before its end a token is no longer used.
const EARLY: Duration = Duration::from_secs(60);

/// Access tokens by what they are for (a GCP service has one; Azure one per resource).
#[derive(Default)]
pub(crate) struct TokenCache {
    tokens: Mutex<HashMap<String, Cached>>,
    /// Held while a token is fetched: threads that need one wait for it, not fetch more.
    fetching: Mutex<()>,
}

struct Cached {
    token: SecretString,
    until: Instant,
}

impl TokenCache {
    /// The token for `key` while it lasts, else the one `fetch` gets (with its lifetime),
    /// fetched by one thread at a time.
    pub(crate) fn get<E>(
        &self,
        key: &str,
        fetch: impl FnOnce() -> Result<(SecretString, Duration), E>,
    ) -> Result<SecretString, E> {
        if let Some(token) = self.cached(key) {
            return Ok(token);
        }
        let _fetching = self.fetching.lock().unwrap_or_else(PoisonError::into_inner);
        // Another thread may have fetched it while this one waited.
        if let Some(token) = self.cached(key) {
            return Ok(token);
        }
        let (token, lifetime) = fetch()?;
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.insert(
                key.to_owned(),
                Cached {
                    token: token.clone(),
                    until: Instant::now() + lifetime,
                },
            );
        }
        Ok(token)
    }

    /// Drops the token for `key`: the service refused it (revoked, or expired early), and
    /// the next call gets a new one.
    pub(crate) fn forget(&self, key: &str) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(key);
        }
    }

    fn cached(&self, key: &str) -> Option<SecretString> {
        let tokens = self.tokens.lock().ok()?;
        let c = tokens.get(key)?;
        (Instant::now() + EARLY < c.until).then(|| c.token.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::age::secrecy::ExposeSecret;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn token(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn a_token_is_fetched_once_while_it_lasts() {
        let cache = TokenCache::default();
        let fetched = AtomicUsize::new(0);
        let fetch = || {
            fetched.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>((token("t1"), Duration::from_secs(3600)))
        };
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| assert_eq!(cache.get("a", fetch).unwrap().expose_secret(), "t1"));
            }
        });
        assert_eq!(fetched.load(Ordering::SeqCst), 1);
        // Another key is another token.
        let other = cache
            .get("b", || {
                Ok::<_, ()>((token("t2"), Duration::from_secs(3600)))
            })
            .unwrap();
        assert_eq!(other.expose_secret(), "t2");
    }

    #[test]
    fn a_token_near_its_end_or_forgotten_is_fetched_again() {
        let cache = TokenCache::default();
        let short = || Ok::<_, ()>((token("short"), Duration::from_secs(30)));
        cache.get("a", short).unwrap();
        let again = cache
            .get("a", || {
                Ok::<_, ()>((token("new"), Duration::from_secs(3600)))
            })
            .unwrap();
        assert_eq!(again.expose_secret(), "new");
        cache.forget("a");
        let after = cache
            .get("a", || {
                Ok::<_, ()>((token("newer"), Duration::from_secs(3600)))
            })
            .unwrap();
        assert_eq!(after.expose_secret(), "newer");
        // A failed fetch keeps nothing.
        cache.forget("a");
        assert!(
            cache
                .get("a", || Err::<(SecretString, Duration), _>("down"))
                .is_err()
        );
        assert!(cache.cached("a").is_none());
    }
}
