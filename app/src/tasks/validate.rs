//! Input rules for tasks, shared by the server (which enforces them) and the browser
//! (which checks them before sending).

use super::model::{
    ListQuery, NewTask, SortKey, SortOrder, StatusFilter, TaskUpdate, DESCRIPTION_MAX_CHARS,
    PAGE_MAX, TITLE_MAX_CHARS,
};
use crate::error::{AppError, FieldError};

/// Titles are trimmed, then must hold 1 to 200 characters.
pub fn title_problem(title: &str) -> Option<&'static str> {
    match title.chars().count() {
        0 => Some("Enter a title."),
        n if n > TITLE_MAX_CHARS => Some("A title has at most 200 characters."),
        _ => None,
    }
}

pub fn description_problem(description: &str) -> Option<&'static str> {
    (description.chars().count() > DESCRIPTION_MAX_CHARS)
        .then_some("A description has at most 2,000 characters.")
}

fn field(errors: &mut Vec<FieldError>, name: &str, problem: Option<&str>) {
    if let Some(message) = problem {
        errors.push(FieldError {
            field: name.into(),
            message: message.into(),
        });
    }
}

fn result<T>(errors: Vec<FieldError>, value: T) -> Result<T, AppError> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(AppError::Validation { errors })
    }
}

/// A task's content once it passed the rules. Only `new_task` makes one, so the
/// repository, which takes nothing else, never writes content that did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTask {
    title: String,
    description: Option<String>,
}

impl ValidTask {
    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

pub fn new_task(input: NewTask) -> Result<ValidTask, AppError> {
    let title = input.title.as_deref().unwrap_or_default().trim().to_owned();
    let mut errors = Vec::new();
    field(&mut errors, "title", title_problem(&title));
    if let Some(description) = &input.description {
        field(&mut errors, "description", description_problem(description));
    }
    result(
        errors,
        ValidTask {
            title,
            description: input.description,
        },
    )
}

/// A replacement once it passed the rules. Only `update` makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUpdate {
    title: String,
    description: Option<Option<String>>,
    completed: Option<bool>,
}

impl ValidUpdate {
    pub fn title(&self) -> &str {
        &self.title
    }

    /// `None` keeps the description, `Some(None)` clears it.
    pub fn description(&self) -> Option<Option<&str>> {
        self.description.as_ref().map(|d| d.as_deref())
    }

    /// `None` keeps it.
    pub fn completed(&self) -> Option<bool> {
        self.completed
    }
}

pub fn update(input: TaskUpdate) -> Result<ValidUpdate, AppError> {
    let title = input.title.as_deref().unwrap_or_default().trim().to_owned();
    let mut errors = Vec::new();
    field(&mut errors, "title", title_problem(&title));
    if let Some(Some(description)) = &input.description {
        field(&mut errors, "description", description_problem(description));
    }
    result(
        errors,
        ValidUpdate {
            title,
            description: input.description,
            completed: input.completed,
        },
    )
}

const LIMIT_RULE: &str = "Use a whole number from 1 to 1000.";

/// A page holds 1 to 1000 tasks.
pub fn limit_problem(limit: u32) -> Option<&'static str> {
    (!(1..=PAGE_MAX).contains(&limit)).then_some(LIMIT_RULE)
}

/// The rules of a list query however it arrived (REST parameters, a server function's
/// argument): the service checks every query with this.
pub fn list(query: &ListQuery) -> Result<(), AppError> {
    let mut errors = Vec::new();
    field(&mut errors, "limit", limit_problem(query.limit));
    result(errors, ())
}

/// Parses API.md's list parameters; an unknown value or a limit out of range is a 422.
/// Parameters with other names are ignored.
pub fn list_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<ListQuery, AppError> {
    let mut query = ListQuery::default();
    let mut errors = Vec::new();
    for (name, value) in pairs {
        match name {
            "status" => match StatusFilter::parse(value) {
                Some(status) => query.status = status,
                None => field(
                    &mut errors,
                    "status",
                    Some("Use all, pending or completed."),
                ),
            },
            "sort" => match SortKey::parse(value) {
                Some(sort) => query.sort = sort,
                None => field(&mut errors, "sort", Some("Use created, updated or title.")),
            },
            "order" => match SortOrder::parse(value) {
                Some(order) => query.order = order,
                None => field(&mut errors, "order", Some("Use asc or desc.")),
            },
            "limit" => match value.parse::<u32>() {
                Ok(limit) => {
                    query.limit = limit;
                    field(&mut errors, "limit", limit_problem(limit));
                }
                Err(_) => field(&mut errors, "limit", Some(LIMIT_RULE)),
            },
            "cursor" => query.cursor = Some(value.to_owned()),
            _ => {}
        }
    }
    result(errors, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: AppError) -> Vec<String> {
        match error {
            AppError::Validation { errors } => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn titles_are_trimmed_and_hold_1_to_200_characters() {
        let ok = |t: &str| {
            new_task(NewTask {
                title: Some(t.into()),
                description: None,
            })
        };
        assert_eq!(ok("  Buy milk \n").expect("valid").title, "Buy milk");
        assert!(ok(&"é".repeat(200)).is_ok());
        assert_eq!(fields(ok(&"é".repeat(201)).unwrap_err()), ["title"]);
        assert_eq!(fields(ok(" \t ").unwrap_err()), ["title"]);
        assert_eq!(fields(new_task(NewTask::default()).unwrap_err()), ["title"]);
    }

    #[test]
    fn descriptions_hold_at_most_2000_characters() {
        let with = |d: String| {
            new_task(NewTask {
                title: Some("t".into()),
                description: Some(d),
            })
        };
        assert!(with("d".repeat(2000)).is_ok());
        assert_eq!(fields(with("d".repeat(2001)).unwrap_err()), ["description"]);
    }

    #[test]
    fn an_update_tells_keep_from_clear() {
        let keep: TaskUpdate = serde_json::from_str(r#"{"title": "t"}"#).expect("json");
        assert_eq!(update(keep).expect("valid").description, None);
        let clear: TaskUpdate =
            serde_json::from_str(r#"{"title": "t", "description": null}"#).expect("json");
        assert_eq!(update(clear).expect("valid").description, Some(None));
        let set: TaskUpdate =
            serde_json::from_str(r#"{"title": "t", "description": "d"}"#).expect("json");
        assert_eq!(
            update(set).expect("valid").description,
            Some(Some("d".into()))
        );
    }

    #[test]
    fn list_parameters() {
        let query = list_query([
            ("status", "pending"),
            ("sort", "title"),
            ("order", "asc"),
            ("limit", "7"),
            ("other", "x"),
        ])
        .expect("valid");
        assert_eq!(query.status, StatusFilter::Pending);
        assert_eq!(query.sort, SortKey::Title);
        assert_eq!(query.order, SortOrder::Asc);
        assert_eq!(query.limit, 7);
        assert_eq!(list_query([]).expect("defaults"), ListQuery::default());
        for (name, value) in [
            ("status", "done"),
            ("sort", "due"),
            ("order", "up"),
            ("limit", "0"),
            ("limit", "1001"),
            ("limit", "ten"),
            ("limit", "-1"),
        ] {
            assert_eq!(
                fields(list_query([(name, value)]).unwrap_err()),
                [name],
                "{name}={value}"
            );
        }
    }
}
