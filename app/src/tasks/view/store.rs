//! The page's task store: the person's tasks as the page shows them, their counts, and
//! every change to them. A change shows at once (`optimistic`), goes to the server, and
//! if the server refuses it, exactly what it changed is put back and the message says why.

use super::{notices::Notices, order::Order};
use crate::{
    drafts,
    error::AppError,
    tasks::{
        api::{
            clear_completed, create_task, delete_task, restore_task, set_all_completed,
            set_task_completion, update_task,
        },
        model::{NewTask, StatusFilter, Task},
    },
    ui::plural,
};
use leptos::{prelude::*, task::spawn_local};
use std::{future::Future, pin::Pin};

/// How many tasks there are, in all and by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub all: usize,
    pub pending: usize,
    pub completed: usize,
}

impl Counts {
    pub(super) fn of(self, filter: StatusFilter) -> usize {
        match filter {
            StatusFilter::All => self.all,
            StatusFilter::Pending => self.pending,
            StatusFilter::Completed => self.completed,
        }
    }

    /// Every task is done (and there is one).
    pub(super) fn all_done(self) -> bool {
        self.all > 0 && self.pending == 0
    }
}

/// A change the page shows before the server has confirmed it.
enum Change {
    /// A task's new state: completed or not, a new title.
    Put(Task),
    Remove(String),
    CompleteAll(bool),
    ClearCompleted,
}

#[derive(Clone, Copy)]
pub(super) struct TaskStore {
    tasks: RwSignal<Vec<Task>>,
    counts: Memo<Counts>,
    notices: Notices,
    /// Changes sent to the server, and those answered: while they differ, the list
    /// shows something the server may not hold yet (`busy`).
    sent: StoredValue<u64>,
    answered: StoredValue<u64>,
}

impl TaskStore {
    pub(super) fn new(notices: Notices) -> Self {
        let tasks = RwSignal::new(Vec::<Task>::new());
        let counts = Memo::new(move |_| {
            tasks.with(|all| {
                let completed = all.iter().filter(|t| t.completed).count();
                Counts {
                    all: all.len(),
                    pending: all.len() - completed,
                    completed,
                }
            })
        });
        TaskStore {
            tasks,
            counts,
            notices,
            sent: StoredValue::new(0),
            answered: StoredValue::new(0),
        }
    }

    /// Whether a change is on its way to the server.
    #[cfg(feature = "hydrate")]
    pub(super) fn busy(self) -> bool {
        self.sent.try_get_value() != self.answered.try_get_value()
    }

    /// How many changes have been sent: a list read while this moved may miss one.
    #[cfg(feature = "hydrate")]
    pub(super) fn sent(self) -> Option<u64> {
        self.sent.try_get_value()
    }

    /// Counts a change out to the server (`true`) or answered (`false`). An answer may
    /// come after the person has left the page: then there is nothing to count.
    fn sending(self, out: bool) {
        let count = if out { self.sent } else { self.answered };
        if let Some(n) = count.try_get_value() {
            count.set_value(n + 1);
        }
    }

    /// The counts, tracked.
    pub(super) fn counts(self) -> Counts {
        self.counts.get()
    }

    /// One task as it is now, tracked: its row follows it without being made again.
    pub(super) fn watch(self, id: String) -> Memo<Option<Task>> {
        let tasks = self.tasks;
        Memo::new(move |_| tasks.with(|all| all.iter().find(|t| t.id == id).cloned()))
    }

    /// The tasks a filter shows, in an order.
    pub(super) fn visible(self, status: Memo<StatusFilter>, order: Memo<Order>) -> Memo<Vec<Task>> {
        let tasks = self.tasks;
        Memo::new(move |_| {
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
        })
    }

    /// The whole list, as loaded.
    pub(super) fn load(self, all: Vec<Task>) {
        self.tasks.set(all);
    }

