//! A fixed pool of threads, one per core, for the read-only CPU work of queries (searches
//! and matches), fed in arrival order.
//!
//! Why not `spawn_blocking` for these: under load, every in-flight search then has its own
//! OS thread, the kernel shares the cores among them, and a search's wall time grows with
//! the number of searches running beside it — a query that needs 3 ms of CPU takes 3 ms × the
//! concurrency. With one worker per core and a first-in first-out queue, a request waits for
//! the ones before it and then runs alone on its core: the same throughput, but latency is
//! the queue's wait plus the query's own time, so the slow tail shrinks.
//!
//! What this pool does not do: IO. Store calls (which may wait on the disk or a lock) stay on
//! `spawn_blocking` ([`super::blocking`]) so that they never hold a core's worker.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread;

use crossbeam_channel::{Receiver, Sender};

use super::{ApiError, ApiResult};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The pool. Its threads end when the last handle on the pool is dropped.
pub struct ComputePool {
    tx: Sender<Job>,
    threads: usize,
}

impl std::fmt::Debug for ComputePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputePool")
            .field("threads", &self.threads)
            .field("queued", &self.tx.len())
            .finish()
    }
}

impl ComputePool {
    /// A pool of `threads` workers (at least one).
    pub fn new(threads: usize) -> std::io::Result<ComputePool> {
        let threads = threads.max(1);
        let (tx, rx) = crossbeam_channel::unbounded::<Job>();
        for i in 0..threads {
            let rx: Receiver<Job> = rx.clone();
            thread::Builder::new()
                .name(format!("essor-query-{i}"))
                .spawn(move || {
                    // Each job catches its own panic (see `spawn`); the loop ends when every
                    // sender is gone.
                    while let Ok(job) = rx.recv() {
                        job();
                    }
                })?;
        }
        Ok(ComputePool { tx, threads })
    }

    /// One worker per available core.
    pub fn per_core() -> std::io::Result<ComputePool> {
        ComputePool::new(thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// Number of workers.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Jobs waiting for a worker.
    pub fn queued(&self) -> usize {
        self.tx.len()
    }

    /// Run `f` on a worker and wait for its answer without blocking the async executor. A
    /// panic inside is re-raised here, so the panic middleware answers it like any other.
    /// If the caller gives up (timeout, client gone), a job already started still finishes
    /// and its answer is dropped. The job is queued at once (not when the future is first
    /// polled), so jobs start in the order `spawn` was called. `Err` only when the workers
    /// are gone.
    pub fn spawn<R, F>(&self, f: F) -> impl Future<Output = Result<R, WorkersGone>> + Send + 'static
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(catch_unwind(AssertUnwindSafe(f)));
        });
        let queued = self.tx.send(job).is_ok();
        async move {
            if !queued {
                return Err(WorkersGone);
            }
            match answer.await {
                Ok(Ok(r)) => Ok(r),
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(_) => Err(WorkersGone),
            }
        }
    }

    /// [`ComputePool::spawn`] for a handler's fallible work, with the API's errors.
    pub fn run<T, E, F>(&self, f: F) -> impl Future<Output = ApiResult<T>> + Send + 'static
    where
        F: FnOnce() -> Result<T, E> + Send + 'static,
        E: Into<ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let answer = self.spawn(f);
        async move {
            match answer.await {
                Ok(r) => r.map_err(Into::into),
                Err(gone) => Err(ApiError::internal(gone)),
            }
        }
    }
}

/// The pool's threads stopped (only while the process shuts down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkersGone;

impl std::fmt::Display for WorkersGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the query workers are gone")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_returns_their_answers_and_errors() {
        let pool = ComputePool::new(2).unwrap();
        let ok: ApiResult<u32> = pool.run(|| Ok::<_, ApiError>(41 + 1)).await;
        assert_eq!(ok.unwrap(), 42);
        let err: ApiResult<u32> = pool
            .run(|| Err::<u32, _>(ApiError::invalid("q", "bad")))
            .await;
        assert_eq!(err.unwrap_err().status().as_u16(), 422);
    }

    #[tokio::test]
    async fn a_panicking_job_is_re_raised_and_the_pool_keeps_working() {
        let pool = std::sync::Arc::new(ComputePool::new(1).unwrap());
        let p = pool.clone();
        let joined =
            tokio::spawn(async move { p.run(|| -> Result<(), ApiError> { panic!("boom") }).await })
                .await;
        assert!(joined.unwrap_err().is_panic());
        let after: ApiResult<&str> = pool.run(|| Ok::<_, ApiError>("still here")).await;
        assert_eq!(after.unwrap(), "still here");
    }

    #[tokio::test]
    async fn jobs_start_in_the_order_they_were_submitted() {
        let pool = ComputePool::new(1).unwrap();
        // Hold the only worker so that every job below is queued before any runs.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let held = pool.run(move || wait.recv().map_err(ApiError::internal));
        let order = std::sync::Arc::new(parking_lot::Mutex::new(Vec::new()));
        let futs: Vec<_> = (0..20)
            .map(|i| {
                let order = order.clone();
                pool.run(move || {
                    order.lock().push(i);
                    Ok::<_, ApiError>(())
                })
            })
            .collect();
        assert!(pool.queued() >= 20);
        release.send(()).unwrap();
        held.await.unwrap();
        for f in futs {
            f.await.unwrap();
        }
        assert_eq!(*order.lock(), (0..20).collect::<Vec<_>>());
    }
}
