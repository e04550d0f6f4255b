//! The task routes of API.md. Thin: check that the URL's user is the token's, parse,
//! call `app::tasks::service`, answer.

use super::json::ApiJson;
use super::openapi::{Problem, PROBLEM};
use super::owner::{same_user, Owner};
use app::{
    auth::{access, AuthUser},
    error::AppError,
    state::AppState,
    tasks::{
        command,
        model::{CompletionChange, ListQuery, NewTask, Task, TaskUpdate},
        validate,
    },
};
use axum::{
    extract::{rejection::BytesRejection, FromRequestParts, Path, RawQuery, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, replace, remove))
        .routes(routes!(complete))
}

/// The owner, as `Owner`, and the `{id}` of the task the URL names; an id that is no
/// UUID names no task (404, vouched for here like the 403).
struct OwnedTask {
    user: AuthUser,
    id: Uuid,
}

impl FromRequestParts<AppState> for OwnedTask {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        let checked = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)
            .and_then(|Path((user_id, id))| {
                same_user(&user, &user_id)?;
                command::task_id(&id)
            });
        let id = access::vouch(&state.pool, &user, checked).await?;
        Ok(OwnedTask { user, id })
    }
}

/// Characters left as they are in a path segment or a query value.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn collection_path(user_id: &str) -> String {
    format!("/api/{}/tasks", utf8_percent_encode(user_id, UNRESERVED))
}

/// The user's tasks, one page at a time (keyset paging).
#[utoipa::path(get, path = "/{user_id}/tasks", tag = "tasks", security(("bearer" = [])),
    params(
        ("user_id" = String, Path, description = "Must be the token's `sub`, else 403"),
        ("status" = Option<String>, Query, description = "all (default), pending or completed"),
        ("sort" = Option<String>, Query, description = "created (default), updated or title"),
        ("order" = Option<String>, Query, description = "desc (default) or asc"),
        ("limit" = Option<u32>, Query, description = "1 to 1000, default 1000"),
        ("cursor" = Option<String>, Query, description = "Opaque, from the Link header of the previous page"),
    ),
    responses(
        (status = 200, description = "One page; `Link: <…>; rel=\"next\"` when more remain", body = Vec<Task>,
            headers(("Link" = String, description = "The next page, when there is one"))),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 422, description = "A bad parameter or cursor", body = Problem, content_type = PROBLEM),
    ))]
async fn list(
    State(state): State<AppState>,
    owner: Owner,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let query = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.as_deref().unwrap_or(""))
        .map_err(|_| AppError::BadRequest {
            detail: "the query string cannot be read".into(),
        })
        .and_then(|pairs| {
            validate::list_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        });
    let command = query.and_then(command::List::parse);
    // The next page's link repeats the query the command ran.
    let link_query = command.as_ref().ok().map(|c| c.query().clone());
    let page = state.tasks.execute(&owner.user, command).await?;
    let mut response = Json(page.rows).into_response();
    if let (Some(cursor), Some(query)) = (page.next_cursor, link_query) {
        let link = next_link(&state, &headers, owner.user.id(), &query, &cursor);
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// `<absolute URL of the next page>; rel="next"`, on the host the client asked.
fn next_link(
    state: &AppState,
    headers: &HeaderMap,
    user_id: &str,
    query: &ListQuery,
    cursor: &str,
) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let forwarded_https = state.auth.config().trust_forwarded_for
        && headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes() == b"https");
    let scheme = if forwarded_https { "https" } else { "http" };
    let params = serde_urlencoded::to_string([
        ("status", query.status.as_str()),
        ("sort", query.sort.as_str()),
        ("order", query.order.as_str()),
        ("limit", &query.limit.to_string()),
        ("cursor", cursor),
    ])
    .unwrap_or_default();
    format!(
        "<{scheme}://{host}{}?{params}>; rel=\"next\"",
        collection_path(user_id)
    )
}

