//! A forgotten password: `/forgot-password` asks for the email and always answers the
//! same; `/reset-password?token=…` (the emailed link) sets a new password.

use crate::{
    account::{
        api::{forgot_password, reset_password},
        model::{PasswordReset, ResetRequest},
        validate,
    },
    auth::{validate as auth_validate, view::form::FormState},
    ui::{set_page_title, Field, FormAlert},
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let form = FormState::new();
    let email_ref = NodeRef::<html::Input>::new();
    let sent = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.busy.get_untracked() {
            return;
        }
        let request = ResetRequest {
            email: Some(email.get_untracked()),
        };
        let fields = [("email", email_ref)];
        let normalized = auth_validate::normalize_email(&email.get_untracked());
        let check = match auth_validate::email_problem(&normalized) {
            Some(problem) => Err(crate::error::AppError::field("email", problem)),
            None => Ok(()),
        };
        if !form.start(check, &fields) {
            return;
        }
        spawn_local(async move {
            match forgot_password(request).await {
                Ok(()) => sent.set(true),
                Err(error) => {
                    form.refuse(&error, false, &fields);
                }
            }
            form.busy.set(false);
        });
    };

    set_page_title("Forgot password · Todo");
    view! {
        <header class="app-header">
            <a class="brand" href="/sign-in">"Todo"</a>
        </header>
        <main>
            <section class="auth-card" aria-labelledby="forgot-heading">
                <h1 id="forgot-heading">"Forgot your password?"</h1>
                <p class="notice" role="status" class:hidden=move || !sent.get()>
                    "If an account has this email, we sent it a link to choose a new password. The link works once, for 30 minutes."
                </p>
                <FormAlert message=form.alert />
                <form method="post" action="/forgot-password" novalidate on:submit=submit class:hidden=move || sent.get()>
                    <p>"Enter the email you sign in with. We will send you a link to choose a new password."</p>
                    <Field id="email" label="Email" kind="email" autocomplete="username" value=email error=form.error("email") node_ref=email_ref />
                    <button type="submit" class="primary wide" disabled=move || form.busy.get()>
                        {move || String::from(if form.busy.get() { "Sending…" } else { "Send the link" })}
                    </button>
                </form>
                <p class="switch">
                    <a href="/sign-in">"Back to sign in"</a>
                </p>
            </section>
        </main>
    }
    .into_inner()
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let password_ref = NodeRef::<html::Input>::new();
    let navigate = use_navigate();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.busy.get_untracked() {
            return;
        }
        let reset = PasswordReset {
            token: query.with_untracked(|q| q.get("token")),
            new_password: Some(password.get_untracked()),
        };
        let fields = [("new_password", password_ref)];
        if !form.start(validate::password_reset(reset.clone()).map(drop), &fields) {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            match reset_password(reset).await {
                Ok(()) => navigate(
                    &format!("/sign-in?reason={}", crate::session::PASSWORD_RESET),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                ),
                Err(error) => {
                    form.refuse(&error, false, &fields);
                }
            }
            form.busy.set(false);
        });
    };
    let link_problem = form.error("token");

    set_page_title("Choose a new password · Todo");
    view! {
        <header class="app-header">
            <a class="brand" href="/sign-in">"Todo"</a>
        </header>
        <main>
            <section class="auth-card" aria-labelledby="reset-heading">
                <h1 id="reset-heading">"Choose a new password"</h1>
                <p class="form-alert" role="alert" class:hidden=move || link_problem.with(Option::is_none)>
                    {move || link_problem.get().unwrap_or_default()} " " <a href="/forgot-password">"Ask for a new link"</a>
                </p>
                <FormAlert message=form.alert />
                <form method="post" action="/reset-password" novalidate on:submit=submit>
                    <Field
                        id="new_password"
                        label="New password"
                        kind="password"
                        autocomplete="new-password"
                        hint="At least 8 characters. Every device signed in to your account will be signed out."
                        value=password
                        error=form.error("new_password")
                        node_ref=password_ref
                    />
                    <button type="submit" class="primary wide" disabled=move || form.busy.get()>
                        {move || String::from(if form.busy.get() { "Saving…" } else { "Set the new password" })}
                    </button>
                </form>
            </section>
        </main>
    }
    .into_inner()
}
