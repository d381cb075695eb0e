//! Login that resists guessing, and does not lock out the person it protects.
//!
//! Every attempt **reserves** its place before the password is looked at, under one lock
//! with the check of the limits, so however many attempts arrive at once, at most the
//! limit is ever evaluated in a window. A failure keeps its place; a success gives it back
//! (and forgets the failures of that user from that address); an attempt that was never
//! evaluated (the server was busy) gives it back too.
//!
//! Three buckets, in a sliding window (`login_window_minutes`):
//!
//! - **user and address**: `max` failures (`login_attempts`, default 5). Someone guessing
//!   from one address locks only that pair, never the real user at another address.
//! - **address**: `4 × max` failures for any user names (a spray of names from one address).
//! - **user, from addresses it has not signed in from**: `4 × max` failures spread over many
//!   addresses. An address the user signed in from in the last [`KNOWN_FOR`] is not held by
//!   this bucket: failures from elsewhere never refuse the real user at a known address.
//!
//! Addresses are counted as given: IPv4 whole, IPv6 by its /64 prefix (one host usually
//! holds a whole /64). Kept in memory: each process counts its own attempts.
//!
//! Written here rather than taken from a crate: rate-limit crates (governor) meter every
//! request, while this must count only failures, reserve before evaluating and forgive on
//! success.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a successful sign-in makes its address known for its user.
pub const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// The largest number of entries kept before stale ones are swept.
const SWEEP_AT: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, IpAddr),
    Addr(IpAddr),
    User(String),
}

/// Which limit refused an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Failures of this user from this address.
    UserAddress,
    /// Failures from this address, for any user.
    Address,
    /// Failures of this user from addresses it has not signed in from.
    User,
}

impl Bucket {
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::UserAddress => "usuario y dirección",
            Bucket::Address => "dirección",
            Bucket::User => "usuario desde direcciones desconocidas",
        }
    }
}

/// An attempt refused by a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// When the oldest failure that fills the bucket leaves the window.
    pub wait: Duration,
    pub bucket: Bucket,
}

/// A place taken by an attempt; hand it back with [`LoginLimiter::succeeded`],
/// [`LoginLimiter::failed`] or [`LoginLimiter::give_back`].
#[derive(Debug)]
#[must_use = "a reservation must be settled: succeeded, failed or give_back"]
pub struct Reservation {
    user: String,
    addr: IpAddr,
    id: u64,
    keys: Vec<Key>,
}

#[derive(Debug, Default)]
struct State {
    next: u64,
    buckets: HashMap<Key, VecDeque<(Instant, u64)>>,
    /// (user, address) → last successful sign-in.
    known: HashMap<(String, IpAddr), Instant>,
}

/// Counts failed logins; see the module's documentation.
#[derive(Debug)]
pub struct LoginLimiter {
    max: usize,
    window: Duration,
    state: Mutex<State>,
}

impl Default for LoginLimiter {
    /// 5 failures per user and address, 20 per address, 20 per user from unknown
    /// addresses, in 15 minutes.
    fn default() -> Self {
        LoginLimiter::new(5, Duration::from_secs(15 * 60))
    }
}

