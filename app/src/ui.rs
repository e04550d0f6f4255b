//! Small pieces the pages share: labelled fields with their errors, the alert at the
//! top of a form, the "has the page hydrated" flag.

use crate::error::{AppError, FieldError};
use leptos::{html, prelude::*};

/// False during server rendering and until hydration; then true. The add form's button
/// stays disabled until then, so that no click is lost or sent as a plain form. The
/// sign-in and sign-up buttons are always enabled: they look and work as buttons
/// without JavaScript too, and that plain POST gets a page that explains
/// (`server::http::no_script`).
pub fn hydrated() -> RwSignal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}

/// Sets the document title. On the server leptos_meta's `Title` writes it into the page's
/// head: it registers the text when called, and its view renders nothing, so the view is
/// not placed in the page. The browser sets it directly, since a client-side meta context
/// costs the bundle far more than one string. Call it in a page's body, not its view:
/// both builds then render the same nodes, and hydrate alike.
pub fn set_page_title(text: &'static str) {
    #[cfg(feature = "ssr")]
    drop(leptos_meta::Title(
        leptos_meta::TitleProps::builder().text(text).build(),
    ));
    #[cfg(feature = "hydrate")]
    document().set_title(text);
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let _ = text;
}

/// The message for a field, from a list of field errors.
pub fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// What to tell a person about an error that is not about one field.
pub fn describe(error: &AppError) -> String {
    match error {
        AppError::InvalidCredentials => "The email or password is incorrect.".into(),
        AppError::TooManyRequests { retry_after_secs } if *retry_after_secs < 60 => {
            "The server is busy. Try again in a few seconds.".into()
        }
        AppError::TooManyRequests { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60);
            format!(
                "Too many attempts. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            )
        }
        AppError::Unavailable => {
            "The service is unavailable right now. Try again in a moment.".into()
        }
        AppError::Transport { .. } => {
            "The server cannot be reached. Check your connection and try again.".into()
        }
        AppError::Unauthorized => "Your session has ended, please sign in again.".into(),
        AppError::NotFound => "That task no longer exists.".into(),
        AppError::Conflict { detail } | AppError::LimitReached { detail } => detail.clone(),
        AppError::Validation { errors } => errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "Some fields are invalid.".into()),
        _ => "Something went wrong. Try again.".into(),
    }
}

/// "1 item", "2 items".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A labelled input with its error, tied together for screen readers.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    node_ref: NodeRef<html::Input>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    // A password can be shown while typing it (`reveal`).
    let shown = RwSignal::new(false);
    // The error's paragraph is always there, empty while there is none: one fixed list.
    let described_by = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            // Always drawn, hidden without a hint: less code in the bundle than a choice.
            <p class="hint" id=hint_id hidden=hint.is_none()>{hint.unwrap_or_default()}</p>
            <div class="input-row">
            <input
                id=id
                name=id
                type=move || Some(if shown.get() { "text" } else { kind })
                autocomplete=autocomplete
                node_ref=node_ref
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            // Named by its text, not aria-label, so the field alone has the label "Password".
            <button
                type="button"
                class="quiet reveal"
                hidden=kind != "password"
                aria-pressed=move || Some(if shown.get() { "true" } else { "false" })
                aria-controls=id
                on:click=move |_| shown.update(|s| *s = !*s)
            >
                "Show"
                <span class="visually-hidden">" password"</span>
            </button>
            </div>
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
    .into_inner()
}

/// The alert at the top of a form, announced when it appears.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-alert-slot" aria-live="assertive">
            <p class="form-alert" role="alert" class:hidden=move || message.with(Option::is_none)>
                {move || message.get().unwrap_or_default()}
            </p>
        </div>
    }
    .into_inner()
}
