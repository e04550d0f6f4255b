//! The sign-up page.

use super::{
    form::{leave_if_signed_in, signed_in, FormState},
    next::safe_next,
};
use crate::{
    auth::{api::sign_up, model::SignUpRequest, validate},
    ui::{set_page_title, Field, FormAlert},
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};

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
        <header class="app-header">
            <a class="brand" href="/sign-in">"Todo"</a>
        </header>
        <main>
        <section class="auth-card" aria-labelledby="sign-up-heading">
            <p class="tagline">"Your to-do list, private to you, on every device you sign in on."</p>
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
                    disabled=move || form.busy.get()
                    aria-busy=move || form.busy.get().then_some("true")
                >
                    {move || String::from(if form.busy.get() { "Creating your account…" } else { "Create account" })}
                </button>
            </form>
            <p class="switch">"Have an account? " <a href="/sign-in">"Sign in"</a></p>
        </section>
        </main>
    }
    .into_inner()
}
