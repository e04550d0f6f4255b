//! Above the list: mark all, the filters with their counts, the order. Below it: what is
//! left and "Clear completed".

use super::{
    order::{href, Order},
    store::TaskStore,
};
use crate::{tasks::model::StatusFilter, ui::plural};
use leptos::prelude::*;

#[component]
pub(super) fn Toolbar(
    store: TaskStore,
    status: Memo<StatusFilter>,
    order: Memo<Order>,
    on_order: Callback<Order>,
) -> impl IntoView {
    let all_done = move || store.counts().all_done();
    view! {
        <div class="toolbar">
            // Keeps its place while there is nothing to mark, so the toolbar does not
            // move when the first task comes.
            <label class="toggle-all" class:invisible=move || store.counts().all == 0>
                <input
                    type="checkbox"
                    prop:checked=all_done
                    on:change=move |_| store.complete_all()
                />
                {move || String::from(if all_done() { "Mark all pending" } else { "Mark all complete" })}
            </label>
            <nav class="filters" aria-label="Show">
                // Written out, not mapped from a list: a list of views brings its own
                // diffing code into the bundle.
                {filter_link(StatusFilter::All, store, status, order)}
                {filter_link(StatusFilter::Pending, store, status, order)}
                {filter_link(StatusFilter::Completed, store, status, order)}
            </nav>
            <div class="sort">
                <label for="sort">"Sort"</label>
                <select id="sort" on:change=move |ev| {
                    if let Some(chosen) = Order::parse(&event_target_value(&ev)) {
                        on_order.run(chosen);
                    }
                }>
                    {sort_option(Order::Newest, order)}
                    {sort_option(Order::Oldest, order)}
                    {sort_option(Order::Title, order)}
                </select>
            </div>
        </div>
    }
    .into_inner()
    .into_any()
}

/// One filter with its count. A plain link: the router still navigates in place, and
/// its `A` would mark every filter current (they share one path).
fn filter_link(
    filter: StatusFilter,
    store: TaskStore,
    status: Memo<StatusFilter>,
    order: Memo<Order>,
) -> impl IntoView {
    let label = match filter {
        StatusFilter::All => "All",
        StatusFilter::Pending => "Pending",
        StatusFilter::Completed => "Completed",
    };
    view! {
        <a
            href=move || href(filter, order.get())
            class="filter"
            aria-current=move || (status.get() == filter).then_some("page")
        >
            {label}
            " "
            <span class="count">{move || store.counts().of(filter).to_string()}</span>
        </a>
    }
    .into_inner()
}

fn sort_option(this: Order, order: Memo<Order>) -> impl IntoView {
    view! {
        <option value=this.as_str() selected=move || order.get() == this>
            {this.label()}
        </option>
    }
    .into_inner()
}

#[component]
pub(super) fn ListFooter(store: TaskStore) -> impl IntoView {
    view! {
        <footer class="list-footer" class:hidden=move || store.counts().all == 0>
            <span class="left" aria-live="polite">
                {move || format!("{} left", plural(store.counts().pending, "item", "items"))}
            </span>
            <button
                type="button"
                class="quiet"
                class:hidden=move || store.counts().completed == 0
                on:click=move |_| store.clear_completed()
            >
                "Clear completed"
            </button>
        </footer>
    }
    .into_inner()
    .into_any()
}
