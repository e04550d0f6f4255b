//! "Download my data" in the browser: the REST export (streamed by the server) fetched
//! with the bearer token, never a token in a URL, and saved as a file.

use crate::session;

pub async fn download() -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        fn failed<E>(_: E) -> String {
            "Your data could not be downloaded. Try again.".to_owned()
        }
        let (Some(user_id), Some(token)) = (session::user_id(), session::token()) else {
            return Err("Sign in again to download your data.".into());
        };
        let window = web_sys::window().ok_or("No window.")?;
        let headers = web_sys::Headers::new().map_err(failed)?;
        headers
            .set("authorization", &format!("Bearer {token}"))
            .map_err(failed)?;
        let init = web_sys::RequestInit::new();
        init.set_headers(&headers);
        let url = format!(
            "/api/{}/export",
            String::from(js_sys::encode_uri_component(&user_id))
        );
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(&url, &init))
                .await
                .map_err(failed)?
                .dyn_into()
                .map_err(failed)?;
        if !response.ok() {
            return Err(format!(
                "Your data could not be downloaded (the server answered {}).",
                response.status()
            ));
        }
        let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(failed)?)
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
        let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
        let link: web_sys::HtmlAnchorElement = window
            .document()
            .ok_or("No document.")?
            .create_element("a")
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
        link.set_href(&href);
        link.set_download("todo-export.json");
        link.click();
        let _ = web_sys::Url::revoke_object_url(&href);
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = session::token();
        Err("Downloads start in the browser.".into())
    }
}
