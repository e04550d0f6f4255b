//! The task routes of API.md, against the real server and database.

use crate::helpers::{assert_unauthorized, count_tasks_of, problem, spawn_app, TestApp};
use reqwest::{Method, Response};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashSet;

/// A signed-up user of a test app.
struct User {
    id: String,
    token: String,
}

async fn user(app: &TestApp) -> User {
    let session = app.new_user().await;
    User {
        id: session["user"]["id"].as_str().expect("id").to_owned(),
        token: session["token"].as_str().expect("token").to_owned(),
    }
}

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request failed")
}

async fn create(app: &TestApp, user: &User, body: Value) -> Value {
    let response = call(
        app,
        &user.token,
        Method::POST,
        &format!("/api/{}/tasks", user.id),
        Some(&body),
    )
    .await;
    assert_eq!(response.status(), 201, "{body}");
    response.json().await.expect("JSON")
}

async fn list(app: &TestApp, user: &User, query: &str) -> (Vec<Value>, Option<String>) {
    let response = call(
        app,
        &user.token,
        Method::GET,
        &format!("/api/{}/tasks{query}", user.id),
        None,
    )
    .await;
    assert_eq!(response.status(), 200, "{query}");
    let next = response
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .map(|link| {
            let url = link
                .strip_prefix('<')
                .and_then(|l| l.split_once(">; rel=\"next\""))
                .map(|(url, _)| url.to_owned())
                .unwrap_or_else(|| panic!("not a next link: {link}"));
            url
        });
    (response.json().await.expect("JSON"), next)
}

fn ids(tasks: &[Value]) -> Vec<String> {
    tasks
        .iter()
        .map(|t| t["id"].as_str().expect("id").to_owned())
        .collect()
}

