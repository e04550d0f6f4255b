//! The task routes of API.md, against the real server and database: the whole cycle, bad input, what lasts.

use crate::helpers::{
    count_tasks_of, problem, spawn_app,
    tasks::{call, create, ids, list, user},
};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;

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
