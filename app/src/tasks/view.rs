//! The tasks page: everything a todo list does, with changes shown at once and rolled
//! back with a message if the server refuses them.

use super::{
    api::{
        clear_completed, create_task, delete_task, list_tasks, restore_task, set_all_completed,
        set_task_completion, update_task,
    },
    model::{ListQuery, NewTask, StatusFilter, Task},
    validate,
};
use crate::{
    auth::api::sign_out,
    drafts,
    error::AppError,
    session,
    ui::{describe, hydrated, set_page_title},
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use std::{cmp::Ordering, time::Duration};

/// The orders the page offers, kept in the URL as `?sort=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Newest,
    Oldest,
    Title,
}

impl Order {
    const ALL: [Order; 3] = [Order::Newest, Order::Oldest, Order::Title];

    fn parse(value: &str) -> Option<Self> {
        Order::ALL.into_iter().find(|o| o.as_str() == value)
    }

    fn as_str(self) -> &'static str {
        match self {
            Order::Newest => "newest",
            Order::Oldest => "oldest",
            Order::Title => "title",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Order::Newest => "Newest first",
            Order::Oldest => "Oldest first",
            Order::Title => "By title",
        }
    }

    fn sort(self, tasks: &mut [Task]) {
        let by_title = (self == Order::Title).then(title_order);
        // One comparator, so one sort in the bundle. RFC 3339 UTC times of one format
        // sort as text; the id breaks ties.
        tasks.sort_unstable_by(|a, b| {
            let by_key = match (&by_title, self) {
                (Some(by_title), _) => by_title(&a.title, &b.title),
                (None, Order::Newest) => b.created_at.cmp(&a.created_at),
                (None, _) => a.created_at.cmp(&b.created_at),
            };
            by_key.then_with(|| match self {
                Order::Newest => b.id.cmp(&a.id),
                _ => a.id.cmp(&b.id),
            })
        });
    }
}