#[sqlx::test(migrations = false)]
async fn the_full_cycle(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let base = format!("/api/{}/tasks", ada.id);

    // Create: 201, Location, the task as API.md shapes it.
    let response = call(
        &app,
        &ada.token,
        Method::POST,
        &base,
        Some(&json!({"title": "  Buy milk ", "description": "2 litres"})),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    let task: Value = response.json().await.expect("JSON");
    let id = task["id"].as_str().expect("id").to_owned();
    assert_eq!(location, format!("{base}/{id}"));
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(task["user_id"], ada.id.as_str());
    assert_eq!(task["title"], "Buy milk");
    assert_eq!(task["description"], "2 litres");
    assert_eq!(task["completed"], false);
    assert_eq!(task["created_at"], task["updated_at"]);
    for time in ["created_at", "updated_at"] {
        let value = task[time].as_str().expect("time");
        assert!(value.ends_with('Z') && value.contains('T'), "{value}");
    }

    // Read it back, from the Location.
    let response = call(&app, &ada.token, Method::GET, &location, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("JSON"), task);

    // PUT: title replaced, omitted description and completed kept, updated_at moves.
    let response = call(
        &app,
        &ada.token,
        Method::PUT,
        &location,
        Some(&json!({"title": "Buy oat milk"})),
    )
    .await;
    assert_eq!(response.status(), 200);
    let put: Value = response.json().await.expect("JSON");
    assert_eq!(put["title"], "Buy oat milk");
    assert_eq!(put["description"], "2 litres");
    assert_eq!(put["completed"], false);
    assert_eq!(put["created_at"], task["created_at"]);
    assert!(put["updated_at"].as_str() > task["updated_at"].as_str());

    // PUT with completed, and an explicit null that clears the description.
    let response = call(
        &app,
        &ada.token,
        Method::PUT,
        &location,
        Some(&json!({"title": "Buy oat milk", "description": null, "completed": true})),
    )
    .await;
    let cleared: Value = response.json().await.expect("JSON");
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["completed"], true);
    assert!(cleared["updated_at"].as_str() > put["updated_at"].as_str());

    // PATCH without a body toggles; with {completed} it sets.
    let complete = format!("{location}/complete");
    let toggled: Value = call(&app, &ada.token, Method::PATCH, &complete, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(toggled["completed"], false);
    assert!(toggled["updated_at"].as_str() > cleared["updated_at"].as_str());
    let toggled_again: Value = call(&app, &ada.token, Method::PATCH, &complete, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(toggled_again["completed"], true);
    for wanted in [true, false, false] {
        let response = call(
            &app,
            &ada.token,
            Method::PATCH,
            &complete,
            Some(&json!({"completed": wanted})),
        )
        .await;
        assert_eq!(response.status(), 200);
        let set: Value = response.json().await.expect("JSON");
        assert_eq!(set["completed"], wanted);
    }

    // Listed.
    let (tasks, next) = list(&app, &ada, "").await;
    assert_eq!(ids(&tasks), std::slice::from_ref(&id));
    assert_eq!(next, None);

    // DELETE: 204, then it is gone.
    let response = call(&app, &ada.token, Method::DELETE, &location, None).await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        call(&app, &ada.token, Method::GET, &location, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        call(&app, &ada.token, Method::DELETE, &location, None)
            .await
            .status(),
        404
    );
    assert_eq!(count_tasks_of(&pool, &ada.id).await, 0);
}

#[sqlx::test(migrations = false)]
async fn bad_input_is_422_or_400_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let base = format!("/api/{}/tasks", ada.id);
    let title_200 = "t".repeat(200);
    let description_2000 = "d".repeat(2000);

    // The edges that pass.
    create(&app, &ada, json!({"title": title_200})).await;
    create(
        &app,
        &ada,
        json!({"title": "ok", "description": description_2000}),
    )
    .await;
    // Unknown fields, user_id among them, are ignored: the token says whose task it is.
    let task = create(
        &app,
        &ada,
        json!({"title": "mine", "user_id": "someone-else", "owner": "x", "colour": "red"}),
    )
    .await;
    assert_eq!(task["user_id"], ada.id.as_str());
    assert_eq!(count_tasks_of(&pool, &ada.id).await, 3);

    let refused: Vec<(Value, &str)> = vec![
        (json!({}), "title"),
        (json!({"title": ""}), "title"),
        (json!({"title": "   \t\n "}), "title"),
        (json!({"title": "t".repeat(201)}), "title"),
        (
            json!({"title": "ok", "description": "d".repeat(2001)}),
            "description",
        ),
        (json!({"title": 5}), "body"),
        (json!({"title": "ok", "description": ["a"]}), "body"),
        (json!(["title"]), "body"),
    ];
    for (body, field) in refused {
        let response = call(&app, &ada.token, Method::POST, &base, Some(&body)).await;
        assert_eq!(response.status(), 422, "{body}");
        let problem = problem(response).await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let response = app
        .client
        .post(app.url(&base))
        .bearer_auth(&ada.token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert_eq!(
        count_tasks_of(&pool, &ada.id).await,
        3,
        "a refused create wrote a row"
    );

    // The same rules on PUT, and a refused PUT changes nothing.
    let location = format!("{base}/{}", task["id"].as_str().expect("id"));
    for body in [
        json!({"title": " "}),
        json!({"description": "no title"}),
        json!({"title": "t".repeat(201)}),
        json!({"title": "ok", "completed": "yes"}),
    ] {
        let response = call(&app, &ada.token, Method::PUT, &location, Some(&body)).await;
        assert_eq!(response.status(), 422, "{body}");
    }
    let response = call(
        &app,
        &ada.token,
        Method::PATCH,
        &format!("{location}/complete"),
        Some(&json!({"completed": "yes"})),
    )
    .await;
    assert_eq!(response.status(), 422);
    let response = app
        .client
        .patch(app.url(&format!("{location}/complete")))
        .bearer_auth(&ada.token)
        .body("{")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let unchanged: Value = call(&app, &ada.token, Method::GET, &location, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(unchanged, task);

    // Ids that are not UUIDs name no task.
    for bad in ["not-a-uuid", "123", "00000000-0000-0000-0000-000000000000"] {
        let path = format!("{base}/{bad}");
        assert_eq!(
            call(&app, &ada.token, Method::GET, &path, None)
                .await
                .status(),
            404,
            "{bad}"
        );
        assert_eq!(
            call(
                &app,
                &ada.token,
                Method::PUT,
                &path,
                Some(&json!({"title": "x"}))
            )
            .await
            .status(),
            404
        );
        assert_eq!(
            call(
                &app,
                &ada.token,
                Method::PATCH,
                &format!("{path}/complete"),
                None
            )
            .await
            .status(),
            404
        );
        assert_eq!(
            call(&app, &ada.token, Method::DELETE, &path, None)
                .await
                .status(),
            404
        );
    }

    // List parameters out of their ranges.
    for query in [
        "?status=done",
        "?sort=due",
        "?order=up",
        "?limit=0",
        "?limit=1001",
        "?limit=x",
        "?cursor=nonsense",
    ] {
        let response = call(
            &app,
            &ada.token,
            Method::GET,
            &format!("{base}{query}"),
            None,
        )
        .await;
        assert_eq!(response.status(), 422, "{query}");
    }
}

#[sqlx::test(migrations = false)]
async fn every_route_needs_a_token(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = user(&app).await;
    let task = create(&app, &ada, json!({"title": "t"})).await;
    let base = format!("/api/{}/tasks", ada.id);
    let item = format!("{base}/{}", task["id"].as_str().expect("id"));
    for (method, path) in [
        (Method::GET, base.clone()),
        (Method::POST, base.clone()),
        (Method::GET, item.clone()),
        (Method::PUT, item.clone()),
        (Method::PATCH, format!("{item}/complete")),
        (Method::DELETE, item.clone()),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(&path))
            .json(&json!({"title": "x"}))
            .send()
            .await
            .expect("request");
        assert_unauthorized(response).await;
        let response = app
            .client
            .request(method.clone(), app.url(&path))
            .bearer_auth("a.b.c")
            .send()
            .await
            .expect("request");
        assert_unauthorized(response).await;
    }
}

#[sqlx::test(migrations = false)]
async fn two_users_cannot_reach_each_others_tasks_on_any_route(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let bob = user(&app).await;
    let ada_task = create(
        &app,
        &ada,
        json!({"title": "Ada's", "description": "private"}),
    )
    .await;
    let bob_task = create(&app, &bob, json!({"title": "Bob's"})).await;

    for (me, other, other_task) in [(&ada, &bob, &bob_task), (&bob, &ada, &ada_task)] {
        let other_id = other_task["id"].as_str().expect("id");
        let routes = |owner: &str| {
            let base = format!("/api/{owner}/tasks");
            let item = format!("{base}/{other_id}");
            vec![
                (Method::GET, base.clone(), None),
                (Method::POST, base, Some(json!({"title": "intruder"}))),
                (Method::GET, item.clone(), None),
                (
                    Method::PUT,
                    item.clone(),
                    Some(json!({"title": "hijacked", "completed": true})),
                ),
                (Method::PATCH, format!("{item}/complete"), None),
                (Method::DELETE, item, None),
            ]
        };
        // Through the other's URL: 403, whatever the route.
        for (method, path, body) in routes(&other.id) {
            let response = call(&app, &me.token, method.clone(), &path, body.as_ref()).await;
            assert_eq!(response.status(), 403, "{method} {path}");
            assert_eq!(problem(response).await["status"], 403);
        }
        // Through one's own URL, naming the other's task: 404, as if it did not exist.
        for (method, path, body) in routes(&me.id).into_iter().skip(2) {
            let response = call(&app, &me.token, method.clone(), &path, body.as_ref()).await;
            assert_eq!(response.status(), 404, "{method} {path}");
        }
        // One's own list never shows the other's task.
        let (tasks, _) = list(&app, me, "").await;
        assert!(!ids(&tasks).contains(&other_id.to_owned()));
    }

    // Both users' data is exactly as it was.
    for (owner, task) in [(&ada, &ada_task), (&bob, &bob_task)] {
        let (tasks, _) = list(&app, owner, "").await;
        assert_eq!(tasks, vec![task.clone()]);
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(total, 2);
}

#[sqlx::test(migrations = false)]
async fn filters_and_sorts(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let mut made = Vec::new();
    for title in ["banana", "Apple", "cherry", "apple", "date"] {
        made.push(create(&app, &ada, json!({"title": title})).await);
    }
    // Complete two, then touch one so that `updated` differs from `created`.
    for i in [1, 3] {
        let path = format!(
            "/api/{}/tasks/{}/complete",
            ada.id,
            made[i]["id"].as_str().expect("id")
        );
        call(&app, &ada.token, Method::PATCH, &path, None).await;
    }
    let path = format!(
        "/api/{}/tasks/{}",
        ada.id,
        made[0]["id"].as_str().expect("id")
    );
    call(
        &app,
        &ada.token,
        Method::PUT,
        &path,
        Some(&json!({"title": "banana"})),
    )
    .await;

    let titles = |tasks: &[Value]| {
        tasks
            .iter()
            .map(|t| t["title"].as_str().expect("title").to_owned())
            .collect::<Vec<_>>()
    };
    let (all, _) = list(&app, &ada, "").await;
    assert_eq!(
        titles(&all),
        ["date", "apple", "cherry", "Apple", "banana"],
        "default: newest first"
    );
    let (oldest, _) = list(&app, &ada, "?sort=created&order=asc").await;
    assert_eq!(
        titles(&oldest),
        ["banana", "Apple", "cherry", "apple", "date"]
    );
    let (pending, _) = list(&app, &ada, "?status=pending").await;
    assert_eq!(titles(&pending), ["date", "cherry", "banana"]);
    assert!(pending.iter().all(|t| t["completed"] == false));
    let (completed, _) = list(&app, &ada, "?status=completed&order=asc").await;
    assert_eq!(titles(&completed), ["Apple", "apple"]);
    let (updated, _) = list(&app, &ada, "?sort=updated").await;
    assert_eq!(titles(&updated)[..3], ["banana", "apple", "Apple"]);

    // Title order is the database's collation, ties broken by id; check it against
    // PostgreSQL's own ORDER BY rather than guess at case rules.
    let (by_title, _) = list(&app, &ada, "?sort=title&order=asc").await;
    let (by_title_desc, _) = list(&app, &ada, "?sort=title&order=desc").await;
    let mut reversed = by_title.clone();
    reversed.reverse();
    assert_eq!(ids(&by_title_desc), ids(&reversed));
    let keys: Vec<String> = titles(&by_title);
    let expected: Vec<String> =
        sqlx::query_scalar("SELECT title FROM tasks WHERE user_id = $1 ORDER BY title, id")
            .bind(&ada.id)
            .fetch_all(&pool)
            .await
            .expect("titles");
    assert_eq!(keys, expected);
}

/// Follows `Link: rel="next"` from `first` to the end, creating a task between pages
/// every `create_every` pages. Returns the ids in the order they came.
async fn page_through(
    app: &TestApp,
    owner: &User,
    first: &str,
    limit: usize,
    create_every: usize,
) -> Vec<String> {
    let mut seen = Vec::new();
    let (mut page, mut next) = list(app, owner, first).await;
    let mut pages = 1;
    loop {
        seen.extend(ids(&page));
        let Some(url) = next else { break };
        // Every page but the last holds exactly `limit` tasks.
        assert_eq!(page.len(), limit, "page {pages} of {first}");
        if pages % create_every == 0 {
            create(
                app,
                owner,
                json!({"title": format!("made between pages {pages}")}),
            )
            .await;
        }
        let response = app
            .client
            .get(&url)
            .bearer_auth(&owner.token)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{url}");
        next = response
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(|l| l.strip_prefix('<'))
            .and_then(|l| l.split_once(">; rel=\"next\""))
            .map(|(url, _)| url.to_owned());
        page = response.json().await.expect("JSON");
        pages += 1;
    }
    assert!(page.len() <= limit);
    seen
}

#[sqlx::test(migrations = false)]
async fn paging_through_2500_tasks_neither_repeats_nor_skips(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let bob = user(&app).await;
    // 2,500 tasks, made in SQL for speed, with many ties in every sort key: created and
    // updated repeat every 40 rows, titles every 100, so ids must break the ties.
    sqlx::query(
        r#"
        INSERT INTO tasks (id, user_id, title, completed, created_at, updated_at)
        SELECT gen_random_uuid(), $1, 'Task ' || (i % 100), i % 3 = 0,
               now() - (i % 40) * interval '1 minute', now() - (i % 40) * interval '1 second'
        FROM generate_series(1, 2500) AS i
        "#,
    )
    .bind(&ada.id)
    .execute(&pool)
    .await
    .expect("insert");
    // Someone else's tasks must never show up.
    create(&app, &bob, json!({"title": "Task 1"})).await;
    let existing: HashSet<String> =
        sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM tasks WHERE user_id = $1")
            .bind(&ada.id)
            .fetch_all(&pool)
            .await
            .expect("ids")
            .into_iter()
            .map(|id| id.to_string())
            .collect();

    for (sort, order) in [
        ("created", "desc"),
        ("created", "asc"),
        ("updated", "desc"),
        ("updated", "asc"),
        ("title", "asc"),
        ("title", "desc"),
    ] {
        for (limit, create_every) in [(1000, 1), (7, 40)] {
            let first = format!("?sort={sort}&order={order}&limit={limit}");
            let seen = page_through(&app, &ada, &first, limit, create_every).await;
            let unique: HashSet<&String> = seen.iter().collect();
            assert_eq!(unique.len(), seen.len(), "{first}: a task came twice");
            let missing = existing.iter().filter(|id| !unique.contains(id)).count();
            assert_eq!(missing, 0, "{first}: {missing} tasks were skipped");

            // The order is the database's own ORDER BY over the same rows.
            let expected: Vec<String> = sqlx::query_scalar::<_, uuid::Uuid>(&format!(
                "SELECT id FROM tasks WHERE user_id = $1 AND id = ANY($2) ORDER BY {sort}_key {order}, id {order}"
            ).replace("created_key", "created_at").replace("updated_key", "updated_at").replace("title_key", "title"))
            .bind(&ada.id)
            .bind(seen.iter().filter_map(|id| uuid::Uuid::parse_str(id).ok()).collect::<Vec<_>>())
            .fetch_all(&pool)
            .await
            .expect("order")
            .into_iter()
            .map(|id| id.to_string())
            .collect();
            let seen_existing: Vec<&String> =
                seen.iter().filter(|id| existing.contains(*id)).collect();
            let expected_existing: Vec<&String> = expected
                .iter()
                .filter(|id| existing.contains(*id))
                .collect();
            assert_eq!(seen_existing, expected_existing, "{first}: out of order");
        }
    }

    // The filter holds across pages too.
    let completed = page_through(&app, &ada, "?status=completed&limit=100", 100, 1000).await;
    let expected: i64 =
        sqlx::query_scalar("SELECT count(*) FROM tasks WHERE user_id = $1 AND completed")
            .bind(&ada.id)
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(completed.len() as i64, expected);

    // A cursor belongs to its own list: reused with another order it is refused.
    let (_, next) = list(&app, &ada, "?limit=10").await;
    let next = next.expect("a next page");
    let response = app
        .client
        .get(next.replace("order=desc", "order=asc"))
        .bearer_auth(&ada.token)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
}

#[sqlx::test(migrations = false)]
async fn two_hundred_concurrent_creates_are_all_listed(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let creates = (0..200).map(|i| {
        let body = json!({"title": format!("concurrent {i}")});
        let path = format!("/api/{}/tasks", ada.id);
        let app = &app;
        let token = ada.token.clone();
        async move {
            call(app, &token, Method::POST, &path, Some(&body))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(creates).await;
    assert!(statuses.iter().all(|&s| s == 201), "{statuses:?}");
    let (tasks, next) = list(&app, &ada, "").await;
    assert_eq!(tasks.len(), 200);
    assert_eq!(next, None);
    let titles: HashSet<String> = tasks
        .iter()
        .map(|t| t["title"].as_str().expect("title").to_owned())
        .collect();
    assert_eq!(titles.len(), 200);
}

#[sqlx::test(migrations = false)]
async fn tasks_survive_a_restart_of_the_server(pool: PgPool) {
    let first = spawn_app(pool.clone()).await;
    let ada = user(&first).await;
    let made = create(
        &first,
        &ada,
        json!({"title": "durable", "description": "kept"}),
    )
    .await;
    drop(first);

    let second = spawn_app(pool).await;
    let (tasks, _) = list(&second, &ada, "").await;
    assert_eq!(tasks, vec![made]);
}

#[sqlx::test(migrations = false)]
async fn deleting_a_user_deletes_their_tasks_only(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let bob = user(&app).await;
    for i in 0..3 {
        create(&app, &ada, json!({"title": format!("ada {i}")})).await;
    }
    create(&app, &bob, json!({"title": "bob"})).await;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(&ada.id)
        .execute(&pool)
        .await
        .expect("delete");
    assert_eq!(count_tasks_of(&pool, &ada.id).await, 0);
    assert_eq!(count_tasks_of(&pool, &bob.id).await, 1);
}

/// The gate folds the sign-out check into each route's own statement; an answer found
/// before that statement (a bad query, body or id, another user's URL) is vouched for
/// first. So a signed-out token gets 401 on every route, whatever else is wrong with
/// the request, and changes nothing.
#[sqlx::test(migrations = false)]
async fn a_signed_out_token_is_401_on_every_route_before_any_other_answer(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let bob = user(&app).await;
    let task = create(&app, &ada, json!({"title": "kept"})).await;
    assert_eq!(app.sign_out(&ada.token).await.status(), 204);

    let base = format!("/api/{}/tasks", ada.id);
    let item = format!("{base}/{}", task["id"].as_str().expect("id"));
    let missing = format!("{base}/{}", uuid::Uuid::new_v4());
    let valid = json!({"title": "changed", "completed": true});
    let routes = [
        (Method::GET, base.clone(), None),
        // No row matches: the gate still runs.
        (Method::GET, format!("{base}?status=completed"), None),
        (Method::GET, format!("{base}?status=bogus"), None),
        (Method::GET, format!("{base}?cursor=garbage"), None),
        (Method::POST, base.clone(), Some(json!({"title": "new"}))),
        (Method::POST, base.clone(), Some(json!({"title": "  "}))),
        (
            Method::POST,
            base.clone(),
            Some(json!(["not", "an", "object"])),
        ),
        (Method::GET, item.clone(), None),
        (Method::PUT, item.clone(), Some(valid.clone())),
        (Method::PUT, item.clone(), Some(json!({"title": ""}))),
        (Method::PATCH, format!("{item}/complete"), None),
        (
            Method::PATCH,
            format!("{item}/complete"),
            Some(json!({"completed": "yes"})),
        ),
        (Method::DELETE, item.clone(), None),
        (Method::GET, missing.clone(), None),
        (Method::PUT, missing.clone(), Some(valid.clone())),
        (Method::PATCH, format!("{missing}/complete"), None),
        (Method::DELETE, missing, None),
        (Method::GET, format!("{base}/not-a-uuid"), None),
        (Method::DELETE, format!("{base}/not-a-uuid"), None),
        // Another user's URL would be 403 for a live token.
        (Method::GET, format!("/api/{}/tasks", bob.id), None),
        (
            Method::POST,
            format!("/api/{}/tasks", bob.id),
            Some(json!({"title": "x"})),
        ),
    ];
    for (method, path, body) in routes {
        let response = call(&app, &ada.token, method.clone(), &path, body.as_ref()).await;
        assert_eq!(response.status(), 401, "{method} {path}");
        assert_unauthorized(response).await;
    }
    // A malformed body too.
    let response = app
        .client
        .post(app.url(&base))
        .bearer_auth(&ada.token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("request");
    assert_unauthorized(response).await;

    // Nothing changed: the one task is as it was, and no other was made.
    let stored: (String, bool, i64) = sqlx::query_as(
        "SELECT title, completed, (SELECT count(*) FROM tasks) FROM tasks WHERE user_id = $1",
    )
    .bind(&ada.id)
    .fetch_one(&pool)
    .await
    .expect("the task");
    assert_eq!(stored, ("kept".to_owned(), false, 1));
}
