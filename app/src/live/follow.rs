//! The page's half of live sync: one stream per page, read with `fetch` (the browser's
//! `EventSource` cannot send the Authorization header), opened again whenever it ends
//! or breaks, and what the page is told of it.
//!
//! When a stream is opened again: at once when its token expired (the next one is
//! refreshed first); after a pause of 0.5–2.5 s when its server shut down (so that a
//! closing instance's pages do not all come back in the same instant); after 30 s when
//! refused for too many streams; else after 1 s, doubling to 30 s, reset by a stream
//! that opened; a stream silent for three heartbeats counts as broken. Going back
//! online opens a new one at once.

use crate::session;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, RequestInit, Response};

/// What the page is told.
pub enum Heard {
    /// The list may have changed (a change, a resync, a stream that just opened):
    /// read it again.
    Changed,
    /// This token was signed out, or its account deleted.
    SignedOut,
}

/// How one stream ended.
enum Ended {
    SignedOut,
    Expired,
    Closing,
    /// Refused for too many streams.
    Crowded,
    /// Broken, refused for another reason, or never opened.
    Lost,
}

/// Longer than the server's heartbeat (15 s) three times over.
const SILENCE_MILLIS: i32 = 45_000;
const FIRST_RETRY_MILLIS: i32 = 1_000;
const LAST_RETRY_MILLIS: i32 = 30_000;

/// The stream being read, and the wake-up of a pause between two: what going online
/// and leaving the page cut short.
#[derive(Clone, Copy)]
struct Handles {
    reading: StoredValue<Option<AbortController>, LocalStorage>,
    waiting: StoredValue<Option<Function>, LocalStorage>,
    /// Back online: the next stream opens at once.
    hurry: StoredValue<bool, LocalStorage>,
}

impl Handles {
    /// A connection that was lost may be back, and one that looks open may be dead:
    /// a new stream, at once.
    fn online(self) {
        self.hurry.set_value(true);
        self.interrupt();
    }

    /// Ends the stream being read and any pause.
    fn interrupt(self) {
        if let Some(Some(controller)) = self.reading.try_get_value() {
            controller.abort();
        }
        if let Some(Some(wake)) = self.waiting.try_get_value() {
            let _ = wake.call0(&JsValue::NULL);
        }
    }

    /// Whether the page that follows is gone.
    fn gone(self) -> bool {
        self.reading.try_get_value().is_none()
    }
}

/// Follows the signed-in user's stream for as long as the current reactive owner (the
/// page) lives, telling `heard` what it hears; stops after `SignedOut`.
pub async fn follow(heard: impl Fn(Heard)) {
    let handles = Handles {
        reading: StoredValue::new_local(None),
        waiting: StoredValue::new_local(None),
        hurry: StoredValue::new_local(false),
    };
    let online = window_event_listener(leptos::ev::online, move |_| handles.online());
    on_cleanup(move || {
        online.remove();
        handles.interrupt();
    });

    let mut retry = FIRST_RETRY_MILLIS;
    loop {
        let (opened, ended) = read_one(handles, &heard).await;
        if handles.gone() {
            return;
        }
        if opened {
            retry = FIRST_RETRY_MILLIS;
        }
        let wait = match ended {
            Ended::SignedOut => return heard(Heard::SignedOut),
            Ended::Expired => 0,
            Ended::Closing => 500 + (js_sys::Math::random() * 2_000.0) as i32,
            Ended::Crowded => LAST_RETRY_MILLIS,
            Ended::Lost => {
                let wait = retry;
                retry = (retry * 2).min(LAST_RETRY_MILLIS);
                wait
            }
        };
        let hurry = handles.hurry.try_update_value(std::mem::take) == Some(true);
        if wait > 0 && !hurry {
            let pause = Promise::new(&mut |wake, _| {
                handles.waiting.set_value(Some(wake.clone()));
                let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&wake, wait);
            });
            let _ = JsFuture::from(pause).await;
            if handles.gone() {
                return;
            }
            handles.waiting.set_value(None);
            // Woken by going online, or not: either way the next stream opens now.
            handles.hurry.set_value(false);
        }
    }
}

