//! tokenfetch in a Leptos app (client-side rendered): log in, load protected items in several
//! resources at once, expire the token and reload them (one refresh for all), log out; an ended
//! session sends the user back to the login view.
//!
//! Leptos patterns: one `Client` in context (wrapped in `SendWrapper`, because tokenfetch's
//! futures are `!Send` and Leptos 0.8 contexts must be `Send + Sync`), requests in
//! `LocalResource` (client-side only, `!Send` futures allowed), errors rendered.

pub use tokenfetch_example_api as api;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use tokenfetch::Client;
use wasm_bindgen::prelude::*;

/// The client, as context.
type Shared = SendWrapper<Client>;

/// The app's client (a cheap clone of the one in context).
fn client() -> Client {
    let shared = use_context::<Shared>().expect("the client is provided");
    Client::clone(&shared)
}

/// The API base: the server's tenant from `?tenant=`, so a test can read its counters.
fn base() -> String {
    let window = web_sys::window().expect("a browser window");
    let location = window.location();
    let origin = location.origin().unwrap_or_default();
    let tenant = location
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("tenant=").map(str::to_string))
        .unwrap_or_else(|| "leptos-demo".into());
    format!("{origin}/t/{tenant}")
}

#[component]
fn App() -> impl IntoView {
    let logged_in = RwSignal::new(false);
    let notice = RwSignal::new(String::new());
    let client = api::client(&base(), move || {
        logged_in.set(false);
        notice.set("Your session ended: please log in again.".into());
    })
    .expect("a valid base URL");
    provide_context(SendWrapper::new(client));
    view! {
        <h1>"tokenfetch × Leptos"</h1>
        <p id="notice">{move || notice.get()}</p>
        <Show when=move || logged_in.get() fallback=move || view! { <Login logged_in notice/> }>
            <Items logged_in/>
        </Show>
    }
}

#[component]
fn Login(logged_in: RwSignal<bool>, notice: RwSignal<String>) -> impl IntoView {
    let log_in = move |_| {
        let client = client();
        leptos::task::spawn_local(async move {
            match api::log_in(&client, "ada", "secret").await {
                Ok(()) => {
                    notice.set(String::new());
                    logged_in.set(true);
                }
                Err(err) => notice.set(format!("login failed: {err}")),
            }
        });
    };
    view! { <button id="login" on:click=log_in>"Log in"</button> }
}

#[component]
fn Items(logged_in: RwSignal<bool>) -> impl IntoView {
    // Bumping `version` reloads every resource at once.
    let version = RwSignal::new(0u32);
    let pages: Vec<u32> = vec![1, 2, 3, 4, 5];
    let resources: Vec<_> = pages
        .into_iter()
        .map(|page| {
            // Each answer carries the version it was loaded for: a list shows `(v1)` only once
            // the reload's own answer is in, never the previous one beside the new number.
            LocalResource::new(move || {
                let loaded_for = version.get();
                let client = client();
                async move {
                    let items = api::items(&client, page).await.map_err(|e| e.to_string());
                    (loaded_for, items)
                }
            })
        })
        .collect();
    let expire_and_reload = move |_| {
        let base = base();
        leptos::task::spawn_local(async move {
            // The demo server's hook that makes it reject the current access token.
            let hooks = Client::builder().base_url(&base).build().expect("base URL");
            let _ = hooks.post("/__expire").send().await;
            version.update(|v| *v += 1);
        });
    };
    let log_out = move |_| {
        let _ = client().auth().map(|auth| auth.logout());
        logged_in.set(false);
    };
    view! {
        <div>
            <button id="reload" on:click=expire_and_reload>"Expire the token and reload"</button>
            <button id="logout" on:click=log_out>"Log out"</button>
        </div>
        <ul id="lists">
            {resources
                .into_iter()
                .enumerate()
                .map(|(i, items)| {
                    view! {
                        <li class="list">
                            {move || match items.get() {
                                None => "loading…".to_string(),
                                Some((loaded_for, Ok(items))) => {
                                    format!(
                                        "list {}: {} (v{})",
                                        i + 1,
                                        items
                                            .iter()
                                            .map(|item| item.name.as_str())
                                            .collect::<Vec<_>>()
                                            .join(", "),
                                        loaded_for,
                                    )
                                }
                                Some((_, Err(err))) => format!("error: {err}"),
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Mount the app (client-side rendering only: tokenfetch makes requests from the browser).
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(App);
}
