//! Listing tasks: filters, sorts and keyset paging, under concurrent writes.

use crate::helpers::{
    spawn_app,
    tasks::{call, create, ids, list, user, User},
    TestApp,
};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashSet;

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
