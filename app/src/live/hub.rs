//! The open streams of one instance, by user: who hears what the listener heard, and
//! the caps on how many may be open.
//!
//! Each user with an open stream has one broadcast channel; each of their streams holds
//! a receiver of it. A channel is bounded: a stream that falls that far behind is told
//! to read everything again (`Signal::Resync`) instead of growing a queue.

use super::change::Change;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};
use tokio::sync::{broadcast, watch};

/// What the streams of an instance may use, and how often they speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveLimits {
    /// Streams one user may have open on one instance (`LIVE_MAX_STREAMS_PER_USER`).
    pub per_user: usize,
    /// Streams one instance holds open, all users together (`LIVE_MAX_STREAMS`).
    pub per_instance: usize,
    /// How often an idle stream sends a comment, so that proxies keep it open.
    pub heartbeat: Duration,
    /// How often a stream checks that its token is still signed in, besides the
    /// database's word when one is signed out.
    pub recheck: Duration,
}

impl Default for LiveLimits {
    fn default() -> Self {
        LiveLimits {
            per_user: 20,
            per_instance: 10_000,
            heartbeat: Duration::from_secs(15),
            recheck: Duration::from_secs(30),
        }
    }
}

/// Announcements a user's channel may hold for a stream that has not read them yet.
const BACKLOG: usize = 64;

/// What the hub tells a stream.
#[derive(Debug, Clone)]
pub enum Signal {
    Changed(Arc<Change>),
    /// The user's tokens issued until now were signed out, or the account was deleted:
    /// check this stream's token again.
    Recheck,
    /// This token (issuer, token key) was signed out.
    TokenSignedOut(Arc<(String, String)>),
    /// Announcements may have been missed (the listener reconnected, or this stream
    /// fell behind): read everything again.
    Resync,
}

/// Why a stream could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    User,
    Instance,
}

#[derive(Debug)]
pub struct Hub {
    limits: LiveLimits,
    streams: Mutex<Streams>,
    /// Set once, when the server shuts down: every stream ends.
    closing: watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct Streams {
    by_user: HashMap<String, broadcast::Sender<Signal>>,
    open: usize,
}

/// One open stream's place in the hub: what it hears, and its slot, given back when
/// it is dropped.
#[derive(Debug)]
pub struct Subscription {
    // Declared before the slot: dropped first, so the slot sees the receiver gone.
    pub(super) signals: broadcast::Receiver<Signal>,
    pub(super) closing: watch::Receiver<bool>,
    _slot: Slot,
}

#[derive(Debug)]
struct Slot {
    hub: Arc<Hub>,
    user_id: String,
}

impl Hub {
    pub fn new(limits: LiveLimits) -> Arc<Self> {
        Arc::new(Hub {
            limits,
            streams: Mutex::new(Streams::default()),
            closing: watch::Sender::new(false),
        })
    }

    pub fn limits(&self) -> LiveLimits {
        self.limits
    }

    /// A place for one more stream of this user, within the caps.
    pub fn subscribe(self: &Arc<Self>, user_id: &str) -> Result<Subscription, Full> {
        let mut streams = self.streams();
        if streams.open >= self.limits.per_instance {
            return Err(Full::Instance);
        }
        let channel = streams
            .by_user
            .entry(user_id.to_owned())
            .or_insert_with(|| broadcast::Sender::new(BACKLOG));
        if channel.receiver_count() >= self.limits.per_user {
            return Err(Full::User);
        }
        let signals = channel.subscribe();
        streams.open += 1;
        Ok(Subscription {
            signals,
            closing: self.closing.subscribe(),
            _slot: Slot {
                hub: Arc::clone(self),
                user_id: user_id.to_owned(),
            },
        })
    }

    /// Tells the streams of this user, if this instance holds any.
    pub fn publish(&self, user_id: &str, signal: Signal) {
        if let Some(channel) = self.streams().by_user.get(user_id) {
            // An error means no receiver is left: nobody to tell.
            let _ = channel.send(signal);
        }
    }

    /// Tells every stream of this instance.
    pub fn publish_to_all(&self, signal: Signal) {
        for channel in self.streams().by_user.values() {
            let _ = channel.send(signal.clone());
        }
    }

    /// Ends every stream, for a shutdown: an open stream would hold it up forever.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Streams open now on this instance.
    pub fn open_streams(&self) -> usize {
        self.streams().open
    }

    fn streams(&self) -> MutexGuard<'_, Streams> {
        // Nothing is left half-done under this lock: a panic elsewhere cannot spoil it.
        self.streams.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut streams = self.hub.streams();
        streams.open = streams.open.saturating_sub(1);
        if streams
            .by_user
            .get(&self.user_id)
            .is_some_and(|channel| channel.receiver_count() == 0)
        {
            streams.by_user.remove(&self.user_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::change::ChangeKind;

    fn limits(per_user: usize, per_instance: usize) -> LiveLimits {
        LiveLimits {
            per_user,
            per_instance,
            ..LiveLimits::default()
        }
    }

    fn change() -> Signal {
        Signal::Changed(Arc::new(Change {
            kind: ChangeKind::Created,
            ids: None,
        }))
    }

    #[test]
    fn caps_hold_and_a_closed_stream_gives_its_place_back() {
        let hub = Hub::new(limits(2, 3));
        let a1 = hub.subscribe("a").expect("first");
        let _a2 = hub.subscribe("a").expect("second");
        assert_eq!(hub.subscribe("a").err(), Some(Full::User));
        let _b1 = hub.subscribe("b").expect("another user");
        assert_eq!(hub.subscribe("c").err(), Some(Full::Instance));
        drop(a1);
        assert_eq!(hub.open_streams(), 2);
        let _a3 = hub.subscribe("a").expect("a place was given back");
    }

    #[test]
    fn a_users_signals_reach_their_streams_only_and_the_last_one_out_removes_the_channel() {
        let hub = Hub::new(LiveLimits::default());
        let mut a = hub.subscribe("a").expect("a");
        let mut b = hub.subscribe("b").expect("b");
        hub.publish("a", change());
        assert!(matches!(a.signals.try_recv(), Ok(Signal::Changed(_))));
        assert!(b.signals.try_recv().is_err());
        drop(a);
        drop(b);
        assert!(hub.streams().by_user.is_empty());
        assert_eq!(hub.open_streams(), 0);
    }

    #[test]
    fn a_stream_that_falls_behind_is_told_it_lagged_not_queued_without_end() {
        let hub = Hub::new(LiveLimits::default());
        let mut slow = hub.subscribe("a").expect("a");
        for _ in 0..BACKLOG + 10 {
            hub.publish("a", change());
        }
        assert!(matches!(
            slow.signals.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(10))
        ));
    }
}