    /// The list read again after a change elsewhere. A task deleted on another device
    /// while its editor is open here goes too, and the message offers it back with
    /// what was typed (Undo).
    #[cfg(feature = "hydrate")]
    pub(super) fn load_current(self, all: Vec<Task>) {
        if let Some((id, typed)) = drafts::edit() {
            if let Some(task) = self.find(&id).filter(|_| !all.iter().any(|t| t.id == id)) {
                drafts::forget_edit();
                let typed = typed.trim();
                let title = match crate::tasks::validate::title_problem(typed) {
                    None => typed.to_owned(),
                    Some(_) => task.title.clone(),
                };
                let text = format!("“{}” was deleted on another device.", task.title);
                self.notices.say(text, vec![Task { title, ..task }]);
            }
        }
        self.load(all);
    }

    /// Creates a task; it shows once the server has made it.
    pub(super) async fn create(self, input: NewTask) -> Result<(), AppError> {
        self.sending(true);
        let made = create_task(input).await;
        self.sending(false);
        made.map(|task| self.add(task))
    }

    /// A task the server has made (once: a list read meanwhile may have brought it).
    fn add(self, task: Task) {
        self.tasks
            .update(|all| match all.iter_mut().find(|t| t.id == task.id) {
                Some(slot) => *slot = task,
                None => all.insert(0, task),
            });
    }

    pub(super) fn toggle(self, id: String) {
        let Some(task) = self.find(&id) else { return };
        let wanted = !task.completed;
        self.optimistic(
            Change::Put(Task {
                completed: wanted,
                ..task
            }),
            set_task_completion(id, Some(wanted)),
            move |task, _| self.put(task),
        );
    }

    pub(super) fn rename(self, id: String, title: String) {
        let Some(task) = self.find(&id) else { return };
        let call = {
            let title = title.clone();
            async move {
                let answer = update_task(id, Some(title), None, None).await;
                // Settled either way, but for an ended session: then the text waits in
                // the drafts for the person to sign in again.
                if !matches!(answer, Err(AppError::Unauthorized)) {
                    drafts::forget_edit();
                }
                answer
            }
        };
        self.optimistic(Change::Put(Task { title, ..task }), call, move |task, _| {
            self.put(task)
        });
    }

    pub(super) fn remove(self, id: String) {
        if !self
            .tasks
            .with_untracked(|all| all.iter().any(|t| t.id == id))
        {
            return;
        }
        self.optimistic(
            Change::Remove(id.clone()),
            delete_task(id),
            move |(), gone| self.notices.deleted(gone),
        );
    }

    /// Brings back deleted tasks (the undo of deletes and of a clear), one by one; the
    /// first refusal stops it and says why.
    pub(super) fn restore(self, tasks: Vec<Task>) {
        self.notices.dismiss();
        self.sending(true);
        spawn_local(async move {
            if let Err(error) = restore_each(self, tasks).await {
                self.notices.fail(error);
            }
            self.sending(false);
        });
    }

    /// Completes every task, or makes every one pending when all are done.
    pub(super) fn complete_all(self) {
        let wanted = !self.counts.get_untracked().all_done();
        self.optimistic(
            Change::CompleteAll(wanted),
            complete_all_call(wanted),
            move |changed, _| changed.into_iter().for_each(|task| self.put(task)),
        );
    }

    pub(super) fn clear_completed(self) {
        self.optimistic(
            Change::ClearCompleted,
            clear_completed_call(),
            move |n, cleared| {
                let what = plural(n as usize, "completed task", "completed tasks");
                self.notices.say(format!("Cleared {what}."), cleared)
            },
        );
    }

