//! Login that resists guessing: failed attempts are counted per user name and per client
//! address in a sliding window; past the limit, further attempts are refused (HTTP 429 with
//! `Retry-After`) until the window moves on, whether or not the password would be right. A
//! success clears the user name's count. Kept in memory: each process counts its own
//! attempts, which bounds guessing to the limit times the number of processes.
//!
//! Written here rather than taken from a crate: rate-limit crates (governor) meter every
//! request, while this must count only failures and forgive on success.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failed logins.
#[derive(Debug)]
pub struct LoginLimiter {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Default for LoginLimiter {
    /// 5 failures per user name, 20 per address, in 15 minutes.
    fn default() -> Self {
        LoginLimiter::new(5, Duration::from_secs(15 * 60))
    }
}

impl LoginLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        LoginLimiter {
            max: max.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(user: &str, addr: &str) -> [(String, usize); 2] {
        [(format!("u:{user}"), 1), (format!("a:{addr}"), 4)]
    }

    /// `Some(wait)` if an attempt for `user` from `addr` must be refused now.
    pub fn blocked(&self, user: &str, addr: &str, now: Instant) -> Option<Duration> {
        let mut map = self.failures.lock().ok()?;
        let mut wait = None;
        for (key, factor) in Self::keys(user, addr) {
            if let Some(q) = map.get_mut(&key) {
                while q
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    q.pop_front();
                }
                if q.len() >= self.max * factor
                    && let Some(first) = q.front()
                {
                    let w = self.window.saturating_sub(now.duration_since(*first));
                    wait = Some(wait.map_or(w, |x: Duration| x.max(w)));
                }
            }
        }
        wait
    }

    /// Records a failed attempt.
    pub fn failed(&self, user: &str, addr: &str, now: Instant) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() > 100_000 {
                // Bounded memory under a spray of names: forget everything stale.
                let window = self.window;
                map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
            }
            for (key, _) in Self::keys(user, addr) {
                map.entry(key).or_default().push_back(now);
            }
        }
    }

    /// A success forgets the user name's failures.
    pub fn succeeded(&self, user: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("u:{user}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.blocked("ana", "1.2.3.4", t0).is_none());
            l.failed("ana", "1.2.3.4", t0);
        }
        let wait = l.blocked("ana", "1.2.3.4", t0).unwrap();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        // Another user from another address is not affected.
        assert!(l.blocked("beto", "5.6.7.8", t0).is_none());
        // After the window it is allowed again.
        assert!(
            l.blocked("ana", "9.9.9.9", t0 + Duration::from_secs(61))
                .is_none()
        );
        // A success clears the name.
        l.succeeded("ana");
        assert!(l.blocked("ana", "9.9.9.9", t0).is_none());
    }

    #[test]
    fn one_address_spraying_names_is_blocked() {
        let l = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..8 {
            l.failed(&format!("u{i}"), "6.6.6.6", t0);
        }
        assert!(l.blocked("nuevo", "6.6.6.6", t0).is_some());
        assert!(l.blocked("nuevo", "7.7.7.7", t0).is_none());
    }
}
