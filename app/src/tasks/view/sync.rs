//! Keeps the open list current (README, Live sync): each time the stream says the
//! person's tasks changed, on any device, the list is read again and put in place of
//! the one shown. The fields of the add form and an open editor are the page's own
//! signals, so nothing typed is touched; a row follows its task as it changes.
//!
//! Lazy: a chunk of its own, fetched after the page has hydrated, so a first load
//! weighs no more for it.

use super::{fetch_all, store::TaskStore};
use crate::{
    live::follow::{follow, pause, Heard},
    session,
};
use leptos::{lazy, prelude::*, task::spawn_local};
use std::{cell::Cell, rc::Rc};

/// How often a read waits for the page's own changes to be answered.
const SETTLE_MILLIS: i32 = 50;

/// Follows the stream for as long as the page lives, from the list's first load on.
#[lazy]
pub(super) async fn keep_current(store: TaskStore, loaded: RwSignal<bool>) {
    // From the first load on: before it, the page reads the list anyway.
    loop {
        match loaded.try_get_untracked() {
            Some(true) => break,
            Some(false) => pause(100).await,
            // The page is gone.
            None => return,
        }
    }
    let reading = Rc::new(Reading::default());
    follow(move |heard| match heard {
        Heard::Changed => reading.clone().ask(store),
        Heard::SignedOut => spawn_local(signed_out(store)),
    })
    .await;
}

/// One read of the list at a time, and whether another is owed after it.
#[derive(Default)]
struct Reading {
    running: Cell<bool>,
    owed: Cell<bool>,
}

impl Reading {
    fn ask(self: Rc<Self>, store: TaskStore) {
        self.owed.set(true);
        if !self.running.replace(true) {
            spawn_local(async move {
                while self.owed.replace(false) {
                    read(store).await;
                }
                self.running.set(false);
            });
        }
    }
}

/// Reads the whole list and shows it, once the page's own changes are answered. A
/// list read while one of them was on its way may predate it: that read is
/// dropped and made again.
async fn read(store: TaskStore) {
    loop {
        while store.busy() {
            pause(SETTLE_MILLIS).await;
        }
        let Some(sent) = store.sent() else { return };
        match fetch_all().await {
            Ok(all) if store.sent() == Some(sent) && !store.busy() => {
                return store.load_current(all)
            }
            Ok(_) => {}
            // The session has ended (the client has sent the page to sign in), or
            // the server cannot answer now: the next event or stream asks again.
            Err(_) => return,
        }
    }
}

/// The stream's token no longer works: unless another tab of this browser signed out
/// (it forgets the token before telling the server, and its word sends this page to
/// sign in), a read meets the 401 that ends the session here.
async fn signed_out(store: TaskStore) {
    if session::token().is_some() && store.sent().is_some() {
        let _ = fetch_all().await;
    }
}
