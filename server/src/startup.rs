//! Builds the axum application and serves it until a shutdown signal.

use crate::{config::Config, db, http, http::limits::Limits};
use anyhow::Context;
use app::account::service::AccountService;
use app::live::service::LiveService;
use app::{auth::service::AuthService, shell, state::AppState, tasks::service::TaskService, App};
use axum::{extract::DefaultBodyLimit, middleware, Router};
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use std::{net::SocketAddr, path::Path};
use tokio::net::TcpListener;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};

pub struct Application {
    listener: TcpListener,
    router: Router,
    live: LiveService,
}

impl Application {
    /// Connects to the database, runs the migrations and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let pool = db::connect(&config.database)
            .await
            .context("cannot connect to the database named by DATABASE_URL")?;
        Self::build_with_pool(config, pool).await
    }

    /// As `build`, on a pool made elsewhere (tests hand in a fresh database).
    pub async fn build_with_pool(config: Config, pool: PgPool) -> anyhow::Result<Self> {
        db::migrate(&pool)
            .await
            .context("cannot run the database migrations")?;
        let auth = AuthService::start(pool.clone(), config.auth)
            .await
            .context("cannot start the identity service")?;
        let addr = config.leptos_options.site_addr;
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let listening_on = format!("http://{}", listener.local_addr()?);
        let account =
            AccountService::new(pool.clone(), auth.clone(), &config.account, listening_on)
                .map_err(|error| anyhow::anyhow!(error))
                .context("cannot set up the account service (SMTP_URL, MAIL_FROM)")?;
        let state = AppState {
            leptos_options: config.leptos_options,
            tasks: TaskService::new(pool.clone(), config.tasks),
            account,
            live: LiveService::start(pool.clone(), config.live),
            pool,
            auth,
        };
        let live = state.live.clone();
        Ok(Application {
            listener,
            router: router(state, config.limits),
            live,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // The peer address feeds the per-client sign-in limit.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let live = self.live;
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                // Open streams would hold the shutdown up for as long as they last.
                live.close();
            })
            .await
    }
}

pub fn router(state: AppState, limits: Limits) -> Router {
    let pages = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let bundle = Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    Router::new()
        .merge(http::router())
        .merge(http::no_script::router())
        .nest(
            &format!("/{}", leptos_options.site_pkg_dir),
            http::assets::router(bundle),
        )
        .leptos_routes(&state, pages, move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(
            limits,
            http::limits::enforce,
        ))
        .layer(middleware::from_fn_with_state(
            http::security::Policy::for_site(state.auth.config()),
            http::security::headers,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            // One line per request, when its answer starts: the span's method, path and
            // request id with the status and latency. Failures are that same line.
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                )
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// One span per request, carrying the request id. Only the path is logged: a query
/// string may hold something private.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id,
    )
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
