//! Better Auth as the identity provider (`AUTH_PROVIDER=better-auth`): sign-up, sign-in,
//! a JWT for a session, and sign-out are asked of its HTTP API, server to server. The
//! email and password go to Better Auth alone; nothing of them is kept here. Its JWTs
//! are then verified like any trusted issuer's (`verify.rs`).
//!
//! A Better Auth session is its session cookie; held by the browser as the session's
//! refresh token, it gets a new JWT while the session lasts (`token`).

use super::validate::{Credentials, NewAccount};
use crate::error::{AppError, FieldError};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct BetterAuthConfig {
    /// Its base URL (`AUTH_BETTER_AUTH_URL`), which is also its tokens' `iss` and `aud`.
    pub url: String,
}

pub struct BetterAuth {
    url: String,
    http: reqwest::Client,
}

/// The user as Better Auth answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct BetterAuthUser {
    pub id: String,
    pub email: String,
    pub name: String,
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

/// A session at Better Auth: its cookie (`name=value`), and the user it is for.
pub struct Session {
    pub cookie: SecretString,
    pub user: BetterAuthUser,
}

/// How long a call to Better Auth may take before the answer is 503.
const TIMEOUT: Duration = Duration::from_secs(10);

impl BetterAuth {
    pub fn new(config: &BetterAuthConfig) -> Result<Self, String> {
        super::trusted::check_jwks_url(&config.url)?;
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(BetterAuth {
            url: config.url.trim_end_matches('/').to_owned(),
            http,
        })
    }

    /// A call as the browser on Better Auth's own origin makes it (it refuses requests
    /// whose origin it does not trust), for the client whose address is `client`, so
    /// that its own rate limits count that client rather than this server.
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        cookie: Option<&SecretString>,
        client: Option<&str>,
    ) -> Result<reqwest::Response, AppError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .header("origin", &self.url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie.expose_secret());
        }
        if let Some(client) = client {
            request = request.header("x-forwarded-for", client);
        }
        request.send().await.map_err(|error| {
            tracing::warn!(%error, "Better Auth cannot be reached");
            AppError::Unavailable
        })
    }

    pub async fn sign_up(&self, account: &NewAccount, client: &str) -> Result<Session, AppError> {
        let body = json!({
            "email": account.email(),
            "password": account.password().expose_secret(),
            "name": account.name(),
        });
        self.start_session("/api/auth/sign-up/email", body, client)
            .await
    }

    pub async fn sign_in(
        &self,
        credentials: &Credentials,
        client: &str,
    ) -> Result<Session, AppError> {
        let body = json!({
            "email": credentials.email(),
            "password": credentials.password().expose_secret(),
        });
        self.start_session("/api/auth/sign-in/email", body, client)
            .await
    }

    /// A sign-up or sign-in: the session it answers with.
    async fn start_session(
        &self,
        path: &str,
        body: Value,
        client: &str,
    ) -> Result<Session, AppError> {
        let response = self
            .send(reqwest::Method::POST, path, Some(body), None, Some(client))
            .await?;
        session(response).await
    }

    /// A new JWT for the session, and the session's cookie if Better Auth renewed it.
    /// A session that has ended is 401.
    pub async fn token(
        &self,
        cookie: &SecretString,
    ) -> Result<(String, Option<SecretString>), AppError> {
        let response = self
            .send(
                reqwest::Method::GET,
                "/api/auth/token",
                None,
                Some(cookie),
                None,
            )
            .await?;
        if !response.status().is_success() {
            return Err(refusal(response).await);
        }
        let renewed = session_cookie(&response);
        #[derive(Deserialize)]
        struct Token {
            token: String,
        }
        let body: Token = read(response).await?;
        Ok((body.token, renewed))
    }

    /// Ends the session at Better Auth.
    /// Ends every session of the cookie's user at Better Auth (`/revoke-sessions`), so
    /// that no device can refresh its way back after a sign-out everywhere.
    pub async fn revoke_sessions(&self, cookie: &SecretString) -> Result<(), AppError> {
        self.post_in_session("/api/auth/revoke-sessions", cookie)
            .await
    }

    pub async fn sign_out(&self, cookie: &SecretString) -> Result<(), AppError> {
        self.post_in_session("/api/auth/sign-out", cookie).await
    }

    /// A POST with an empty body in the cookie's session, whose answer says only
    /// whether it was done.
    async fn post_in_session(&self, path: &str, cookie: &SecretString) -> Result<(), AppError> {
        let response = self
            .send(
                reqwest::Method::POST,
                path,
                Some(json!({})),
                Some(cookie),
                None,
            )
            .await?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(refusal(response).await)
        }
    }
}

