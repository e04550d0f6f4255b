//! `/account`: the profile, the password, every session, preferences, the export and
//! deleting the account. Each part is its own small form; what happened shows in one
//! status line at the top.

use super::export::download;
use crate::{
    account::{
        api::{
            change_password, delete_account, get_account, get_preferences, rename, set_preferences,
            sign_out_everywhere,
        },
        model::{
            Account, AccountDeletion, PasswordChange, Preferences, PreferencesChange, ProfileChange,
        },
        validate,
    },
    auth::view::form::FormState,
    error::AppError,
    session,
    ui::{describe, set_page_title, Field, FormAlert},
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::{hooks::use_navigate, NavigateOptions};

#[component]
pub fn AccountPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if !session::hinted_on_server() {
        leptos_axum::redirect("/sign-in?next=%2Faccount");
    }
    let account = RwSignal::new(None::<Account>);
    let preferences = RwSignal::new(Preferences::default());
    let status = RwSignal::new(None::<String>);
    let failed = RwSignal::new(None::<String>);
    let navigate = use_navigate();

    Effect::new(move |_| {
        if session::token().is_none() {
            return;
        }
        spawn_local(async move {
            match get_account().await {
                Ok(loaded) => account.set(Some(loaded)),
                Err(AppError::Unauthorized) => {}
                Err(error) => failed.set(Some(describe(&error))),
            }
            if let Ok(loaded) = get_preferences().await {
                crate::account::theme::apply(&loaded.theme);
                preferences.set(loaded);
            }
        });
    });
    let leave = move |reason: &'static str| {
        session::clear();
        navigate(
            &format!("/sign-in?reason={reason}"),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    let has_password =
        Memo::new(move |_| account.with(|a| a.as_ref().is_some_and(|a| a.has_password)));

    set_page_title("Your account · Todo");
    view! {
        <header class="app-header">
            <a class="brand" href="/tasks">"Todo"</a>
            <a class="quiet" href="/tasks">"Back to your tasks"</a>
        </header>
        <main>
            <section class="account" aria-labelledby="account-heading">
                <h1 id="account-heading">"Your account"</h1>
                <p class="notice" role="status" aria-live="polite" class:hidden=move || status.with(Option::is_none)>
                    {move || status.get().unwrap_or_default()}
                </p>
                <p class="form-alert" role="alert" class:hidden=move || failed.with(Option::is_none)>
                    {move || failed.get().map(|m| format!("Your account could not be loaded. {m}")).unwrap_or_default()}
                </p>
                <Profile account status />
                <div class:hidden=move || !has_password.get()>
                    <PasswordForm status />
                </div>
                <PreferencesForm preferences status />
                <section aria-labelledby="sessions-heading">
                    <h2 id="sessions-heading">"Sessions"</h2>
                    <p>"Signed in on a device you no longer have? Sign out on every device, this one included."</p>
                    <button type="button" on:click={
                        let leave = leave.clone();
                        move |_| {
                            let leave = leave.clone();
                            spawn_local(async move {
                                match sign_out_everywhere().await {
                                    Ok(()) => leave(session::SIGNED_OUT_EVERYWHERE),
                                    Err(error) => status.set(Some(describe(&error))),
                                }
                            });
                        }
                    }>"Sign out everywhere"</button>
                </section>
                <section aria-labelledby="export-heading">
                    <h2 id="export-heading">"Your data"</h2>
                    <p>"Download your profile, preferences and every task as one JSON file."</p>
                    <button type="button" on:click=move |_| {
                        spawn_local(async move {
                            if let Err(message) = download().await {
                                status.set(Some(message));
                            }
                        });
                    }>"Download my data"</button>
                </section>
                <DeleteForm has_password on_deleted=Callback::new(move |()| leave(session::ACCOUNT_DELETED)) />
            </section>
        </main>
    }
    .into_inner()
}

#[component]
fn Profile(account: RwSignal<Option<Account>>, status: RwSignal<Option<String>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let form = FormState::new();
    let name_ref = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(loaded) = account.get() {
            name.set(loaded.user.name);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = [("name", name_ref)];
        let change = ProfileChange {
            name: Some(name.get_untracked()),
        };
        if !form.start(validate::name(change.name.clone()).map(drop), &fields) {
            return;
        }
        spawn_local(async move {
            match rename(change).await {
                Ok(changed) => {
                    account.set(Some(changed));
                    status.set(Some("Your name is saved.".into()));
                }
                Err(error) => {
                    form.refuse(&error, false, &fields);
                }
            }
            form.busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="profile-heading">
            <h2 id="profile-heading">"Profile"</h2>
            <p>"Email: " <span class="email">{move || account.with(|a| a.as_ref().map(|a| a.user.email.clone()).unwrap_or_default())}</span></p>
            <FormAlert message=form.alert />
            <form novalidate on:submit=submit>
                <Field id="name" label="Name" autocomplete="name" value=name error=form.error("name") node_ref=name_ref />
                <button type="submit" disabled=move || form.busy.get()>"Save name"</button>
            </form>
        </section>
    }
    .into_inner()
}

#[component]
fn PasswordForm(status: RwSignal<Option<String>>) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let form = FormState::new();
    let current_ref = NodeRef::<html::Input>::new();
    let new_ref = NodeRef::<html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = [("current_password", current_ref), ("new_password", new_ref)];
        let change = PasswordChange {
            current_password: Some(current.get_untracked()),
            new_password: Some(new.get_untracked()),
        };
        if !form.start(validate::password_change(change.clone()).map(drop), &fields) {
            return;
        }
        spawn_local(async move {
            let result = change_password(change).await;
            current.set(String::new());
            match result {
                Ok(session) => {
                    session::store(&session);
                    new.set(String::new());
                    status.set(Some(
                        "Your password is changed. Every other device is signed out.".into(),
                    ));
                }
                Err(AppError::WrongPassword) => {
                    let wrong =
                        AppError::field("current_password", "This is not your current password.");
                    form.refuse(&wrong, false, &fields);
                }
                Err(error) => {
                    form.refuse(&error, false, &fields);
                }
            }
            form.busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">"Password"</h2>
            <FormAlert message=form.alert />
            <form novalidate on:submit=submit>
                <Field id="current_password" label="Current password" kind="password" autocomplete="current-password" value=current error=form.error("current_password") node_ref=current_ref />
                <Field id="new_password" label="New password" kind="password" autocomplete="new-password" hint="At least 8 characters. Your other devices will be signed out." value=new error=form.error("new_password") node_ref=new_ref />
                <button type="submit" disabled=move || form.busy.get()>"Change password"</button>
            </form>
        </section>
    }
    .into_inner()
}

/// A `<select>` of one preference.
#[component]
fn Choice(
    id: &'static str,
    label: &'static str,
    options: [(&'static str, &'static str); 3],
    value: RwSignal<String>,
) -> impl IntoView {
    // Written out, not mapped: a list of views brings its own diffing code.
    let [first, second, third] =
        options.map(|(v, text)| view! { <option value=v>{text}</option> }.into_inner());
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {first}
                {second}
                {third}
            </select>
        </div>
    }
    .into_inner()
}

#[component]
fn PreferencesForm(
    preferences: RwSignal<Preferences>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(String::new());
    let theme = RwSignal::new(String::new());
    let form = FormState::new();
    Effect::new(move |_| {
        preferences.with(|p| {
            filter.set(p.filter.clone());
            sort.set(p.sort.clone());
            theme.set(p.theme.clone());
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = PreferencesChange {
            filter: Some(filter.get_untracked()),
            sort: Some(sort.get_untracked()),
            theme: Some(theme.get_untracked()),
        };
        form.busy.set(true);
        spawn_local(async move {
            match set_preferences(change).await {
                Ok(saved) => {
                    crate::account::theme::apply(&saved.theme);
                    preferences.set(saved);
                    status.set(Some("Your preferences are saved for every device.".into()));
                }
                Err(error) => {
                    form.refuse(&error, false, &[]);
                }
            }
            form.busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="preferences-heading">
            <h2 id="preferences-heading">"Preferences"</h2>
            <FormAlert message=form.alert />
            <form novalidate on:submit=submit>
                <Choice id="filter" label="Show at first" options=[("all", "All tasks"), ("pending", "Pending"), ("completed", "Completed")] value=filter />
                <Choice id="sort" label="Order" options=[("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "By title")] value=sort />
                <Choice id="theme" label="Theme" options=[("system", "As the system"), ("light", "Light"), ("dark", "Dark")] value=theme />
                <button type="submit" disabled=move || form.busy.get()>"Save preferences"</button>
            </form>
        </section>
    }
    .into_inner()
}

#[component]
fn DeleteForm(has_password: Memo<bool>, on_deleted: Callback<()>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let form = FormState::new();
    let password_ref = NodeRef::<html::Input>::new();
    let confirm_ref = NodeRef::<html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = [("password", password_ref), ("confirm", confirm_ref)];
        let deletion = if has_password.get_untracked() {
            AccountDeletion {
                password: Some(password.get_untracked()),
                confirm: None,
            }
        } else {
            AccountDeletion {
                password: None,
                confirm: Some(confirm.get_untracked()),
            }
        };
        if !form.start(Ok(()), &fields) {
            return;
        }
        spawn_local(async move {
            match delete_account(deletion).await {
                Ok(()) => on_deleted.run(()),
                Err(AppError::WrongPassword) => {
                    password.set(String::new());
                    let wrong = AppError::field("password", "This is not your password.");
                    form.refuse(&wrong, false, &fields);
                }
                Err(error) => {
                    form.refuse(&error, false, &fields);
                }
            }
            form.busy.set(false);
        });
    };
    view! {
        <section class="danger" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete your account"</h2>
            <p>"Your account, your tasks and your preferences are deleted for good, and every device is signed out."</p>
            <FormAlert message=form.alert />
            <form novalidate on:submit=submit>
                <div class:hidden=move || !has_password.get()>
                    <Field id="password" label="Your password" kind="password" autocomplete="current-password" value=password error=form.error("password") node_ref=password_ref />
                </div>
                <div class:hidden=move || has_password.get()>
                    <Field id="confirm" label="Type delete to confirm" autocomplete="off" value=confirm error=form.error("confirm") node_ref=confirm_ref />
                </div>
                <button type="submit" class="danger" disabled=move || form.busy.get()>"Delete my account"</button>
            </form>
        </section>
    }
    .into_inner()
}
