use server::{config::Config, startup::Application, telemetry};
use std::process::ExitCode;

const USAGE: &str = "usage: server [serve | rotate-signing-key]";

fn main() -> ExitCode {
    server::memory::return_freed_memory();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    // A missing .env file is normal; the environment itself always wins.
    let _ = dotenvy::dotenv();
    telemetry::init();
    let command = std::env::args().nth(1);
    let result = match command.as_deref() {
        None | Some("serve") => serve().await,
        Some("rotate-signing-key") => rotate_signing_key().await,
        Some(_) => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let app = Application::build(config).await?;
    tracing::info!("listening on http://{}", app.local_addr()?);
    app.run_until_stopped().await?;
    Ok(())
}

/// Promotes the published next key to signing key; running instances follow within a
/// minute, and tokens signed with the old key keep verifying until they expire.
async fn rotate_signing_key() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    anyhow::ensure!(
        config.auth.keys == app::auth::keys::KeySource::Database,
        "AUTH_SIGNING_KEY_FILE is set: the signing key is that file, not the database's"
    );
    let pool = server::db::connect(&config.database).await?;
    server::db::migrate(&pool).await?;
    let kid = app::auth::keys::rotate(&pool, config.auth.token_ttl).await?;
    println!("signing with key {kid}");
    Ok(())
}