/// The address as counted: IPv4 (also IPv4-mapped IPv6) whole, IPv6 by its /64.
fn counted(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

impl LoginLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        LoginLimiter {
            max: max.max(1),
            window,
            state: Mutex::new(State::default()),
        }
    }

    /// Failures allowed per user and address.
    pub fn max(&self) -> usize {
        self.max
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves counts that are still valid.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a place for an attempt of `user` from `addr`, or says which limit refuses it
    /// and for how long. Check and reservation happen under one lock.
    pub fn reserve(&self, user: &str, addr: IpAddr, now: Instant) -> Result<Reservation, Limited> {
        let addr = counted(addr);
        let mut st = self.lock();
        let window = self.window;
        if st.buckets.len() > SWEEP_AT {
            st.buckets.retain(|_, q| {
                q.back()
                    .is_some_and(|(t, _)| now.duration_since(*t) < window)
            });
        }
        if st.known.len() > SWEEP_AT {
            st.known.retain(|_, t| now.duration_since(*t) < KNOWN_FOR);
        }
        let known = st
            .known
            .get(&(user.to_string(), addr))
            .is_some_and(|t| now.duration_since(*t) < KNOWN_FOR);
        let mut keys = vec![
            (
                Key::Pair(user.to_string(), addr),
                self.max,
                Bucket::UserAddress,
            ),
            (Key::Addr(addr), self.max * 4, Bucket::Address),
        ];
        if !known {
            keys.push((Key::User(user.to_string()), self.max * 4, Bucket::User));
        }
        let mut refused: Option<Limited> = None;
        for (key, limit, bucket) in &keys {
            if let Some(q) = st.buckets.get_mut(key) {
                while q
                    .front()
                    .is_some_and(|(t, _)| now.duration_since(*t) >= window)
                {
                    q.pop_front();
                }
                if q.len() >= *limit {
                    // The place frees when the oldest entry that keeps the bucket full leaves.
                    let (t, _) = q[q.len() - limit];
                    let wait = window.saturating_sub(now.duration_since(t));
                    if refused.is_none_or(|r| wait > r.wait) {
                        refused = Some(Limited {
                            wait,
                            bucket: *bucket,
                        });
                    }
                }
            }
        }
        if let Some(r) = refused {
            return Err(r);
        }
        st.next += 1;
        let id = st.next;
        // Failures of a user always count against its own bucket, even from a known
        // address, so that bucket stays full when it should.
        let mut all: Vec<Key> = keys.into_iter().map(|(k, _, _)| k).collect();
        if known {
            all.push(Key::User(user.to_string()));
        }
        for k in &all {
            st.buckets
                .entry(k.clone())
                .or_default()
                .push_back((now, id));
        }
        Ok(Reservation {
            user: user.to_string(),
            addr,
            id,
            keys: all,
        })
    }

    fn release(st: &mut State, r: &Reservation) {
        for k in &r.keys {
            if let Some(q) = st.buckets.get_mut(k) {
                q.retain(|(_, id)| *id != r.id);
                if q.is_empty() {
                    st.buckets.remove(k);
                }
            }
        }
    }

    /// The attempt was not evaluated (no password check was free): its place is given back.
    pub fn give_back(&self, r: Reservation) {
        Self::release(&mut self.lock(), &r);
    }

    /// The attempt failed: its place stays taken until the window moves on.
    pub fn failed(&self, r: Reservation) {
        drop(r);
    }

    /// The attempt succeeded: its place is given back, the failures of this user from this
    /// address are forgotten, and the address becomes known for the user.
    pub fn succeeded(&self, r: Reservation, now: Instant) {
        let mut st = self.lock();
        Self::release(&mut st, &r);
        st.buckets.remove(&Key::Pair(r.user.clone(), r.addr));
        st.known.insert((r.user, r.addr), now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_the_pair_after_the_limit_until_the_window_passes() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            l.failed(l.reserve("ana", ip("1.2.3.4"), t0).unwrap());
        }
        let r = l.reserve("ana", ip("1.2.3.4"), t0).unwrap_err();
        assert_eq!(r.bucket, Bucket::UserAddress);
        assert!(r.wait <= Duration::from_secs(60) && r.wait > Duration::from_secs(50));
        // The same user from another address is not refused.
        let other = l.reserve("ana", ip("5.6.7.8"), t0).unwrap();
        l.succeeded(other, t0);
        // After the window it is allowed again.
        assert!(
            l.reserve("ana", ip("1.2.3.4"), t0 + Duration::from_secs(61))
                .is_ok()
        );
    }

    #[test]
    fn reservations_bound_attempts_that_arrive_together() {
        let l = std::sync::Arc::new(LoginLimiter::new(5, Duration::from_secs(60)));
        let t0 = Instant::now();
        let held: Vec<_> = (0..30)
            .map(|_| {
                let l = l.clone();
                std::thread::spawn(move || l.reserve("ana", ip("1.2.3.4"), t0).ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect();
        assert_eq!(held.len(), 5);
        // A place given back (not evaluated) can be taken again; a failure keeps it.
        let mut held = held.into_iter();
        l.give_back(held.next().unwrap());
        let again = l.reserve("ana", ip("1.2.3.4"), t0).unwrap();
        for r in held {
            l.failed(r);
        }
        l.failed(again);
        assert!(l.reserve("ana", ip("1.2.3.4"), t0).is_err());
    }

    #[test]
    fn a_success_forgets_the_pair_and_makes_the_address_known() {
        let l = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        l.failed(l.reserve("ana", ip("1.2.3.4"), t0).unwrap());
        l.succeeded(l.reserve("ana", ip("1.2.3.4"), t0).unwrap(), t0);
        // Her first failure and seven from other addresses fill her bucket (2 × 4)...
        for i in 0..7 {
            l.failed(l.reserve("ana", ip(&format!("10.0.0.{i}")), t0).unwrap());
        }
        let r = l.reserve("ana", ip("10.9.9.9"), t0).unwrap_err();
        assert_eq!(r.bucket, Bucket::User);
        // ...but not at the address she signed in from.
        l.succeeded(l.reserve("ana", ip("1.2.3.4"), t0).unwrap(), t0);
    }

    #[test]
    fn one_address_spraying_names_is_blocked() {
        let l = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..8 {
            l.failed(l.reserve(&format!("u{i}"), ip("6.6.6.6"), t0).unwrap());
        }
        let r = l.reserve("nuevo", ip("6.6.6.6"), t0).unwrap_err();
        assert_eq!(r.bucket, Bucket::Address);
        assert!(l.reserve("nuevo", ip("7.7.7.7"), t0).is_ok());
    }

    #[test]
    fn ipv6_counts_by_its_64_prefix() {
        let l = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        l.failed(l.reserve("ana", ip("2001:db8::1"), t0).unwrap());
        l.failed(l.reserve("ana", ip("2001:db8::2"), t0).unwrap());
        assert!(l.reserve("ana", ip("2001:db8::ffff"), t0).is_err());
        assert!(l.reserve("ana", ip("2001:db8:0:1::1"), t0).is_ok());
        assert_eq!(counted(ip("::ffff:1.2.3.4")), ip("1.2.3.4"));
    }
}