    /// Shows `change` now and sends `call`; `confirmed` takes the server's answer and
    /// the tasks the change touched, as they were (what an undo brings back). A
    /// refusal puts back the tasks as they were before this change, and only those, so
    /// that a change sent meanwhile keeps its own effect.
    fn optimistic<T: 'static>(
        self,
        change: Change,
        call: impl Future<Output = Result<T, AppError>> + 'static,
        confirmed: impl FnOnce(T, Vec<Task>) + 'static,
    ) {
        let before = self.apply(change);
        self.sending(true);
        spawn_local(async move {
            let answer = call.await;
            self.sending(false);
            match answer {
                Ok(answer) => confirmed(answer, before),
                Err(error) => {
                    self.put_back(before);
                    self.notices.fail(error);
                }
            }
        });
    }

    /// Makes the change; answers the tasks it changed or removed, as they were.
    fn apply(self, change: Change) -> Vec<Task> {
        let mut before = Vec::new();
        self.tasks.update(|all| match change {
            Change::Put(task) => {
                if let Some(slot) = all.iter_mut().find(|t| t.id == task.id) {
                    before.push(std::mem::replace(slot, task));
                }
            }
            Change::Remove(id) => before = take(all, |t| t.id == id),
            Change::CompleteAll(wanted) => {
                for task in all.iter_mut().filter(|t| t.completed != wanted) {
                    before.push(task.clone());
                    task.completed = wanted;
                }
            }
            Change::ClearCompleted => before = take(all, |t| t.completed),
        });
        before
    }

    /// Puts tasks back as they were: each one still here is replaced, each removed one
    /// returns (the page sorts what it shows, so where it goes does not matter).
    fn put_back(self, before: Vec<Task>) {
        self.tasks.update(|all| {
            for task in before {
                match all.iter_mut().find(|t| t.id == task.id) {
                    Some(slot) => *slot = task,
                    None => all.push(task),
                }
            }
        });
    }

    /// The server's word on one task.
    fn put(self, task: Task) {
        self.tasks.update(|all| {
            if let Some(slot) = all.iter_mut().find(|t| t.id == task.id) {
                *slot = task;
            }
        });
    }

    pub(super) fn find(self, id: &str) -> Option<Task> {
        self.tasks
            .with_untracked(|all| all.iter().find(|t| t.id == id).cloned())
    }
}

/// A server call, boxed so that it can come out of a lazy chunk.
type Call<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// A call of a seldom-made change, in a chunk of the bundle named `$chunk` (calls made
/// together share one), fetched on first use, so the first load carries none of them.
/// Fallible, unlike `#[lazy]` (whose failed fetch aborts the whole app): a chunk that
/// cannot be fetched fails the call as the network would, so the page puts the change
/// back and says so, and the next try fetches it again.
macro_rules! lazy_call {
    ($(#[$doc:meta])* $chunk:ident: fn $name:ident($($arg:ident: $ty:ty),*) -> $ok:ty $body:block) => {
        $(#[$doc])*
        #[cfg_attr(
            feature = "hydrate",
            leptos::wasm_split::wasm_split(
                $chunk,
                wasm_split_path = ::leptos::wasm_split,
                fallible,
                return_wrapper(let call = _; { call.await } -> Result<$ok, AppError>)
            )
        )]
        fn $name($($arg: $ty),*) -> Call<$ok> $body
    };
}

lazy_call! {
    /// The undo's calls (which send a whole task): brings back deleted tasks one by one;
    /// the first refusal stops it.
    undo_calls: fn restore_each(store: TaskStore, tasks: Vec<Task>) -> () {
        Box::pin(async move {
            for task in tasks {
                store.add(restore_task(task).await?);
            }
            Ok(())
        })
    }
}

lazy_call! {
    /// Complete all's call.
    bulk_calls: fn complete_all_call(wanted: bool) -> Vec<Task> {
        Box::pin(set_all_completed(wanted))
    }
}

lazy_call! {
    /// Clear completed's call.
    bulk_calls: fn clear_completed_call() -> u64 {
        Box::pin(clear_completed())
    }
}

/// Takes the tasks that match out of the list.
fn take(all: &mut Vec<Task>, matches: impl Fn(&Task) -> bool) -> Vec<Task> {
    let (taken, kept) = std::mem::take(all).into_iter().partition(matches);
    *all = kept;
    taken
}
