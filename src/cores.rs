//! Work over a page of cases spread across the machine's cores (issue 20): the
//! whole-install commands (`arco verify`, `arco calendar apply`, `arco export`) rebuild or
//! serialise one page while the next is read, and a page's cases do not depend on each
//! other, so each page is cut into as many runs as there are cores, each run on a blocking
//! thread of its own. The answers come back in the page's order.

use std::sync::Arc;

/// How many runs a page is cut into: the cores this process may use (one if unknown).
pub(crate) fn count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `work` applied to each of `items` on [`count`] blocking threads, the answers in the
/// order of `items`. Fails only if a thread was cancelled or panicked.
pub(crate) async fn map<T, R, F>(items: Vec<T>, work: F) -> Result<Vec<R>, tokio::task::JoinError>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let size = items.len().div_ceil(count()).max(1);
    let work = Arc::new(work);
    let mut items = items.into_iter();
    let mut runs = Vec::new();
    loop {
        let run: Vec<T> = items.by_ref().take(size).collect();
        if run.is_empty() {
            break;
        }
        let work = Arc::clone(&work);
        runs.push(tokio::task::spawn_blocking(move || {
            run.into_iter().map(|t| work(t)).collect::<Vec<R>>()
        }));
    }
    let mut out = Vec::new();
    for run in runs {
        out.extend(run.await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn answers_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1_001).collect();
        let out = super::map(items.clone(), |i| i * 3).await.unwrap();
        assert_eq!(out, items.iter().map(|i| i * 3).collect::<Vec<_>>());
        assert!(
            super::map(Vec::<u32>::new(), |i| i)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
