//! Server functions of the click counter: thin, they call the SQL and map errors.

use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "clicks/count")]
pub async fn count_clicks() -> Result<i64, AppError> {
    use crate::state::{answer, app_state};
    answer(async { Ok(super::db::count(&app_state()?.pool).await?) }.await)
}

#[server(prefix = "/rpc", endpoint = "clicks/record")]
pub async fn record_click() -> Result<i64, AppError> {
    use crate::state::{answer, app_state};
    answer(async { Ok(super::db::record(&app_state()?.pool).await?) }.await)
}