/// Waits `millis` milliseconds.
pub async fn pause(millis: i32) {
    let done = Promise::new(&mut |wake, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&wake, millis);
    });
    let _ = JsFuture::from(done).await;
}

/// Opens one stream and reads it to its end: whether it opened, and how it ended.
async fn read_one(handles: Handles, heard: &impl Fn(Heard)) -> (bool, Ended) {
    let (Some(user), Some(token)) = (session::user_id(), session::fresh_token().await) else {
        return (false, Ended::SignedOut);
    };
    let Ok(controller) = AbortController::new() else {
        return (false, Ended::Lost);
    };
    let init = RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    let Ok(headers) = web_sys::Headers::new() else {
        return (false, Ended::Lost);
    };
    let _ = headers.set("authorization", &format!("Bearer {token}"));
    let _ = headers.set("accept", "text/event-stream");
    init.set_headers(&headers);
    if handles.gone() {
        return (false, Ended::Lost);
    }
    handles.reading.set_value(Some(controller.clone()));

    let url = format!("/api/{user}/events");
    let response = JsFuture::from(window().fetch_with_str_and_init(&url, &init))
        .await
        .ok()
        .and_then(|r| r.dyn_into::<Response>().ok());
    let Some(response) = response else {
        return (false, Ended::Lost);
    };
    match response.status() {
        200 => {}
        401 => return (false, Ended::SignedOut),
        429 => return (false, Ended::Crowded),
        _ => return (false, Ended::Lost),
    }
    let Some(reader) = response.body().and_then(|body| {
        body.get_reader()
            .dyn_into::<ReadableStreamDefaultReader>()
            .ok()
    }) else {
        return (false, Ended::Lost);
    };

    let mut opened = false;
    let mut pending = Vec::new();
    loop {
        let Some(chunk) = read_chunk(&reader).await else {
            controller.abort();
            return (opened, Ended::Lost);
        };
        pending.extend_from_slice(&chunk);
        while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
            let frame: Vec<u8> = pending.drain(..end + 2).collect();
            match event_of(&String::from_utf8_lossy(&frame)) {
                Some(Event::Ready) => {
                    opened = true;
                    heard(Heard::Changed);
                }
                Some(Event::Changed) => heard(Heard::Changed),
                Some(Event::End(ended)) => {
                    controller.abort();
                    return (opened, ended);
                }
                None => {}
            }
        }
    }
}

/// The next bytes of the stream; `None` once it ends, breaks, is aborted, or stays
/// silent too long.
async fn read_chunk(reader: &ReadableStreamDefaultReader) -> Option<Vec<u8>> {
    let silence = Promise::new(&mut |wake, _| {
        let _ =
            window().set_timeout_with_callback_and_timeout_and_arguments_0(&wake, SILENCE_MILLIS);
    });
    // A silent stream answers `undefined`: as good as ended.
    let next = Promise::race(&Array::of2(&reader.read(), &silence));
    let result = JsFuture::from(next).await.ok()?;
    if result.is_undefined() || Reflect::get(&result, &"done".into()).ok()?.is_truthy() {
        return None;
    }
    let value = Reflect::get(&result, &"value".into()).ok()?;
    Some(value.dyn_into::<Uint8Array>().ok()?.to_vec())
}

enum Event {
    Ready,
    Changed,
    End(Ended),
}

/// What one frame says (`event:` names it; an `end` says why in its data). Heartbeat
/// comments and unknown events say nothing.
fn event_of(frame: &str) -> Option<Event> {
    let name = frame.lines().find_map(|line| line.strip_prefix("event:"))?;
    Some(match name.trim() {
        "ready" => Event::Ready,
        "change" | "resync" => Event::Changed,
        "end" if frame.contains("\"signed_out\"") => Event::End(Ended::SignedOut),
        "end" if frame.contains("\"expired\"") => Event::End(Ended::Expired),
        "end" => Event::End(Ended::Closing),
        _ => return None,
    })
}
