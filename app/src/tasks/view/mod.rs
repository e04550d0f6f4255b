//! The tasks page: everything a todo list does, with changes shown at once and rolled
//! back with a message if the server refuses them.
//!
//! The page loads the list and watches the session; `store` owns the list and every
//! change to it; the components each draw one part: `add_form`, `toolbar` (with the
//! footer), `item` (a list and its rows), `completed` (the All view's Completed
//! section), `editor`, `notices`, `shortcuts` (with their help). `focus` keeps the
//! keyboard focus in place as the list changes; `sync` keeps the list current with
//! changes made on other devices.

mod add_form;
mod completed;
mod editor;
mod focus;
mod item;
mod notices;
mod order;
mod shortcuts;

#[cfg(feature = "ssr")]
pub use shortcuts::ShortcutsHelp;
mod store;
#[cfg(feature = "hydrate")]
mod sync;
mod toolbar;

use self::{
    add_form::{NewTaskFields, NewTaskForm},
    completed::CompletedSection,
    item::{Rows, TaskList},
    notices::{NoticeBar, Notices},
    order::{href, Order},
    store::TaskStore,
    toolbar::{ListFooter, Toolbar},
};
use super::{
    api::list_tasks,
    model::{ListQuery, StatusFilter, Task},
};
use crate::{
    account::{api::get_preferences, theme},
    auth::api::sign_out,
    drafts,
    error::AppError,
    session,
    ui::{describe, set_page_title},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

/// Every task of the user, following the pages to the end.
async fn fetch_all() -> Result<Vec<Task>, AppError> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = list_tasks(ListQuery {
            cursor,
            ..ListQuery::default()
        })
        .await?;
        all.extend(page.tasks);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// The person's preferences, chosen on any device: the theme, and the filter and order
/// of a list opened without them in its address.
async fn apply_preferences(open: Option<Callback<String>>) {
    let Ok(chosen) = get_preferences().await else {
        return;
    };
    theme::apply(&chosen.theme);
    let status = StatusFilter::parse(&chosen.filter).unwrap_or_default();
    let order = Order::parse(&chosen.sort).unwrap_or(Order::Newest);
    if let Some(open) = open.filter(|_| (status, order) != (StatusFilter::All, Order::Newest)) {
        open.run(href(status, order));
    }
}

#[component]
pub fn TasksPage() -> impl IntoView {
    // Without the hint cookie there is no stored token: sign in first, from the server.
    #[cfg(feature = "ssr")]
    if !session::hinted_on_server() {
        leptos_axum::redirect("/sign-in?next=%2Ftasks");
    }

    let query = use_query_map();
    let status = Memo::new(move |_| {
        query
            .with(|q| q.get("status").and_then(|s| StatusFilter::parse(&s)))
            .unwrap_or_default()
    });
    let order = Memo::new(move |_| {
        query
            .with(|q| q.get("sort").and_then(|s| Order::parse(&s)))
            .unwrap_or(Order::Newest)
    });

    let notices = Notices::new();
    let store = TaskStore::new(notices);
    // Pending tasks first, in All too; the All view shows the completed ones in their
    // own section below (`completed`).
    let first = store.visible(
        Memo::new(move |_| match status.get() {
            StatusFilter::Completed => StatusFilter::Completed,
            _ => StatusFilter::Pending,
        }),
        order,
    );
    // Loading until one of these is set: signals of types the bundle already has code for.
    let ready = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let rows = Rows {
        store,
        resume: RwSignal::new(None),
        settling: RwSignal::new(None),
    };
    let resume = rows.resume;
    let adding = NewTaskFields::new();
    shortcuts::listen();
    let navigate = use_navigate();

    let open_view = Callback::new({
        let navigate = navigate.clone();
        move |path: String| {
            navigate(
                &path,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            )
        }
    });
    let query_is_empty =
        move || query.with_untracked(|q| q.get("status").is_none() && q.get("sort").is_none());
    let fetch = move || {
        ready.set(false);
        failed.set(None);
        spawn_local(async move {
            match fetch_all().await {
                Ok(all) => {
                    // Before the items are made: the one being edited opens as it is made.
                    resume.set(drafts::edit());
                    adding.restore();
                    store.load(all);
                    ready.set(true);
                    apply_preferences(query_is_empty().then_some(open_view)).await;
                }
                Err(AppError::Unauthorized) => {}
                Err(error) => failed.set(Some(describe(&error))),
            }
        });
    };

    // In the browser only: without a token go and sign in, else load the tasks. A
    // sign-out in another tab (the token leaves local storage) ends this page too.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if session::token().is_none() {
                navigate(
                    "/sign-in?next=%2Ftasks",
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            } else {
                fetch();
            }
        }
    });
    let signed_out_elsewhere = window_event_listener(leptos::ev::storage, move |ev| {
        if ev.key().as_deref() == Some(session::TOKEN_KEY) && ev.new_value().is_none() {
            session::signed_out_elsewhere();
        }
    });
    on_cleanup(move || signed_out_elsewhere.remove());

    let sign_out_now = {
        let navigate = navigate.clone();
        move |_| {
            let navigate = navigate.clone();
            spawn_local(async move {
                // Signed out here whatever the server says: the token leaves this
                // browser, before the server is told.
                drafts::forget_all();
                let _ = session::sign_out_first(sign_out).await;
                navigate("/sign-in", NavigateOptions::default());
            });
        }
    };

    let choose_order = Callback::new(move |chosen: Order| {
        navigate(
            &href(status.get_untracked(), chosen),
            NavigateOptions::default(),
        );
    });

    let user = RwSignal::new(None);
    Effect::new(move |_| user.set(session::display_name()));
    // Changes made on other devices and tabs show here as they happen. Under an owner of
    // its own: a task holds its owner alive, and the page's must be free to go, taking
    // this one (and the stream) with it.
    #[cfg(feature = "hydrate")]
    Owner::current()
        .unwrap_or_default()
        .child()
        .with(|| leptos::task::spawn_local_scoped(sync::keep_current(store, ready)));

    set_page_title("Tasks · Todo");
    view! {
        <header class="app-header">
            <a class="brand" href="/tasks">"Todo"</a>
            <span class="who">{move || user.get().unwrap_or_default()}</span>
            <a class="quiet" href="/account">"Account"</a>
            <button
                type="button"
                class="quiet"
                aria-keyshortcuts="?"
                on:click=|_| shortcuts::open_help()
            >
                "Shortcuts"
            </button>
            <button type="button" class="quiet" on:click=sign_out_now>
                "Sign out"
            </button>
        </header>
        <main>
            <section class="tasks" aria-labelledby="tasks-heading">
                <h1 id="tasks-heading">"Tasks"</h1>
                <NewTaskForm fields=adding store status order />
                // All three states are in the page; the load state shows one. Toggling a
                // class is much less code in the browser bundle than a view per state.
                <ul
                    class="task-list loading"
                    class:hidden=move || ready.get() || failed.with(Option::is_some)
                    aria-busy="true"
                    aria-label="Loading tasks"
                >
                    <li class="placeholder"></li>
                    <li class="placeholder"></li>
                    <li class="placeholder"></li>
                </ul>
                <div class="load-error" role="alert" class:hidden=move || failed.with(Option::is_none)>
                    <p>
                        {move || {
                            failed
                                .get()
                                .map(|message| format!("Your tasks could not be loaded. {message}"))
                                .unwrap_or_default()
                        }}
                    </p>
                    <button type="button" on:click=move |_| fetch()>"Try again"</button>
                </div>
                <div class="loaded" class:hidden=move || !ready.get()>
                    <Toolbar store status order on_order=choose_order />
                    <p class="empty" class:hidden=move || !first.with(Vec::is_empty)>
                        {move || String::from(match (status.get(), store.counts()) {
                            (_, counts) if counts.all == 0 => "Nothing to do yet. Add your first task above.",
                            (StatusFilter::Completed, _) => "No completed tasks yet.",
                            _ => "Nothing pending. Well done!",
                        })}
                    </p>
                    <TaskList rows visible=first label="Tasks" />
                    <CompletedSection rows store status order />
                    <ListFooter store />
                </div>
            </section>
        </main>
        <NoticeBar notices undo=Callback::new(move |tasks| store.restore(tasks)) />
    }
    .into_inner()
}
