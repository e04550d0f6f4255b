//! The identity provider's session (Better Auth's session cookie), kept in the browser
//! as a cookie of ours that page scripts cannot read (`HttpOnly`), sent back to this site
//! only (`SameSite=Strict`). It gets a new token while the session lasts
//! (`/api/auth/refresh`, the `auth/refresh` server function) and is ended on sign-out.
//! The token itself stays where the web app keeps it (local storage).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::{header, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

pub const NAME: &str = "todo_provider_session";

/// As long as Better Auth keeps a session by default (7 days); it ends sooner if the
/// session does.
const MAX_AGE_SECS: u64 = 7 * 24 * 3600;

/// The `Set-Cookie` value that keeps `session`. `secure` when the site is served over
/// https.
pub fn set(session: &SecretString, secure: bool) -> Option<HeaderValue> {
    let value = URL_SAFE_NO_PAD.encode(session.expose_secret());
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{NAME}={value}; Path=/; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Strict{secure}"
    ))
    .ok()
}

/// The `Set-Cookie` value that removes it.
pub fn clear(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The provider's session a request carries, if any.
pub fn read(headers: &HeaderMap) -> Option<SecretString> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .and_then(|(_, value)| URL_SAFE_NO_PAD.decode(value).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|pair| super::better_auth::is_session_cookie(pair))
        .map(SecretString::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_session_reads_back_and_nothing_else_does() {
        let session = SecretString::from("better-auth.session_token=abc.def%3D".to_owned());
        let cookie = set(&session, true).expect("a header value");
        let text = cookie.to_str().expect("ASCII");
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Strict"));
        assert!(text.ends_with("; Secure"));
        assert!(!text.contains("abc.def"), "the value is encoded: {text}");
        let sent = text.split(';').next().expect("name=value");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=1; {sent}; todo_signed_in=1")).expect("ASCII"),
        );
        let read_back = read(&headers).expect("the session");
        assert_eq!(read_back.expose_secret(), session.expose_secret());
        let mut other = HeaderMap::new();
        other.insert(
            header::COOKIE,
            HeaderValue::from_static("todo_provider_session=%%%"),
        );
        assert!(read(&other).is_none());
        assert!(read(&HeaderMap::new()).is_none());
        assert!(!set(&session, false)
            .expect("a header value")
            .to_str()
            .expect("ASCII")
            .contains("Secure"));
    }
}
