//! Work on several files at once: a fixed set of worker threads, and how many there are.
//!
//! Opening a file whose only recipient is a key service costs one network round trip
//! (10-150 ms), against well under a millisecond of local work, so files handled one after
//! another spend nearly all their time waiting. Workers overlap the waits, and use every
//! core for the local work. `--jobs` / `VAULTFILE_JOBS` bounds them (`1`: one file at a
//! time, as before); the key services' own retry and backoff on throttling still apply per
//! request.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::cli::error::CliError;

/// The environment variable that bounds how many files are worked on at once.
pub const JOBS_VAR: &str = "VAULTFILE_JOBS";

/// Files worked on at once by default: enough to hide a remote key service's round trip
/// behind the others (16 × 50 ms ≈ 3 ms a file), few enough to stay far below the request
/// quotas of AWS KMS (thousands a second) and Cloud KMS.
pub const DEFAULT_JOBS: usize = 16;

/// How many files to work on at once, as `--jobs` / `VAULTFILE_JOBS` set it (clap checks
/// the range); [`DEFAULT_JOBS`] until it is set.
static JOBS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Sets how many files to work on at once (once, from the command line).
pub fn set_jobs(n: usize) {
    let _ = JOBS.set(n.max(1));
}

/// How many files to work on at once.
pub fn jobs() -> Result<usize, CliError> {
    Ok(*JOBS.get().unwrap_or(&DEFAULT_JOBS))
}

/// `work` applied to every item, `jobs` items at a time, the results in the items' order:
/// a command over many files gives what it gives one file at a time, only sooner.
pub fn map_ordered<T: Sync, R: Send>(
    jobs: usize,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if jobs <= 1 || items.len() <= 1 {
        return items.iter().map(work).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    let r = work(item);
                    *results[i]
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .expect("every item was worked on")
        })
        .collect()
}

/// What the workers run: a tagged input to its output.
pub type Work<I, O> = Arc<dyn Fn(&str, I) -> O + Send + Sync>;

/// Worker threads that run one function over tagged inputs, in any order.
pub struct Pool<I, O> {
    jobs: Option<mpsc::Sender<(String, I)>>,
    done: mpsc::Receiver<(String, O)>,
    pending: usize,
    workers: Vec<JoinHandle<()>>,
    /// What a new worker needs: the queue, where results go, and the work.
    queue: Arc<Mutex<mpsc::Receiver<(String, I)>>>,
    finished: mpsc::Sender<(String, O)>,
    work: Work<I, O>,
}

impl<I: Send + 'static, O: Send + 'static> Pool<I, O> {
    /// Starts `threads` workers running `work`.
    pub fn new(threads: usize, work: Work<I, O>) -> Self {
        let (jobs, queue) = mpsc::channel::<(String, I)>();
        let (finished, done) = mpsc::channel();
        let mut pool = Pool {
            jobs: Some(jobs),
            done,
            pending: 0,
            workers: Vec::new(),
            queue: Arc::new(Mutex::new(queue)),
            finished,
            work,
        };
        pool.grow(threads.max(1));
        pool
    }

    /// Adds workers until there are `threads`.
    pub fn grow(&mut self, threads: usize) {
        while self.workers.len() < threads {
            let queue = Arc::clone(&self.queue);
            let finished = self.finished.clone();
            let work = Arc::clone(&self.work);
            self.workers.push(std::thread::spawn(move || {
                loop {
                    // The lock is held only to take the next job, not while working.
                    let next = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok((tag, input)) = next else { return };
                    let output = work(&tag, input);
                    if finished.send((tag, output)).is_err() {
                        return;
                    }
                }
            }));
        }
    }

    /// How many workers there are.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Queues `input` under `tag`.
    pub fn submit(&mut self, tag: String, input: I) {
        if let Some(jobs) = &self.jobs
            && jobs.send((tag, input)).is_ok()
        {
            self.pending += 1;
        }
    }

    /// Waits for at least one result, then returns every result there is; empty when
    /// nothing is pending.
    pub fn finished(&mut self) -> Vec<(String, O)> {
        if self.pending == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        // The pool keeps a sender (for workers it may add), so the channel never closes:
        // every worker gone (one panicked) is seen by looking at them.
        loop {
            match self
                .done
                .recv_timeout(std::time::Duration::from_millis(100))
            {
                Ok(first) => {
                    out.push(first);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout)
                    if !self.workers.iter().all(JoinHandle::is_finished) => {}
                Err(_) => {
                    // Whatever came in the meantime, then nothing more.
                    out.extend(self.done.try_iter());
                    self.pending = 0;
                    return out;
                }
            }
        }
        while let Ok(more) = self.done.try_recv() {
            out.push(more);
        }
        self.pending -= out.len();
        out
    }
}

impl<I, O> Drop for Pool<I, O> {
    fn drop(&mut self) {
        // Closing the queue ends the workers once they finish what they hold.
        self.jobs = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_comes_back_once_under_its_tag() {
        let mut pool: Pool<u32, u32> = Pool::new(4, Arc::new(|_, n| n * 2));
        for n in 0..100 {
            pool.submit(format!("f{n}"), n);
        }
        let mut seen = Vec::new();
        loop {
            let batch = pool.finished();
            if batch.is_empty() {
                break;
            }
            seen.extend(batch);
        }
        seen.sort();
        let mut expected: Vec<(String, u32)> = (0..100).map(|n| (format!("f{n}"), n * 2)).collect();
        expected.sort();
        assert_eq!(seen, expected);
        assert!(pool.finished().is_empty());
    }

    #[test]
    fn a_pool_grown_later_works_on_what_is_queued_and_a_panic_ends_the_wait() {
        let mut pool: Pool<u32, u32> = Pool::new(1, Arc::new(|_, n| n + 1));
        for n in 0..20 {
            pool.submit(format!("f{n}"), n);
        }
        pool.grow(4);
        assert_eq!(pool.workers(), 4);
        let mut seen = 0;
        while seen < 20 {
            seen += pool.finished().len();
        }
        // Workers that all panic: finished() returns instead of waiting forever.
        let mut broken: Pool<u32, u32> = Pool::new(2, Arc::new(|_, _| panic!("worker failed")));
        broken.submit("a".into(), 1);
        broken.submit("b".into(), 2);
        assert!(broken.finished().is_empty());
        assert!(broken.finished().is_empty());
    }

    #[test]
    fn map_ordered_keeps_the_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..50).collect();
        // Later items finish first.
        let out = map_ordered(8, &items, |n| {
            std::thread::sleep(std::time::Duration::from_micros(50 * (50 - n)));
            n * 3
        });
        assert_eq!(out, items.iter().map(|n| n * 3).collect::<Vec<_>>());
        assert_eq!(map_ordered(1, &items, |n| n + 1)[49], 50);
    }

    #[test]
    fn work_overlaps_across_workers() {
        // Each job waits at a barrier all eight must reach: they finish only if they run
        // at the same time (one after another, the first would wait forever).
        let barrier = Arc::new(std::sync::Barrier::new(8));
        let b = Arc::clone(&barrier);
        let mut pool: Pool<(), ()> = Pool::new(
            8,
            Arc::new(move |_, ()| {
                b.wait();
            }),
        );
        for n in 0..8 {
            pool.submit(n.to_string(), ());
        }
        let mut got = 0;
        loop {
            let batch = pool.finished().len();
            if batch == 0 {
                break;
            }
            got += batch;
        }
        assert_eq!(got, 8);
    }
}