/// Creates a task; any `user_id` in the body is ignored.
#[utoipa::path(post, path = "/{user_id}/tasks", tag = "tasks", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403")),
    request_body = NewTask,
    responses(
        (status = 201, description = "Created", body = Task, headers(("Location" = String, description = "The task's URL"))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid fields, or the user already keeps TASKS_MAX_PER_USER tasks (10,000 by default); nothing written", body = Problem, content_type = PROBLEM),
    ))]
async fn create(
    State(state): State<AppState>,
    owner: Owner,
    input: Result<ApiJson<NewTask>, AppError>,
) -> Result<Response, AppError> {
    let command = input.and_then(|ApiJson(input)| command::Create::parse(input));
    let task = state.tasks.execute(&owner.user, command).await?;
    let location = format!("{}/{}", collection_path(owner.user.id()), task.id);
    let mut response = (StatusCode::CREATED, Json(task)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// One task.
#[utoipa::path(get, path = "/{user_id}/tasks/{id}", tag = "tasks", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403"),
        ("id" = String, Path, description = "The task's UUID; any other id, or another user's task, is 404"),),
    responses(
        (status = 200, description = "The task", body = Task),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such task of this user", body = Problem, content_type = PROBLEM),
    ))]
async fn read(State(state): State<AppState>, task: OwnedTask) -> Result<Json<Task>, AppError> {
    let command = Ok(command::Get(task.id));
    Ok(Json(state.tasks.execute(&task.user, command).await?))
}

/// Replaces the title; an omitted description or completed is kept, a null
/// description clears it.
#[utoipa::path(put, path = "/{user_id}/tasks/{id}", tag = "tasks", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403"),
        ("id" = String, Path, description = "The task's UUID; any other id, or another user's task, is 404"),),
    request_body = TaskUpdate,
    responses(
        (status = 200, description = "The changed task", body = Task),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such task of this user", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid fields; nothing written", body = Problem, content_type = PROBLEM),
    ))]
async fn replace(
    State(state): State<AppState>,
    task: OwnedTask,
    update: Result<ApiJson<TaskUpdate>, AppError>,
) -> Result<Json<Task>, AppError> {
    let command = update.and_then(|ApiJson(update)| command::Replace::parse(task.id, update));
    Ok(Json(state.tasks.execute(&task.user, command).await?))
}

/// No body toggles; `{"completed": bool}` sets.
#[utoipa::path(patch, path = "/{user_id}/tasks/{id}/complete", tag = "tasks", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403"),
        ("id" = String, Path, description = "The task's UUID; any other id, or another user's task, is 404"),),
    request_body(content = Option<CompletionChange>, description = "Optional: without it the task toggles"),
    responses(
        (status = 200, description = "The changed task", body = Task),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such task of this user", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`completed` is not a boolean", body = Problem, content_type = PROBLEM),
    ))]
async fn complete(
    State(state): State<AppState>,
    task: OwnedTask,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Task>, AppError> {
    let change = super::json::bytes(body).and_then(|body| {
        if body.iter().all(u8::is_ascii_whitespace) {
            Ok(CompletionChange::default())
        } else {
            super::json::parse(&body)
        }
    });
    let command = change.map(|change| command::Complete(task.id, change));
    Ok(Json(state.tasks.execute(&task.user, command).await?))
}

/// Deletes a task.
#[utoipa::path(delete, path = "/{user_id}/tasks/{id}", tag = "tasks", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "Must be the token's `sub`, else 403"),
        ("id" = String, Path, description = "The task's UUID; any other id, or another user's task, is 404"),),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Another user's URL", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such task of this user", body = Problem, content_type = PROBLEM),
    ))]
async fn remove(State(state): State<AppState>, task: OwnedTask) -> Result<StatusCode, AppError> {
    state
        .tasks
        .execute(&task.user, Ok(command::Delete(task.id)))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
