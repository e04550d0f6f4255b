//! The sign-in page.

use super::{
    form::{leave_if_signed_in, signed_in, FormState},
    next::safe_next,
};
use crate::{
    auth::{api::sign_in, model::SignInRequest, validate},
    session,
    ui::{set_page_title, Field, FormAlert},
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn SignInPage() -> impl IntoView {
    leave_if_signed_in();
    let query = use_query_map();
    // Why the person is here again, if the address says.
    let notice = move || {
        query.with(|q| match q.get("reason").as_deref() {
            Some(session::SESSION_ENDED) => "Your session has ended, please sign in again.",
            Some(session::SIGNED_OUT_ELSEWHERE) => "You signed out in another tab.",
            Some(session::SIGNED_OUT_EVERYWHERE) => "You signed out on every device.",
            Some(session::ACCOUNT_DELETED) => "Your account and your tasks are deleted.",
            Some(session::PASSWORD_RESET) => "Your new password is set. Sign in with it.",
            _ => "",
        })
    };
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let email_ref = NodeRef::<html::Input>::new();
    let password_ref = NodeRef::<html::Input>::new();
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
        <header class="app-header">
            <a class="brand" href="/sign-in">"Todo"</a>
        </header>
        <main>
        <section class="auth-card" aria-labelledby="sign-in-heading">
            <p class="tagline">"Your to-do list, private to you, on every device you sign in on."</p>
            <h1 id="sign-in-heading">"Sign in"</h1>
            <p class="notice" role="status" class:hidden=move || notice().is_empty()>
                {move || String::from(notice())}
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
                    disabled=move || form.busy.get()
                    aria-busy=move || form.busy.get().then_some("true")
                >
                    {move || String::from(if form.busy.get() { "Signing in…" } else { "Sign in" })}
                </button>
            </form>
            <p class="switch">
                <a href="/forgot-password">"Forgot your password?"</a>
            </p>
            <p class="switch">
                "New here? " <a href="/sign-up">"Create an account"</a>
            </p>
        </section>
        </main>
    }
    .into_inner()
}
