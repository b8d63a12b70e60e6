//! Fresh data keys wrapped ahead of need, on a second thread.
//!
//! git hands the clean filter one file at a time and waits for each answer (its filter
//! protocol has no `delay` for clean), so a `git add` of many new files would do each
//! file's key wrapping (an X25519 exchange; ML-KEM-768 and X25519 for a post-quantum key)
//! on one core, between git's requests, while the other core waits. That wrapping was
//! most of the filter's own CPU time there (BENCHMARKS.md, git benchmark). A reserve
//! makes the next keys on another thread while the caller parses and encrypts, and hands
//! over one per new file; when none is ready the caller makes its own, so both cores work.
//!
//! Only holders whose every recipient is [`Recipient::computed_locally`] get keys in
//! advance: a key service asked ahead of need would see requests for keys no file uses
//! (more requests than files), a plugin would run for nothing, a passphrase recipient
//! would prompt. Other holders get [`new_key`], made on the spot.
//!
//! The reserve serves one set of holders at a time. Asked for other holders (a file of
//! another rule, or the rule changed), it drops what it made and starts over for the new
//! ones, so every key it gives is wrapped for exactly the holders asked for.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender};

use super::*;

/// Keys kept ready, at most: enough to cover the caller's work between two files, few
/// enough that the ones left unused when the process ends cost next to nothing.
const AHEAD: usize = 4;

/// Who a reserve's keys are for: each group's recipient strings, the threshold, and
/// whether they are key groups (one group of recipients is not one key group).
type Shape = (Vec<Vec<String>>, usize, bool);

/// Data keys wrapped ahead of need for one set of local holders (module docs).
#[derive(Default)]
pub struct KeyReserve {
    current: Option<Ahead>,
    /// Keys handed over from the reserve rather than made on the spot (for tests).
    served: usize,
}

/// The thread making keys for one set of holders, and what it made.
struct Ahead {
    shape: Shape,
    holders: Arc<KeyHolders>,
    /// Dropping it stops the thread: its next send fails.
    ready: Receiver<Prepared>,
}

/// A data key and its wrapped copies, not yet dated.
struct Prepared {
    key: DataKey,
    metadata: Metadata,
}

impl std::fmt::Debug for KeyReserve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyReserve")
            .field("holders", &self.current.as_ref().map(|a| &a.shape))
            .field("served", &self.served)
            .finish_non_exhaustive()
    }
}

impl KeyReserve {
    /// An empty reserve; no thread runs until local holders are asked for.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh data key wrapped for `holders`, dated `now`: what [`new_key`] gives, from
    /// the reserve when it holds one for these holders.
    pub fn new_key(
        &mut self,
        holders: KeyHolders,
        now: SystemTime,
    ) -> Result<Opened, EncryptError> {
        if !all_local(&holders) {
            return new_key(&holders, now);
        }
        let shape = shape_of(&holders);
        if let Some(ahead) = self.current.as_ref().filter(|a| a.shape == shape) {
            return match ahead.ready.try_recv() {
                Ok(Prepared { key, mut metadata }) => {
                    self.served += 1;
                    metadata.created = timestamp(now);
                    Ok(Opened { metadata, key })
                }
                // Nothing ready (or the thread stopped): this caller makes its own, and
                // both threads are making keys.
                Err(_) => new_key(&ahead.holders, now),
            };
        }
        // Other holders: the old thread stops (its receiver is dropped here) and its keys
        // are dropped, zeroized, unused.
        let holders = Arc::new(holders);
        self.current = Ahead::start(shape, Arc::clone(&holders));
        new_key(&holders, now)
    }

    /// How many keys came from the reserve rather than being made on the spot.
    pub fn served(&self) -> usize {
        self.served
    }
}

impl Ahead {
    /// Starts a thread making keys for `holders`; `None` when no thread can be started
    /// (every key is then made on the spot).
    fn start(shape: Shape, holders: Arc<KeyHolders>) -> Option<Ahead> {
        let (tx, ready) = mpsc::sync_channel(AHEAD);
        let theirs = Arc::clone(&holders);
        std::thread::Builder::new()
            .name("vaultfile-key-reserve".into())
            .spawn(move || make_keys(&theirs, &tx))
            .ok()?;
        Some(Ahead {
            shape,
            holders,
            ready,
        })
    }
}

/// The reserve's thread: keys until the reserve is dropped or moves on. A wrap that fails
/// stops it; the caller then makes its keys on the spot and meets the error itself.
fn make_keys(holders: &KeyHolders, tx: &SyncSender<Prepared>) {
    loop {
        let key = DataKey::generate();
        let Ok(metadata) = wrap_for(&key, holders.into(), String::new(), None) else {
            return;
        };
        if tx.send(Prepared { key, metadata }).is_err() {
            return;
        }
    }
}

fn all_local(holders: &KeyHolders) -> bool {
    match holders {
        KeyHolders::Recipients(r) => r.iter().all(|r| r.computed_locally()),
        KeyHolders::Groups { groups, .. } => groups.iter().flatten().all(|r| r.computed_locally()),
    }
}

