//! The web application: components, routes and server functions. Compiled twice: with
//! `ssr` into the server, and with `hydrate` into the browser bundle.

// Views nest deeply typed futures when hydrating; the release build needs room.
#![recursion_limit = "256"]

pub mod account;
pub mod auth;
pub mod drafts;
pub mod error;
pub mod live;
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;
pub mod tasks;
#[cfg(feature = "ssr")]
pub mod time;
pub mod ui;

use auth::view::SignInPage;
use leptos::prelude::*;
use leptos_router::{
    components::{FlatRoutes, Route, Router},
    lazy_route, Lazy, LazyRoute, StaticSegment,
};
use tasks::view::TasksPage;

/// The HTML document around the app, rendered on the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // Before anything is painted: the theme this browser was told to use.
                <script nonce=leptos::nonce::use_nonce() inner_html=account::theme::EARLY_SCRIPT></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <link rel="stylesheet" id="leptos" href="/pkg/todo.css" />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
                // Static: drawn by the server only, opened by the tasks page.
                <tasks::view::ShortcutsHelp />
                // After the app, which hydrates from the body's first node.
                <noscript>
                    <p class="no-js" role="alert">
                        "This app needs JavaScript: your session lives in this browser (signing in keeps its token here), and your tasks are drawn by the app. Turn JavaScript on for this site to sign in."
                    </p>
                </noscript>
            </body>
        </html>
    }
}

/// A page may run the site's scripts, the hydration script that carries this request's
/// nonce, and the bundle (`'wasm-unsafe-eval'` lets the browser compile it); it may load
/// styles, images and data from the site only, and be framed by no one. Other answers
/// get a policy that allows nothing (`server::http::security`).
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(response), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    // `cargo leptos watch` reloads the page through a websocket on another port. Read
    // once: the environment does not change while the server runs.
    static RELOAD: std::sync::LazyLock<&str> = std::sync::LazyLock::new(|| {
        if std::env::var_os("LEPTOS_WATCH").is_some() {
            " ws:"
        } else {
            ""
        }
    });
    let reload = *RELOAD;
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; connect-src 'self'{reload}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();

    view! {
        // Each page has its own banner and `<main>`: the tasks page's banner holds the
        // person's name and the way out.
        <Router>
            <FlatRoutes fallback=NotFound>
                <Route path=StaticSegment("") view=Start />
                <Route path=StaticSegment("sign-in") view=SignInPage />
                <Route path=StaticSegment("sign-up") view={Lazy::<SignUpRoute>::new()} />
                <Route path=StaticSegment("tasks") view=TasksPage />
                <Route path=StaticSegment("account") view={Lazy::<AccountRoute>::new()} />
                <Route path=StaticSegment("forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} />
                <Route path=StaticSegment("reset-password") view={Lazy::<ResetPasswordRoute>::new()} />
            </FlatRoutes>
        </Router>
    }
}

/// A page whose code is a chunk of the bundle, loaded when the page is visited (and on a
/// first load, beside the bundle: the server's answer preloads it), so that the bundle
/// `/sign-in` and `/tasks` download does not carry it. For pages opened rarely: a split
/// costs more than it saves for the pages everyone opens (README, Sizes).
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let $route = this;
                $page().into_any()
            }
        }
    };
}

lazy_page!(SignUpRoute, auth::view::SignUpPage);
lazy_page!(AccountRoute, account::view::AccountPage);
lazy_page!(ForgotPasswordRoute, account::view::ForgotPasswordPage);
lazy_page!(ResetPasswordRoute, account::view::ResetPasswordPage);

/// `/` sends a person on: to the tasks when signed in, else to sign in.
#[component]
fn Start() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let signed_in = session::hinted_on_server();
    #[cfg(not(feature = "ssr"))]
    let signed_in = session::token().is_some();
    let path = if signed_in { "/tasks" } else { "/sign-in" };
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(path);
    // In the browser (a link to `/`), a plain replace: the router's `Redirect` is code the
    // bundle need not carry for this one page.
    #[cfg(not(feature = "ssr"))]
    let _ = window().location().replace(path);
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    ui::set_page_title("Not found · Todo");
    view! {
        <header class="app-header">
            <a class="brand" href="/">"Todo"</a>
        </header>
        <main>
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p>
                    <a href="/">"Go to the start page"</a>
                </p>
            </section>
        </main>
    }
    .into_inner()
}
