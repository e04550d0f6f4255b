//! Sending the password reset email: through SMTP (`lettre`) when `SMTP_URL` is set,
//! else the link is written to the server's log, so that a local run needs no mail
//! server.

use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// Mail settings, from the environment.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `SMTP_URL`: `smtp://host:port` (plain, for a local relay), `smtp://host?tls=required`
    /// (STARTTLS), `smtps://user:password@host` (TLS); `None` logs links instead.
    pub smtp_url: Option<SecretString>,
    /// `MAIL_FROM`: the sender, `Todo <no-reply@example.com>`.
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            from: "Todo <no-reply@localhost>".into(),
        }
    }
}

/// How long a mail server may take, per command.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Log,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mailer::Smtp { .. } => "Mailer::Smtp",
            Mailer::Log => "Mailer::Log",
        })
    }
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Self, String> {
        let Some(url) = &config.smtp_url else {
            return Ok(Mailer::Log);
        };
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|error| format!("MAIL_FROM: {error}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|error| format!("SMTP_URL: {error}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    /// Sends the reset link to `to`. Failures are logged, never shown to the person
    /// who asked: the answer to "forgot password" is the same whatever happens here.
    pub async fn send_reset_link(&self, to: &str, name: &str, link: &SecretString, minutes: i32) {
        let Mailer::Smtp { transport, from } = self else {
            tracing::info!(
                link = link.expose_secret(),
                "password reset link (no SMTP_URL: written here instead of sent)"
            );
            return;
        };
        let to = match to.parse::<lettre::Address>() {
            Ok(address) => Mailbox::new(Some(name.to_owned()).filter(|n| !n.is_empty()), address),
            Err(error) => {
                tracing::warn!(%error, "cannot send a reset link to this address");
                return;
            }
        };
        let body = format!(
            "Someone (we hope you) asked to reset the password of your Todo account.\n\n\
             To choose a new password, open this link within {minutes} minutes:\n\n{}\n\n\
             It works once. If you did not ask, ignore this email: your password stays as it is.\n",
            link.expose_secret()
        );
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject("Reset your Todo password")
            .header(ContentType::TEXT_PLAIN)
            .body(body);
        let message = match message {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%error, "cannot build the reset email");
                return;
            }
        };
        match transport.send(message).await {
            Ok(_) => tracing::info!("password reset email sent"),
            Err(error) => tracing::warn!(%error, "cannot send the password reset email"),
        }
    }
}
