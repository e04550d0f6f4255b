//! One open stream: what the page is told, in order, until the stream ends.

use super::{
    change::Change,
    hub::{Signal, Subscription},
};
use crate::{
    auth::{access, AuthUser},
    error::AppError,
};
use futures::Stream;
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};
use tokio::{
    sync::broadcast::error::RecvError,
    time::{interval_at, sleep_until, Instant, Interval},
};

/// What a stream tells its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// First, once the stream is listening: anything changed before it may have been
    /// missed, so a page reads what it shows again.
    Ready,
    Changed(Arc<Change>),
    /// Something may have been missed: read everything again.
    Resync,
    /// Last: the stream ends, and why.
    End(EndReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The token expired: a page refreshes it and opens a new stream.
    Expired,
    /// The token was signed out (here or everywhere), or the account deleted.
    SignedOut,
    /// The server is shutting down: a page opens a new stream, on another instance.
    Closing,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Expired => "expired",
            EndReason::SignedOut => "signed_out",
            EndReason::Closing => "closing",
        }
    }
}

struct Open {
    user: AuthUser,
    subscription: Subscription,
    pool: PgPool,
    recheck: Interval,
    expires: Instant,
    greeted: bool,
    ended: bool,
}

/// The events of a stream of `user`, whose token was checked when it opened.
pub(super) fn events(
    user: AuthUser,
    subscription: Subscription,
    pool: PgPool,
    recheck_every: Duration,
) -> impl Stream<Item = LiveEvent> + Send + 'static {
    let now = Instant::now();
    let left = (user.token_expires_at() - chrono::Utc::now())
        .to_std()
        .unwrap_or(Duration::ZERO);
    let open = Open {
        user,
        subscription,
        pool,
        recheck: interval_at(now + recheck_every, recheck_every),
        expires: now + left,
        greeted: false,
        ended: false,
    };
    futures::stream::unfold(open, |mut open| async move {
        if open.ended {
            return None;
        }
        let event = open.next().await;
        open.ended = matches!(event, LiveEvent::End(_));
        Some((event, open))
    })
}

impl Open {
    async fn next(&mut self) -> LiveEvent {
        if !self.greeted {
            self.greeted = true;
            return LiveEvent::Ready;
        }
        loop {
            let check = tokio::select! {
                signal = self.subscription.signals.recv() => match signal {
                    Ok(Signal::Changed(change)) => return LiveEvent::Changed(change),
                    Ok(Signal::Resync) | Err(RecvError::Lagged(_)) => return LiveEvent::Resync,
                    Ok(Signal::TokenSignedOut(token)) => {
                        if token.0 == self.user.issuer() && token.1 == self.user.token_id() {
                            return LiveEvent::End(EndReason::SignedOut);
                        }
                        false
                    }
                    Ok(Signal::Recheck) => true,
                    Err(RecvError::Closed) => return LiveEvent::End(EndReason::Closing),
                },
                _ = self.recheck.tick() => true,
                () = sleep_until(self.expires) => return LiveEvent::End(EndReason::Expired),
                // On the shutdown, or when the hub is gone.
                _ = self.subscription.closing.wait_for(|closing| *closing) => {
                    return LiveEvent::End(EndReason::Closing);
                }
            };
            if check && self.signed_out().await {
                return LiveEvent::End(EndReason::SignedOut);
            }
        }
    }

    /// Whether the database now refuses this stream's token, by the gate's own rule. A
    /// database that cannot answer ends nothing: a sign-out made while it was down
    /// cannot have been committed.
    async fn signed_out(&self) -> bool {
        matches!(
            access::admit(&self.pool, &self.user).await,
            Err(AppError::Unauthorized)
        )
    }
}