/// The user a Better Auth token names: its payload holds the whole user row. The
/// token's signature is not checked here (it came straight from Better Auth); every
/// request that carries it is verified.
pub fn user_in(jwt: &str) -> Option<BetterAuthUser> {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let payload = jwt.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// The session cookie an answer sets, as `name=value` (its name may carry a prefix,
/// `__Secure-` over https).
fn session_cookie(response: &reqwest::Response) -> Option<SecretString> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| is_session_cookie(pair))
        .map(|pair| SecretString::from(pair.to_owned()))
}

/// Whether `pair` is one session cookie of Better Auth's, `name=value` and nothing
/// else: what this server sends back to it, and all it accepts from a browser as one.
pub fn is_session_cookie(pair: &str) -> bool {
    // RFC 6265's cookie-octets: no space, `"`, `,`, `;` or `\`, nothing outside ASCII.
    let octets = |text: &str| {
        text.bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
    };
    pair.split_once('=').is_some_and(|(name, value)| {
        name.ends_with("session_token") && !value.is_empty() && octets(name) && octets(value)
    })
}

/// The session a sign-up or sign-in answered with.
async fn session(response: reqwest::Response) -> Result<Session, AppError> {
    if !response.status().is_success() {
        return Err(refusal(response).await);
    }
    let Some(cookie) = session_cookie(&response) else {
        // Better Auth makes no session when it wants the email verified first.
        tracing::error!("Better Auth answered without a session (is email verification required?)");
        return Err(AppError::Unavailable);
    };
    #[derive(Deserialize)]
    struct Answer {
        user: BetterAuthUser,
    }
    let answer: Answer = read(response).await?;
    Ok(Session {
        cookie,
        user: answer.user,
    })
}

/// A successful answer's JSON body; one that cannot be read is Better Auth not working.
async fn read<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, AppError> {
    let path = response.url().path().to_owned();
    response.json().await.map_err(|error| {
        tracing::warn!(%error, %path, "Better Auth's answer cannot be read");
        AppError::Unavailable
    })
}

/// What a refusal of Better Auth is here: the answer our own accounts would give.
async fn refusal(response: reqwest::Response) -> AppError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("x-retry-after")
        .or_else(|| response.headers().get(reqwest::header::RETRY_AFTER))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    #[derive(Deserialize, Default)]
    struct Refusal {
        #[serde(default)]
        code: String,
    }
    let refusal: Refusal = response.json().await.unwrap_or_default();
    let field = |field: &str, message: &str| AppError::Validation {
        errors: vec![FieldError {
            field: field.into(),
            message: message.into(),
        }],
    };
    match (status.as_u16(), refusal.code.as_str()) {
        (429, _) => AppError::TooManyRequests {
            retry_after_secs: retry_after.unwrap_or(60).max(1),
        },
        (401, "INVALID_EMAIL_OR_PASSWORD") => AppError::InvalidCredentials,
        (401, _) => AppError::Unauthorized,
        (_, code) if code.starts_with("USER_ALREADY_EXISTS") => AppError::Conflict {
            detail: "An account with this email already exists.".into(),
        },
        (_, "PASSWORD_TOO_SHORT" | "PASSWORD_TOO_LONG") => {
            field("password", "Use 8 to 128 characters.")
        }
        (_, "INVALID_EMAIL") => field("email", "Enter a valid email address."),
        (status, code) => {
            tracing::warn!(status, code, "Better Auth refused a call");
            AppError::Unavailable
        }
    }
}
