//! The OpenAPI description lists every route that API.md names, and those added since
//! (`/api/auth/refresh`, the account's routes), with their methods.

use crate::helpers::spawn_app;
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn the_openapi_document_lists_every_route(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");

    let expected = [
        ("/api/auth/sign-up", "post"),
        ("/api/auth/sign-in", "post"),
        ("/api/auth/sign-out", "post"),
        ("/api/auth/refresh", "post"),
        ("/api/auth/jwks", "get"),
        ("/api/me", "get"),
        ("/api/auth/change-password", "post"),
        ("/api/auth/sign-out-everywhere", "post"),
        ("/api/auth/forgot-password", "post"),
        ("/api/auth/reset-password", "post"),
        ("/api/{user_id}/account", "get"),
        ("/api/{user_id}/account", "patch"),
        ("/api/{user_id}/account", "delete"),
        ("/api/{user_id}/preferences", "get"),
        ("/api/{user_id}/preferences", "put"),
        ("/api/{user_id}/events", "get"),
        ("/api/{user_id}/export", "get"),
        ("/api/{user_id}/tasks", "get"),
        ("/api/{user_id}/tasks", "post"),
        ("/api/{user_id}/tasks/{id}", "get"),
        ("/api/{user_id}/tasks/{id}", "put"),
        ("/api/{user_id}/tasks/{id}", "delete"),
        ("/api/{user_id}/tasks/{id}/complete", "patch"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ];
    let mut listed: Vec<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |method| (path.clone(), method.clone()))
        })
        .collect();
    listed.sort();
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| ((*p).to_owned(), (*m).to_owned()))
        .collect();
    wanted.sort();
    assert_eq!(listed, wanted);

    // Every documented route answers (not 404/405) at the path the document gives.
    for (path, method) in &wanted {
        let url = app.url(&path.replace("{user_id}", "u").replace("{id}", "i"));
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let status = app
            .client
            .request(method.clone(), url)
            .send()
            .await
            .expect("request")
            .status();
        assert!(status != 404 && status != 405, "{method} {path}: {status}");
    }

    // Protected operations say so; the schemas the bodies use are there.
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in [
        "Task",
        "NewTask",
        "TaskUpdate",
        "User",
        "AuthSession",
        "SignUpRequest",
        "Problem",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} is missing"
        );
    }
}
