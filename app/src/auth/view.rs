//! The sign-in and sign-up pages.

use super::{
    api::{sign_in, sign_up},
    model::{AuthSession, SignInRequest, SignUpRequest},
    validate,
};
use crate::{
    error::{AppError, FieldError},
    session,
    ui::{describe, error_for, hydrated, set_page_title, Field, FormAlert},
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

/// Where to go after signing in: `?next=` when it is a page of this site, else the
/// tasks. It is resolved by the browser's own URL parser, as a navigation to it would
/// be (that parser drops tabs and line breaks, reads `\` as `/`): only a result on the
/// origin it was resolved against, outside the API, is kept, and what is kept is that
/// result's path, query and fragment, not the text as given.
pub fn safe_next(next: Option<String>) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(path) = next.as_deref().and_then(same_origin_page) {
        return path;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = next;
    "/tasks".into()
}

#[cfg(feature = "hydrate")]
fn same_origin_page(next: &str) -> Option<String> {
    // Resolved against a stand-in origin: whatever stays on it would stay on ours.
    const HERE: &str = "https://here.invalid";
    let url = web_sys::Url::new_with_base(next, HERE).ok()?;
    let path = url.pathname();
    let not_a_page = ["/api/", "/rpc/", "/pkg/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    (url.origin() == HERE && path.starts_with('/') && !not_a_page)
        .then(|| path + &url.search() + &url.hash())
}

/// A signed-in visitor has no business on these pages: on to the tasks, on the server
/// (from the hint cookie) and in the browser (from the stored token).
fn leave_if_signed_in() {
    #[cfg(feature = "ssr")]
    if session::hinted_on_server() {
        let ended = use_query_map().with_untracked(|q| q.get("reason").is_some());
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
struct FormState {
    errors: RwSignal<Vec<FieldError>>,
    alert: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

impl FormState {
    fn new() -> Self {
        FormState {
            errors: RwSignal::new(Vec::new()),
            alert: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    fn error(self, field: &'static str) -> Signal<Option<String>> {
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
    fn start(self, check: Result<(), AppError>, fields: &[(&str, NodeRef<html::Input>)]) -> bool {
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
    fn refuse(
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

fn signed_in(session: &AuthSession, next: &str, navigate: &impl Fn(&str, NavigateOptions)) {
    session::store(session);
    navigate(
        next,
        NavigateOptions {
            replace: true,
            ..Default::default()
        },
    );
}

#[component]
pub fn SignInPage() -> impl IntoView {
    leave_if_signed_in();
    let query = use_query_map();
    let ended = move || query.with(|q| q.get("reason").as_deref() == Some(session::SESSION_ENDED));
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let email_ref = NodeRef::<html::Input>::new();
    let password_ref = NodeRef::<html::Input>::new();
    let hydrated = hydrated();
    let navigate = use_navigate();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.busy.get_untracked() {
            return;
        }
        let request = SignInRequest {
            email: Some(email.get_untracked()),
            password: Some(password.get_untracked()),
        };
        let fields = [("email", email_ref), ("password", password_ref)];
        if !form.start(validate::credentials(request.clone()).map(drop), &fields) {
            return;
        }
        let next = next();
        let navigate = navigate.clone();
        spawn_local(async move {
            match sign_in(request).await {
                Ok(session) => signed_in(&session, &next, &navigate),
                Err(error) => {
                    password.set(String::new());
                    if !form.refuse(&error, false, &fields) {
                        if let Some(input) = password_ref.get_untracked() {
                            let _ = input.focus();
                        }
                    }
                }
            }
            form.busy.set(false);
        });
    };

    set_page_title("Sign in · Todo");
    view! {
        <section class="auth-card" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in"</h1>
            <p class="notice" role="status" class:hidden=move || !ended()>
                "Your session has ended, please sign in again."
            </p>
            <FormAlert message=form.alert />
            <form method="post" action="/sign-in" novalidate on:submit=submit>
                <Field
                    id="email"
                    label="Email"
                    kind="email"
                    autocomplete="username"
                    value=email
                    error=form.error("email")
                    node_ref=email_ref
                />
                <Field
                    id="password"
                    label="Password"
                    kind="password"
                    autocomplete="current-password"
                    value=password
                    error=form.error("password")
                    node_ref=password_ref
                />
                <button
                    type="submit"
                    class="primary wide"
                    disabled=move || !hydrated.get() || form.busy.get()
                    aria-busy=move || form.busy.get().then_some("true")
                >
                    {move || if form.busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="switch">
                "New here? " <a href="/sign-up">"Create an account"</a>
            </p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    leave_if_signed_in();
    let query = use_query_map();
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let name_ref = NodeRef::<html::Input>::new();
    let email_ref = NodeRef::<html::Input>::new();
    let password_ref = NodeRef::<html::Input>::new();
    let hydrated = hydrated();
    let navigate = use_navigate();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.busy.get_untracked() {
            return;
        }
        let request = SignUpRequest {
            email: Some(email.get_untracked()),
            password: Some(password.get_untracked()),
            name: Some(name.get_untracked()),
        };
        let fields = [
            ("name", name_ref),
            ("email", email_ref),
            ("password", password_ref),
        ];
        if !form.start(validate::new_account(request.clone()).map(drop), &fields) {
            return;
        }
        let next = next();
        let navigate = navigate.clone();
        spawn_local(async move {
            match sign_up(request).await {
                Ok(session) => signed_in(&session, &next, &navigate),
                Err(error) => {
                    form.refuse(&error, true, &fields);
                }
            }
            form.busy.set(false);
        });
    };

    set_page_title("Create an account · Todo");
    view! {
        <section class="auth-card" aria-labelledby="sign-up-heading">
            <h1 id="sign-up-heading">"Create an account"</h1>
            <FormAlert message=form.alert />
            <form method="post" action="/sign-up" novalidate on:submit=submit>
                <Field
                    id="name"
                    label="Name"
                    autocomplete="name"
                    value=name
                    error=form.error("name")
                    node_ref=name_ref
                />
                <Field
                    id="email"
                    label="Email"
                    kind="email"
                    autocomplete="email"
                    value=email
                    error=form.error("email")
                    node_ref=email_ref
                />
                <Field
                    id="password"
                    label="Password"
                    kind="password"
                    autocomplete="new-password"
                    hint="8 to 128 characters; not a common password."
                    value=password
                    error=form.error("password")
                    node_ref=password_ref
                />
                <button
                    type="submit"
                    class="primary wide"
                    disabled=move || !hydrated.get() || form.busy.get()
                    aria-busy=move || form.busy.get().then_some("true")
                >
                    {move || if form.busy.get() { "Creating your account…" } else { "Create account" }}
                </button>
            </form>
            <p class="switch">"Have an account? " <a href="/sign-in">"Sign in"</a></p>
        </section>
    }
}
