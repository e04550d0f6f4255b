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
                {move || if all_done() { "Mark all pending" } else { "Mark all complete" }}
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
                                <span class="count">{move || store.counts().of(filter)}</span>
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <div class="sort">
                <label for="sort">"Sort"</label>
                <select id="sort" on:change=move |ev| {
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
            </div>
        </div>
    }
    .into_any()
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
    .into_any()
}
