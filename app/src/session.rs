//! The signed-in session in the browser: the token in local storage, attached to every
//! server-function call by one client, and what happens when the server refuses it.
//!
//! The server never sees local storage. So that a first page load can still be
//! rendered on the right page, a cookie holding no secret (`todo_signed_in=1`) tells
//! the server that a token is probably stored; the token itself only ever travels in
//! the `Authorization` header.

use crate::auth::model::AuthSession;
use leptos::server_fn::{
    client::{browser::BrowserClient, Client},
    error::FromServerFnError,
    request::browser::BrowserRequest,
    response::browser::BrowserResponse,
};
use std::future::Future;

pub const TOKEN_KEY: &str = "todo.token";
/// When the stored token expires, in seconds since the epoch.
pub const EXPIRES_KEY: &str = "todo.token.expires";
/// A token this close to its end is refreshed before it is sent, where it can be.
#[cfg(feature = "hydrate")]
const REFRESH_BEFORE_SECS: u64 = 60;

/// Seconds since the epoch, by the browser's clock. Whole numbers: formatting and
/// parsing floats would cost the bundle about 20 KB.
#[cfg(feature = "hydrate")]
fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
pub const USER_KEY: &str = "todo.user";
/// The signed-in user's id: whose drafts this tab may show.
pub const USER_ID_KEY: &str = "todo.user.id";
/// Tells the server's renderer that a token is probably in local storage.
pub const HINT_COOKIE: &str = "todo_signed_in";
/// Where a refused token sends the person, with the reason.
pub const SESSION_ENDED: &str = "ended";
/// Where a sign-out in another tab sends this one.
macro_rules! signed_out_elsewhere_reason {
    () => {
        "signed-out"
    };
}
pub const SIGNED_OUT_ELSEWHERE: &str = signed_out_elsewhere_reason!();
/// The sign-in page, saying that another tab signed out (a constant: no formatting).
#[cfg(feature = "hydrate")]
const SIGN_IN_SIGNED_OUT_ELSEWHERE: &str =
    concat!("/sign-in?reason=", signed_out_elsewhere_reason!());
/// The account page signed out every device.
pub const SIGNED_OUT_EVERYWHERE: &str = "everywhere";
/// The account was deleted.
pub const ACCOUNT_DELETED: &str = "deleted";
/// A reset link set a new password.
pub const PASSWORD_RESET: &str = "reset";

/// Local storage, holding plain strings: no JSON codec in the bundle for two strings.
#[cfg(feature = "hydrate")]
fn storage() -> web_sys::Storage {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::raw()
}

#[cfg(feature = "hydrate")]
fn read(key: &str) -> Option<String> {
    storage()
        .get_item(key)
        .ok()
        .flatten()
        .filter(|v| !v.is_empty())
}

/// The stored token, if any (never during server rendering).
pub fn token() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        read(TOKEN_KEY)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// The signed-in user's id, if any (never during server rendering).
pub fn user_id() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        read(USER_ID_KEY)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// How the signed-in person is shown in the header: their name, else their email.
pub fn display_name() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        read(USER_KEY)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Keeps a new session: the token and the name to show in local storage, the hint
/// cookie beside.
pub fn store(session: &AuthSession) {
    #[cfg(feature = "hydrate")]
    {
        let user = &session.user;
        let shown = if user.name.is_empty() {
            &user.email
        } else {
            &user.name
        };
        let storage = storage();
        let _ = storage.set_item(TOKEN_KEY, &session.token);
        let expires = now_secs().saturating_add(session.expires_in);
        let _ = storage.set_item(EXPIRES_KEY, &expires.to_string());
        let _ = storage.set_item(USER_KEY, shown);
        let _ = storage.set_item(USER_ID_KEY, &user.id);
        set_hint_cookie(&format!(
            "{HINT_COOKIE}=1; Path=/; Max-Age={}; SameSite=Lax",
            session.expires_in
        ));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = session;
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The token of a sign-out under way: already gone from local storage, it is what
    /// the next call (the sign-out's own) sends.
    static LEAVING: std::cell::Cell<Option<String>> = const { std::cell::Cell::new(None) };
}

/// Signs this browser out before the server hears of it, then runs `call` (the
/// sign-out) with the token it had. The other tabs see the token leave local storage
/// first, so they learn of the sign-out as this browser's own: the server's word
/// (their stream ending, a 401) can only come after it.
pub async fn sign_out_first<F: Future>(call: impl FnOnce() -> F) -> F::Output {
    #[cfg(feature = "hydrate")]
    {
        let token = fresh_token().await;
        clear();
        LEAVING.set(token);
        let answer = call().await;
        LEAVING.take();
        answer
    }
    #[cfg(not(feature = "hydrate"))]
    {
        call().await
    }
}

/// Forgets the session in this browser (every tab sees the storage change).
pub fn clear() {
    #[cfg(feature = "hydrate")]
    {
        let storage = storage();
        let _ = storage.remove_item(TOKEN_KEY);
        let _ = storage.remove_item(EXPIRES_KEY);
        let _ = storage.remove_item(USER_KEY);
        let _ = storage.remove_item(USER_ID_KEY);
        set_hint_cookie(&format!("{HINT_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"));
    }
}

/// The stored token, refreshed first when it ends within a minute and the identity
/// provider's session can refresh it (Better Auth as the provider: the server keeps
/// that session in a cookie page scripts cannot read). With our own accounts, or once
/// that session has ended, the refresh is refused: the token is then used while it
/// lasts, and its 401 ends the session as any other.
#[cfg(feature = "hydrate")]
pub(crate) async fn fresh_token() -> Option<String> {
    let expiring = read(EXPIRES_KEY)
        .and_then(|at| at.parse::<u64>().ok())
        .is_some_and(|at| now_secs().saturating_add(REFRESH_BEFORE_SECS) > at);
    if expiring {
        match crate::auth::refresh::refresh_session().await {
            Ok(session) => store(&session),
            Err(crate::error::AppError::Unauthorized) => {
                let _ = storage().remove_item(EXPIRES_KEY);
            }
            // Unreachable for now: the next call tries again.
            Err(_) => {}
        }
    }
    token()
}

#[cfg(feature = "hydrate")]
fn set_hint_cookie(cookie: &str) {
    use wasm_bindgen::JsCast;
    if let Some(document) = leptos::prelude::document().dyn_ref::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(cookie);
    }
}

