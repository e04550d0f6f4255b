//! What the sign-in and sign-up forms share: their state (field errors, the alert,
//! busy), where an error shows and which field gets the focus, and the way in and out
//! of a signed-in session.

use crate::{
    auth::model::AuthSession,
    error::{AppError, FieldError},
    session,
    ui::{describe, error_for},
};
use leptos::{html, prelude::*};
use leptos_router::{hooks::use_navigate, NavigateOptions};

/// A signed-in visitor has no business on these pages: on to the tasks, on the server
/// (from the hint cookie) and in the browser (from the stored token).
pub(crate) fn leave_if_signed_in() {
    #[cfg(feature = "ssr")]
    if session::hinted_on_server() {
        let ended =
            leptos_router::hooks::use_query_map().with_untracked(|q| q.get("reason").is_some());
        if !ended {
            leptos_axum::redirect("/tasks");
        }
    }
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session::token().is_some() {
            navigate(
                "/tasks",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
}

/// The form state both pages share.
#[derive(Clone, Copy)]
pub(crate) struct FormState {
    errors: RwSignal<Vec<FieldError>>,
    pub alert: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
}

impl FormState {
    pub(crate) fn new() -> Self {
        FormState {
            errors: RwSignal::new(Vec::new()),
            alert: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    pub(crate) fn error(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.errors.with(|e| error_for(e, field)))
    }

    /// Shows an error where it belongs: next to its fields, or at the top.
    fn show(self, error: &AppError, email_conflict: bool) {
        match error {
            AppError::Validation { errors } => {
                self.errors.set(errors.clone());
                self.alert.set(None);
            }
            AppError::Conflict { detail } if email_conflict => {
                self.errors.set(vec![FieldError {
                    field: "email".into(),
                    message: detail.clone(),
                }]);
                self.alert.set(None);
            }
            other => {
                self.errors.set(Vec::new());
                self.alert.set(Some(describe(other)));
            }
        }
    }

    /// Before sending: the browser's own check of the fields. If they pass, the form
    /// goes busy and true is returned; else the errors show and the first bad field
    /// gets the focus.
    pub(crate) fn start(
        self,
        check: Result<(), AppError>,
        fields: &[(&str, NodeRef<html::Input>)],
    ) -> bool {
        if let Err(AppError::Validation { errors }) = check {
            focus_first(&errors, fields);
            self.errors.set(errors);
            return false;
        }
        self.busy.set(true);
        self.alert.set(None);
        true
    }

    /// After a refusal: shows it and focuses the first field it names. True if it
    /// named one.
    pub(crate) fn refuse(
        self,
        error: &AppError,
        email_conflict: bool,
        fields: &[(&str, NodeRef<html::Input>)],
    ) -> bool {
        self.show(error, email_conflict);
        let named = self.errors.get_untracked();
        focus_first(&named, fields);
        !named.is_empty()
    }
}

/// Focuses the first field that has an error, in the order of the form.
fn focus_first(errors: &[FieldError], fields: &[(&str, NodeRef<html::Input>)]) {
    for (name, node) in fields {
        if errors.iter().any(|e| e.field == *name) {
            if let Some(input) = node.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
    }
}

pub(super) fn signed_in(
    session: &AuthSession,
    next: &str,
    navigate: &impl Fn(&str, NavigateOptions),
) {
    session::store(session);
    navigate(
        next,
        NavigateOptions {
            replace: true,
            ..Default::default()
        },
    );
}