fn shape_of(holders: &KeyHolders) -> Shape {
    let (ids, threshold) = holders.ids();
    let ids = ids
        .into_iter()
        .map(|g| g.into_iter().map(str::to_owned).collect())
        .collect();
    (ids, threshold, Holders::from(holders).is_grouped())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::keys::{self, NoCallbacks};

    struct Key {
        public: String,
        identities: Vec<Box<dyn Identity>>,
    }

    fn key() -> Key {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        Key {
            public: id.to_public().to_string(),
            identities: keys::load_identities("test key", secret.as_bytes(), Arc::new(NoCallbacks))
                .unwrap(),
        }
    }

    fn holders(keys: &[&Key]) -> KeyHolders {
        KeyHolders::Recipients(
            keys.iter()
                .map(|k| keys::parse_recipient(&k.public).unwrap())
                .collect(),
        )
    }

    fn recipients(o: &Opened) -> Vec<&str> {
        o.metadata
            .recipients
            .iter()
            .map(|w| w.recipient.as_str())
            .collect()
    }

    /// Takes keys for `h` until one comes from the reserve, checking each on the way.
    fn take_until_served(r: &mut KeyReserve, h: impl Fn() -> KeyHolders, check: impl Fn(&Opened)) {
        let before = r.served();
        while r.served() == before {
            check(&r.new_key(h(), SystemTime::UNIX_EPOCH).unwrap());
            std::thread::yield_now();
        }
    }

    #[test]
    fn reserved_keys_are_wrapped_for_the_holders_asked_for_and_open() {
        let (a, b) = (key(), key());
        let mut r = KeyReserve::new();
        let mut seen = Vec::new();
        for _ in 0..3 {
            let before = r.served();
            let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400);
            take_until_served(&mut r, || holders(&[&a, &b]), |_| {});
            assert!(r.served() > before);
            let o = r.new_key(holders(&[&a, &b]), now).unwrap();
            assert_eq!(recipients(&o), [a.public.as_str(), b.public.as_str()]);
            // Dated when handed over, not when made.
            assert_eq!(o.metadata.created, "1970-01-02T00:00:00Z");
            // Each holder's wrapped copy opens to the key itself.
            for k in [&a, &b] {
                assert!(unwrap_key(&o.metadata, &k.identities).unwrap() == o.key);
            }
            seen.push(o.key.clone());
        }
        assert!(seen[0] != seen[1] && seen[1] != seen[2] && seen[0] != seen[2]);
    }

    #[test]
    fn a_change_of_holders_is_never_served_the_old_holders_keys() {
        let (a, b) = (key(), key());
        let mut r = KeyReserve::new();
        let only = |k: &Key| {
            let id = k.public.clone();
            move |o: &Opened| assert_eq!(recipients(o), [id.as_str()])
        };
        // The reserve holds keys for `a`, then the rule says `b`, then `a` again.
        take_until_served(&mut r, || holders(&[&a]), only(&a));
        for _ in 0..2 * AHEAD {
            only(&b)(&r.new_key(holders(&[&b]), SystemTime::UNIX_EPOCH).unwrap());
        }
        take_until_served(&mut r, || holders(&[&b]), only(&b));
        take_until_served(&mut r, || holders(&[&a]), only(&a));
        // The same recipients as key groups are other holders.
        let groups = || KeyHolders::Groups {
            groups: vec![
                vec![keys::parse_recipient(&a.public).unwrap()],
                vec![keys::parse_recipient(&b.public).unwrap()],
            ],
            threshold: 2,
        };
        take_until_served(&mut r, groups, |o| {
            assert!(o.metadata.recipients.is_empty());
            assert_eq!(o.metadata.key_groups.len(), 2);
            assert_eq!(o.metadata.threshold, Some(2));
        });
    }

    /// A recipient that counts its wraps, local or not.
    struct Counting {
        id: String,
        local: bool,
        wraps: Arc<AtomicUsize>,
    }

    impl Recipient for Counting {
        fn id(&self) -> &str {
            &self.id
        }
        fn wrap(&self, _: &DataKey) -> Result<String, WrapError> {
            self.wraps.fetch_add(1, Ordering::SeqCst);
            Ok("wrapped".into())
        }
        fn computed_locally(&self) -> bool {
            self.local
        }
    }

    #[test]
    fn a_key_service_is_never_asked_ahead_of_need() {
        let a = key();
        let wraps = Arc::new(AtomicUsize::new(0));
        let service = || -> Box<dyn Recipient> {
            Box::new(Counting {
                id: "kms:test".into(),
                local: false,
                wraps: Arc::clone(&wraps),
            })
        };
        let mut r = KeyReserve::new();
        // Alone, and beside a local key: one wrap per key asked for, and no thread.
        for i in 1..=5 {
            r.new_key(
                KeyHolders::Recipients(vec![service()]),
                SystemTime::UNIX_EPOCH,
            )
            .unwrap();
            let mixed = vec![keys::parse_recipient(&a.public).unwrap(), service()];
            r.new_key(KeyHolders::Recipients(mixed), SystemTime::UNIX_EPOCH)
                .unwrap();
            assert_eq!(wraps.load(Ordering::SeqCst), 2 * i);
            assert!(r.current.is_none());
        }
        assert_eq!(r.served(), 0);
        // The age recipients say they are local; the trait's default says not.
        assert!(keys::parse_recipient(&a.public).unwrap().computed_locally());
        struct Default;
        impl Recipient for Default {
            fn id(&self) -> &str {
                "x"
            }
            fn wrap(&self, _: &DataKey) -> Result<String, WrapError> {
                unreachable!()
            }
        }
        assert!(!Default.computed_locally());
    }

    #[test]
    fn a_local_recipient_is_wrapped_for_ahead_of_need() {
        let wraps = Arc::new(AtomicUsize::new(0));
        let local = || {
            KeyHolders::Recipients(vec![Box::new(Counting {
                id: "local:test".into(),
                local: true,
                wraps: Arc::clone(&wraps),
            })])
        };
        let mut r = KeyReserve::new();
        take_until_served(&mut r, local, |o| {
            assert_eq!(recipients(o), ["local:test"]);
        });
        assert!(format!("{r:?}").contains("local:test"));
    }
}
