//! A reader of the live stream (`GET /api/{user_id}/events`), as a page reads it: the
//! token in the Authorization header, Server-Sent Events parsed as they arrive.

use serde_json::Value;
use std::time::Duration;

/// One event: its name and its data, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub event: String,
    pub data: Value,
}

pub struct Events {
    response: reqwest::Response,
    buffer: Vec<u8>,
    /// Comment lines seen (the heartbeats).
    pub comments: usize,
}

/// The stream request's answer, whatever it is.
pub async fn request(base: &str, user_id: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{base}/api/{user_id}/events"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request failed")
}

/// An open stream that said `ready`: from here on it hears every change.
pub async fn open(base: &str, user_id: &str, token: &str) -> Events {
    let response = request(base, user_id, token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/event-stream",
        "{:?}",
        response.headers()
    );
    let mut events = Events {
        response,
        buffer: Vec::new(),
        comments: 0,
    };
    let first = events.next().await.expect("the stream ended at once");
    assert_eq!(first.event, "ready", "{first:?}");
    events
}

impl Events {
    /// The next event within 5 s (a failure past that); `None` when the stream ended.
    pub async fn next(&mut self) -> Option<Frame> {
        self.next_within(Duration::from_secs(5))
            .await
            .expect("no event within 5 s")
    }

    /// The next event, `Ok(None)` when the stream ended, `Err` if none came in time.
    pub async fn next_within(&mut self, limit: Duration) -> Result<Option<Frame>, ()> {
        tokio::time::timeout(limit, self.read())
            .await
            .map_err(|_| ())
    }

    /// Asserts that no event comes for a while (heartbeats are not events).
    pub async fn nothing_for(&mut self, quiet: Duration) {
        if let Ok(frame) = self.next_within(quiet).await {
            panic!("expected nothing, got {frame:?}");
        }
    }

    async fn read(&mut self) -> Option<Frame> {
        loop {
            while let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(frame) = self.parse(&block) {
                    return Some(frame);
                }
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => self.buffer.extend_from_slice(&chunk),
                Ok(None) | Err(_) => return None,
            }
        }
    }

    fn parse(&mut self, block: &[u8]) -> Option<Frame> {
        let text = std::str::from_utf8(block).expect("UTF-8");
        let (mut event, mut data) = (None, String::new());
        for line in text.lines() {
            if line.starts_with(':') {
                self.comments += 1;
            } else if let Some(name) = line.strip_prefix("event:") {
                event = Some(name.trim().to_owned());
            } else if let Some(more) = line.strip_prefix("data:") {
                data.push_str(more.trim());
            }
        }
        let event = event?;
        let data = serde_json::from_str(&data).expect("JSON data");
        Some(Frame { event, data })
    }
}

/// A `change` event's data: `{"kind": …, "ids": […]}`.
pub fn change(kind: &str, ids: &[&str]) -> Frame {
    Frame {
        event: "change".into(),
        data: serde_json::json!({ "kind": kind, "ids": ids }),
    }
}