/// Whether the request being rendered on the server carries the hint cookie.
#[cfg(feature = "ssr")]
pub fn hinted_on_server() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|c| c.trim() == format!("{HINT_COOKIE}=1"))
    })
}

/// A call was refused (401). The session ends here only if it is still the one the
/// call was sent with: a token gone from local storage since means another tab signed
/// out (and says so); a different one, that another tab signed in since (the page
/// starts again with it, and never clears it).
#[cfg(feature = "hydrate")]
fn refused(sent: Option<&str>) {
    match (sent, token()) {
        (Some(_), None) => signed_out_elsewhere(),
        (sent, Some(now)) if sent != Some(now.as_str()) => {
            if first_way_out() {
                let _ = leptos::prelude::window().location().reload();
            }
        }
        _ => end_session(),
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    static GONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this is the first time this page is sent to another load. The page runs
/// until that load arrives, and the first reason it was given stands: a call of its
/// own refused meanwhile (sent without the token another tab's sign-out took) has no
/// later word, and must not clear a session another tab has since begun.
#[cfg(feature = "hydrate")]
fn first_way_out() -> bool {
    !GONE.replace(true)
}

/// Another tab of this browser signed out: to the sign-in page, saying so.
pub fn signed_out_elsewhere() {
    #[cfg(feature = "hydrate")]
    if first_way_out() {
        let _ = leptos::prelude::window()
            .location()
            .assign(SIGN_IN_SIGNED_OUT_ELSEWHERE);
    }
}

/// Sends the person to sign in, saying why, and back to where they were afterwards.
#[cfg(feature = "hydrate")]
fn end_session() {
    if !first_way_out() {
        return;
    }
    clear();
    let window = leptos::prelude::window();
    let here = window.location().pathname().unwrap_or_default()
        + &window.location().search().unwrap_or_default();
    let next = encode_query_value(&here);
    let _ = window
        .location()
        .assign(&format!("/sign-in?reason={SESSION_ENDED}&next={next}"));
}

#[cfg(feature = "hydrate")]
fn encode_query_value(value: &str) -> String {
    // Only what a path and query hold needs escaping in a query value.
    value
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' | '/' => c.to_string(),
            other => {
                let mut buf = [0u8; 4];
                other
                    .encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

/// The token a call sends, and whether the call is a sign-out's own (`sign_out_first`).
/// Apart from the client, which is made once per error type, so that the bundle holds
/// this once.
#[cfg(feature = "hydrate")]
async fn outgoing_token() -> (Option<String>, bool) {
    match LEAVING.take() {
        Some(token) => (Some(token), true),
        None => (fresh_token().await, false),
    }
}

/// What the server's answer to a call that sent `sent` means for the session here.
#[cfg(feature = "hydrate")]
fn answered(status: u16, sent: Option<String>, leaving: bool) {
    // A sign-out's own refusal: the session is gone here already.
    if status == 401 && !leaving {
        refused(sent.as_deref());
    }
}

/// The server-function client of every call that needs the user: it attaches the
/// stored token, and a 401 ends the session here (expired, signed out on another
/// device, corrupted) unless local storage no longer holds the token it sent, which
/// another tab signing out or in has changed (`refused`).
pub struct AuthClient;

impl<E, IS, OS> Client<E, IS, OS> for AuthClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    async fn send(req: Self::Request) -> Result<Self::Response, E> {
        #[cfg(feature = "hydrate")]
        let (token, leaving) = outgoing_token().await;
        #[cfg(not(feature = "hydrate"))]
        let token = token();
        if let Some(token) = &token {
            req.headers()
                .set("authorization", &format!("Bearer {token}"));
        }
        let response = <BrowserClient as Client<E, IS, OS>>::send(req).await?;
        #[cfg(feature = "hydrate")]
        answered(
            leptos::server_fn::response::ClientRes::<E>::status(&response),
            token,
            leaving,
        );
        Ok(response)
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<bytes::Bytes, bytes::Bytes>> + Send + 'static,
                impl futures::Sink<bytes::Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}
