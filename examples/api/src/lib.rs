//! What the Leptos and Yew examples ask the server, as plain async functions over a `Client`:
//! framework-free, so both apps share them and they are tested once, with `tokenfetch::testing`
//! (see `tests/api.rs`).

use serde::Deserialize;
use tokenfetch::auth::{AuthConfig, RefreshEndpoint};
use tokenfetch::{Client, ClientBuilder, Tokens};

/// One protected item.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Item {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
}

#[derive(Deserialize)]
struct Items {
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Login {
    access_token: String,
    refresh_token: String,
}

/// The app's client configuration: the API's base URL, tokens refreshed at `/auth/refresh`;
/// `on_expired` runs once when the session ends. (Tests add a mock transport to it.)
pub fn builder(base: &str, on_expired: impl Fn() + 'static) -> ClientBuilder {
    Client::builder().base_url(base).auth(
        AuthConfig::new()
            .refresh_endpoint(RefreshEndpoint::new("/auth/refresh"))
            .on_session_expired(move |_| on_expired()),
    )
}

/// The app's one client.
pub fn client(base: &str, on_expired: impl Fn() + 'static) -> tokenfetch::Result<Client> {
    builder(base, on_expired).build()
}

/// Log in and keep the tokens.
pub async fn log_in(client: &Client, user: &str, password: &str) -> tokenfetch::Result<()> {
    let body = serde_json::json!({ "username": user, "password": password });
    let login: Login = client
        .post("/auth/login")
        .skip_auth()
        .json(&body)?
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let auth = client.auth().expect("the client is built with auth");
    auth.set_tokens(Tokens::new(login.access_token, Some(login.refresh_token)))
}

/// The protected list (`page` picks one of several resources loaded at once).
pub async fn items(client: &Client, page: u32) -> tokenfetch::Result<Vec<Item>> {
    let items: Items = client
        .get("/api/items")
        .query([("page", page)])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(items.items)
}
