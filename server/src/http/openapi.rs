//! The OpenAPI 3.1 description of the REST API, assembled from the same
//! `#[utoipa::path]` annotations that register the routes, so the two cannot drift.

use app::{
    error::FieldError,
    live::change::{Change, ChangeKind},
};
use serde::Serialize;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi, ToSchema,
};

/// The media type of every error answer (RFC 9457).
pub const PROBLEM: &str = "application/problem+json";

/// RFC 9457 problem details: the body of every error.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what happened.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// On 422: the fields that were refused, and why.
    pub errors: Option<Vec<FieldError>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Todo",
        description = "Accounts, tokens and per-user tasks. Every error is application/problem+json.",
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, Change, ChangeKind)),
    tags(
        (name = "identity", description = "Sign-up, sign-in, sign-out, keys"),
        (name = "account", description = "The profile, the password, sessions, preferences, export and deletion"),
        (name = "tasks", description = "The tasks of the token's user"),
        (name = "live", description = "A stream of the user's changes, as they commit on any instance (Server-Sent Events; a `change` event's data is a `Change`)"),
        (name = "operations", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