/// Titles in the order a person reading them expects: the browser's collation for their
/// language, ignoring case, with accented letters beside their base letter and numbers
/// by value ("Task 9" before "Task 10"). It also keeps Unicode's case tables, 7 KB
/// gzipped, out of the bundle.
#[cfg(feature = "hydrate")]
fn title_order() -> impl Fn(&str, &str) -> Ordering {
    use wasm_bindgen::JsValue;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"sensitivity".into(), &"accent".into());
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &JsValue::TRUE);
    let compare = js_sys::Intl::Collator::new(&js_sys::Array::new(), &options).compare();
    move |a, b| {
        let sign = compare
            .call2(&JsValue::NULL, &a.into(), &b.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        if sign < 0.0 {
            Ordering::Less
        } else if sign > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
}

/// Off the browser (the server renders the list empty; unit tests), case-insensitive.
#[cfg(not(feature = "hydrate"))]
fn title_order() -> impl Fn(&str, &str) -> Ordering {
    |a, b| {
        a.chars()
            .flat_map(char::to_lowercase)
            .cmp(b.chars().flat_map(char::to_lowercase))
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// The message at the bottom of the page, with an undo for a delete.
#[derive(Clone, Debug)]
struct Notice {
    serial: u64,
    text: String,
    undo: Option<Task>,
    error: bool,
}

const NOTICE_FOR: Duration = Duration::from_secs(6);

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

fn href(status: StatusFilter, order: Order) -> String {
    format!("/tasks?status={}&sort={}", status.as_str(), order.as_str())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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

    let tasks = RwSignal::new(Vec::<Task>::new());
    let load = RwSignal::new(Load::Loading);
    // An editor that was open when the session ended: opened again once, after loading.
    let resume = RwSignal::new(None::<(String, String)>);
    let adding = NewTaskFields::new();
    let notice = RwSignal::new(None::<Notice>);
    let serial = StoredValue::new(0u64);
    let navigate = use_navigate();

    let counts = Memo::new(move |_| {
        tasks.with(|all| {
            let done = all.iter().filter(|t| t.completed).count();
            (all.len(), all.len() - done, done)
        })
    });
    let visible = Memo::new(move |_| {
        let wanted = status.get();
        let mut shown: Vec<Task> = tasks.with(|all| {
            all.iter()
                .filter(|t| match wanted {
                    StatusFilter::All => true,
                    StatusFilter::Pending => !t.completed,
                    StatusFilter::Completed => t.completed,
                })
                .cloned()
                .collect()
        });
        order.get().sort(&mut shown);
        shown
    });

    let say = move |text: String, undo: Option<Task>, error: bool| {
        let mine = serial.get_value() + 1;
        serial.set_value(mine);
        notice.set(Some(Notice {
            serial: mine,
            text,
            undo,
            error,
        }));
        set_timeout(
            move || {
                if notice.with_untracked(|n| n.as_ref().map(|n| n.serial)) == Some(mine) {
                    notice.set(None);
                }
            },
            NOTICE_FOR,
        );
    };
    // A 401 has already sent the page to sign in; anything else is said.
    let fail = move |error: AppError| {
        if error != AppError::Unauthorized {
            say(format!("Not saved: {}", describe(&error)), None, true);
        }
    };
    let replace = move |task: Task| {
        tasks.update(|all| {
            if let Some(slot) = all.iter_mut().find(|t| t.id == task.id) {
                *slot = task;
            }
        })
    };
    let find = move |id: &str| tasks.with_untracked(|all| all.iter().find(|t| t.id == id).cloned());

    let fetch = move || {
        load.set(Load::Loading);
        spawn_local(async move {
            match fetch_all().await {
                Ok(all) => {
                    // Before the items are made: the one being edited opens as it is made.
                    resume.set(drafts::edit());
                    adding.restore();
                    tasks.set(all);
                    load.set(Load::Ready);
                }
                Err(AppError::Unauthorized) => {}
                Err(error) => load.set(Load::Failed(describe(&error))),
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
            let _ = window().location().assign("/sign-in");
        }
    });
    on_cleanup(move || signed_out_elsewhere.remove());

    let toggle = Callback::new(move |id: String| {
        let Some(before) = find(&id) else { return };
        let wanted = !before.completed;
        replace(Task {
            completed: wanted,
            ..before.clone()
        });
        spawn_local(async move {
            match set_task_completion(id, Some(wanted)).await {
                Ok(task) => replace(task),
                Err(error) => {
                    replace(before);
                    fail(error);
                }
            }
        });
    });

    let rename = Callback::new(move |(id, title): (String, String)| {
        let Some(before) = find(&id) else { return };
        replace(Task {
            title: title.clone(),
            ..before.clone()
        });
        spawn_local(async move {
            match update_task(id, Some(title), None, None).await {
                Ok(task) => {
                    drafts::forget_edit();
                    replace(task);
                }
                // Its text waits in the drafts for the person to sign in again.
                Err(AppError::Unauthorized) => {}
                Err(error) => {
                    drafts::forget_edit();
                    replace(before);
                    fail(error);
                }
            }
        });
    });

    let remove = Callback::new(move |id: String| {
        let Some(index) = tasks.with_untracked(|all| all.iter().position(|t| t.id == id)) else {
            return;
        };
        let mut removed = None;
        tasks.update(|all| removed = Some(all.remove(index)));
        let Some(task) = removed else { return };
        spawn_local(async move {
            match delete_task(id).await {
                Ok(()) => say(format!("Deleted “{}”.", task.title), Some(task), false),
                Err(error) => {
                    tasks.update(|all| all.insert(index.min(all.len()), task));
                    fail(error);
                }
            }
        });
    });

    let undo = move |task: Task| {
        notice.set(None);
        spawn_local(async move {
            match restore_task(task).await {
                Ok(task) => tasks.update(|all| all.push(task)),
                Err(error) => fail(error),
            }
        });
    };

    let all_done = Memo::new(move |_| {
        let (all, pending, _) = counts.get();
        all > 0 && pending == 0
    });
    let toggle_all = Callback::new(move |()| {
        let wanted = !all_done.get_untracked();
        let before = tasks.get_untracked();
        tasks.update(|all| all.iter_mut().for_each(|t| t.completed = wanted));
        spawn_local(async move {
            match set_all_completed(wanted).await {
                Ok(changed) => changed.into_iter().for_each(replace),
                Err(error) => {
                    tasks.set(before);
                    fail(error);
                }
            }
        });
    });

    let clear = Callback::new(move |()| {
        let before = tasks.get_untracked();
        tasks.update(|all| all.retain(|t| !t.completed));
        spawn_local(async move {
            match clear_completed().await {
                Ok(n) => say(
                    format!(
                        "Cleared {}.",
                        plural(n as usize, "completed task", "completed tasks")
                    ),
                    None,
                    false,
                ),
                Err(error) => {
                    tasks.set(before);
                    fail(error);
                }
            }
        });
    });

    let sign_out_now = {
        let navigate = navigate.clone();
        move |_| {
            let navigate = navigate.clone();
            spawn_local(async move {
                // Signed out here whatever the server says: the token leaves this browser.
                let _ = sign_out().await;
                session::clear();
                drafts::forget_all();
                navigate("/sign-in", NavigateOptions::default());
            });
        }
    };

    let choose_order = {
        let navigate = navigate.clone();
        Callback::new(move |chosen: Order| {
            navigate(
                &href(status.get_untracked(), chosen),
                NavigateOptions::default(),
            );
        })
    };

    let user = RwSignal::new(None);
    Effect::new(move |_| user.set(session::display_name()));

    set_page_title("Tasks · Todo");
    view! {
        <header class="app-header">
            <span class="brand">"Todo"</span>
            <span class="who">
                {move || user.get()}
            </span>
            <button type="button" class="quiet" on:click=sign_out_now>
                "Sign out"
            </button>
        </header>
        <section class="tasks" aria-labelledby="tasks-heading">
            <h1 id="tasks-heading">"Tasks"</h1>
            <NewTaskForm fields=adding on_created=Callback::new(move |task: Task| tasks.update(|all| all.insert(0, task))) />
            // All three states are in the page; the load state shows one. Toggling a
            // class is much less code in the browser bundle than a view per state.
            <ul
                class="task-list loading"
                class:hidden=move || load.with(|l| *l != Load::Loading)
                aria-busy="true"
                aria-label="Loading tasks"
            >
                <li class="placeholder"></li>
                <li class="placeholder"></li>
                <li class="placeholder"></li>
            </ul>
            <div class="load-error" role="alert" class:hidden=move || load.with(|l| !matches!(l, Load::Failed(_)))>
                <p>
                    {move || match load.get() {
                        Load::Failed(message) => format!("Your tasks could not be loaded. {message}"),
                        _ => String::new(),
                    }}
                </p>
                <button type="button" on:click=move |_| fetch()>"Try again"</button>
            </div>
            <div class="loaded" class:hidden=move || load.with(|l| *l != Load::Ready)>
                <Toolbar counts all_done status order on_toggle_all=toggle_all on_order=choose_order />
                <TaskList visible status counts resume on_toggle=toggle on_rename=rename on_delete=remove />
                <ListFooter counts on_clear=clear />
            </div>
        </section>
        <Notices notice undo=Callback::new(undo) />
    }
}

type Counts = (usize, usize, usize);

#[component]
fn Toolbar(
    counts: Memo<Counts>,
    all_done: Memo<bool>,
    status: Memo<StatusFilter>,
    order: Memo<Order>,
    on_toggle_all: Callback<()>,
    on_order: Callback<Order>,
) -> impl IntoView {
    view! {
        <div class="toolbar">
            <label class="toggle-all" class:hidden=move || counts.get().0 == 0>
                <input
                    type="checkbox"
                    prop:checked=move || all_done.get()
                    on:change=move |_| on_toggle_all.run(())
                />
                {move || if all_done.get() { "Mark all pending" } else { "Mark all complete" }}
            </label>
            <nav class="filters" aria-label="Show">
                {[StatusFilter::All, StatusFilter::Pending, StatusFilter::Completed]
                    .into_iter()
                    .map(|filter| {
                        let label = match filter {
                            StatusFilter::All => "All",
                            StatusFilter::Pending => "Pending",
                            StatusFilter::Completed => "Completed",
                        };
                        let count = move || {
                            let (all, pending, done) = counts.get();
                            match filter {
                                StatusFilter::All => all,
                                StatusFilter::Pending => pending,
                                StatusFilter::Completed => done,
                            }
                        };
                        // A plain link: the router still navigates in place, and its `A`
                        // would mark every filter current (they share one path).
                        view! {
                            <a
                                href=move || href(filter, order.get())
                                class="filter"
                                aria-current=move || (status.get() == filter).then_some("page")
                            >
                                {label}
                                " "
                                <span class="count">{count}</span>
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <label class="sort">
                "Sort "
                <select on:change=move |ev| {
                    if let Some(chosen) = Order::parse(&event_target_value(&ev)) {
                        on_order.run(chosen);
                    }
                }>
                    {Order::ALL
                        .into_iter()
                        .map(|o| {
                            view! {
                                <option value=o.as_str() selected=move || order.get() == o>
                                    {o.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
    .into_any()
}

#[component]
fn TaskList(
    visible: Memo<Vec<Task>>,
    status: Memo<StatusFilter>,
    counts: Memo<Counts>,
    resume: RwSignal<Option<(String, String)>>,
    on_toggle: Callback<String>,
    on_rename: Callback<(String, String)>,
    on_delete: Callback<String>,
) -> impl IntoView {
    view! {
        <p class="empty" class:hidden=move || !visible.with(Vec::is_empty)>
            {move || match (status.get(), counts.get().0) {
                (_, 0) => "Nothing to do yet. Add your first task above.",
                (StatusFilter::Pending, _) => "Nothing pending. Well done!",
                (StatusFilter::Completed, _) => "No completed tasks yet.",
                (StatusFilter::All, _) => "Nothing here.",
            }}
        </p>
        <ul class="task-list" class:hidden=move || visible.with(Vec::is_empty)>
            <For
                each=move || visible.get()
                key=|t| (t.id.clone(), t.title.clone(), t.completed, t.updated_at.clone())
                let(task)
            >
                <TaskItem task resume on_toggle on_rename on_delete />
            </For>
        </ul>
    }
    .into_any()
}

#[component]
fn ListFooter(counts: Memo<Counts>, on_clear: Callback<()>) -> impl IntoView {
    view! {
        <footer class="list-footer" class:hidden=move || counts.get().0 == 0>
            <span class="left" aria-live="polite">
                {move || format!("{} left", plural(counts.get().1, "item", "items"))}
            </span>
            <button
                type="button"
                class="quiet"
                class:hidden=move || counts.get().2 == 0
                on:click=move |_| on_clear.run(())
            >
                "Clear completed"
            </button>
        </footer>
    }
    .into_any()
}

/// The message region: announced to screen readers, with an undo after a delete.
#[component]
fn Notices(notice: RwSignal<Option<Notice>>, undo: Callback<Task>) -> impl IntoView {
    let shown = move || notice.with(Option::is_some);
    let error = move || notice.with(|n| n.as_ref().is_some_and(|n| n.error));
    view! {
        <div class="notice-region" aria-live="polite">
            <div
                class="toast"
                class:hidden=move || !shown()
                class:error=error
                role=move || if error() { "alert" } else { "status" }
            >
                <span>{move || notice.with(|n| n.as_ref().map(|n| n.text.clone()))}</span>
                <button
                    type="button"
                    class="link"
                    class:hidden=move || notice.with(|n| n.as_ref().is_none_or(|n| n.undo.is_none()))
                    on:click=move |_| {
                        if let Some(task) = notice.with_untracked(|n| n.as_ref().and_then(|n| n.undo.clone())) {
                            undo.run(task);
                        }
                    }
                >
                    "Undo"
                </button>
                <button type="button" class="icon" aria-label="Dismiss" on:click=move |_| notice.set(None)>
                    "×"
                </button>
            </div>
        </div>
    }
    .into_any()
}

/// What the add form holds, owned by the page so that it can put back what was being
/// added when a session ended (`crate::drafts`), once the tasks have loaded.
#[derive(Clone, Copy)]
struct NewTaskFields {
    title: RwSignal<String>,
    description: RwSignal<String>,
    details: RwSignal<bool>,
}

impl NewTaskFields {
    fn new() -> Self {
        NewTaskFields {
            title: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            details: RwSignal::new(false),
        }
    }

    fn restore(self) {
        if let Some(text) = drafts::get(drafts::NEW_TITLE) {
            self.title.set(text);
        }
        if let Some(text) = drafts::get(drafts::NEW_DESCRIPTION) {
            self.description.set(text);
            self.details.set(true);
        }
    }
}

#[component]
fn NewTaskForm(fields: NewTaskFields, on_created: Callback<Task>) -> impl IntoView {
    let NewTaskFields {
        title,
        description,
        details,
    } = fields;
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let title_ref = NodeRef::<html::Input>::new();
    let hydrated = hydrated();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let text = description.get_untracked();
        let input = NewTask {
            title: Some(title.get_untracked()),
            description: (!text.trim().is_empty()).then_some(text),
        };
        if let Err(AppError::Validation { errors }) = validate::new_task(input.clone()) {
            error.set(errors.first().map(|e| e.message.clone()));
            if let Some(field) = title_ref.get_untracked() {
                let _ = field.focus();
            }
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match create_task(input).await {
                Ok(task) => {
                    on_created.run(task);
                    drafts::forget(drafts::NEW_TITLE);
                    drafts::forget(drafts::NEW_DESCRIPTION);
                    title.set(String::new());
                    description.set(String::new());
                    details.set(false);
                    error.set(None);
                    if let Some(field) = title_ref.get_untracked() {
                        let _ = field.focus();
                    }
                }
                Err(AppError::Unauthorized) => {}
                Err(other) => error.set(Some(describe(&other))),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="new-task" method="post" action="/tasks" novalidate on:submit=submit>
            <div class="row">
                <label for="new-title" class="visually-hidden">"New task"</label>
                <input
                    id="new-title"
                    class="new-title"
                    placeholder="What needs to be done?"
                    autocomplete="off"
                    maxlength="400"
                    node_ref=title_ref
                    prop:value=move || title.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        drafts::keep(drafts::NEW_TITLE, &text);
                        title.set(text);
                        error.set(None);
                    }
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby="new-title-error"
                />
                <button type="submit" class="primary" disabled=move || !hydrated.get() || busy.get()
                    aria-busy=move || busy.get().then_some("true")>
                    {move || if busy.get() { "Adding…" } else { "Add" }}
                </button>
            </div>
            <p class="field-error" id="new-title-error" aria-live="polite">{move || error.get()}</p>
            <button type="button" class="link" class:hidden=move || details.get() on:click=move |_| details.set(true)>
                "Add details"
            </button>
            <div class="details" class:hidden=move || !details.get()>
                <label for="new-description" class="visually-hidden">"Details"</label>
                <textarea
                    id="new-description"
                    class="new-description"
                    placeholder="Details (optional)"
                    rows="2"
                    prop:value=move || description.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        drafts::keep(drafts::NEW_DESCRIPTION, &text);
                        description.set(text);
                    }
                ></textarea>
            </div>
        </form>
    }
}

#[component]
fn TaskItem(
    task: Task,
    resume: RwSignal<Option<(String, String)>>,
    on_toggle: Callback<String>,
    on_rename: Callback<(String, String)>,
    on_delete: Callback<String>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let input = NodeRef::<html::Input>::new();
    let id = StoredValue::new(task.id.clone());
    let title = StoredValue::new(task.title.clone());
    let error_id = format!("edit-{}-error", task.id);

    let start = move |text: String| {
        draft.set(text);
        error.set(None);
        editing.set(true);
        request_animation_frame(move || {
            if let Some(field) = input.get_untracked() {
                let _ = field.focus();
                field.select();
            }
        });
    };
    let finish = move |save: bool| {
        if !editing.get_untracked() {
            return;
        }
        if save {
            let text = draft.get_untracked().trim().to_owned();
            if let Some(problem) = validate::title_problem(&text) {
                error.set(Some(problem));
                return;
            }
            if text != title.get_value() {
                on_rename.run((id.get_value(), text));
                editing.set(false);
                error.set(None);
                return;
            }
        }
        drafts::forget_edit();
        editing.set(false);
        error.set(None);
    };
    // The editor that was open when the session ended, if it was this task's. Items
    // are made in the browser only, after the tasks load, so this hydrates nothing.
    if resume.with_untracked(|r| r.as_ref().is_some_and(|(task, _)| *task == id.get_value())) {
        if let Some((_, text)) = resume.try_update(Option::take).flatten() {
            start(text);
        }
    }

    let done = task.completed;
    let label = task.title.clone();
    view! {
        <li class="task" class:completed=done class:editing=move || editing.get()>
            <input
                type="checkbox"
                class="toggle"
                prop:checked=done
                on:change=move |_| on_toggle.run(id.get_value())
                aria-label=format!("Completed: {label}")
            />
            // The task and its editor are both there; the row's `editing` class shows
            // one (style/main.css).
            <div class="body shown-idle" on:dblclick=move |_| start(title.get_value())>
                <span class="title">{task.title.clone()}</span>
                {task
                    .description
                    .clone()
                    .filter(|d| !d.is_empty())
                    .map(|d| view! { <span class="description">{d}</span> })}
            </div>
            <div class="actions shown-idle">
                <button type="button" class="icon" on:click=move |_| start(title.get_value())
                    aria-label=format!("Edit {}", task.title)>"Edit"</button>
                <button type="button" class="icon danger" on:click=move |_| on_delete.run(id.get_value())
                    aria-label=format!("Delete {}", task.title)>"Delete"</button>
            </div>
            <div class="body shown-editing">
                <input
                    class="edit"
                    node_ref=input
                    aria-label="Edit title"
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=error_id.clone()
                    prop:value=move || draft.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        drafts::keep_edit(&id.get_value(), &text);
                        draft.set(text);
                    }
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => finish(true),
                        "Escape" => finish(false),
                        _ => {}
                    }
                    on:blur=move |_| finish(true)
                />
                <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
            </div>
        </li>
    }
    .into_any()
}
