//! tokenfetch in a Yew app (client-side rendered): log in, load protected items in several
//! components at once, expire the token and reload them (one refresh for all), log out; an ended
//! session sends the user back to the login view.
//!
//! Yew patterns: one `Client` in a `ContextProvider`, requests started in `use_effect_with` and
//! run with `wasm_bindgen_futures::spawn_local` (tokenfetch's futures are `!Send`; Yew's CSR is
//! single-threaded), errors rendered.

pub use tokenfetch_example_api as api;

use tokenfetch::Client;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The client in context. One client lives as long as the app, so any two are "equal".
#[derive(Clone)]
struct Api(Client);

impl PartialEq for Api {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The API base: the server's tenant from `?tenant=`, so a test can read its counters.
fn base() -> String {
    let location = web_sys::window().expect("a browser window").location();
    let origin = location.origin().unwrap_or_default();
    let tenant = location
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("tenant=").map(str::to_string))
        .unwrap_or_else(|| "yew-demo".into());
    format!("{origin}/t/{tenant}")
}

#[function_component]
fn App() -> Html {
    let logged_in = use_state(|| false);
    let notice = use_state(String::new);
    let api = {
        let (logged_in, notice) = (logged_in.setter(), notice.setter());
        use_memo((), move |_| {
            let client = api::client(&base(), move || {
                logged_in.set(false);
                notice.set("Your session ended: please log in again.".into());
            });
            Api(client.expect("a valid base URL"))
        })
    };
    let on_login = {
        let (api, logged_in, notice) = ((*api).clone(), logged_in.clone(), notice.clone());
        Callback::from(move |_| {
            let (client, logged_in, notice) = (api.0.clone(), logged_in.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::log_in(&client, "ada", "secret").await {
                    Ok(()) => {
                        notice.set(String::new());
                        logged_in.set(true);
                    }
                    Err(err) => notice.set(format!("login failed: {err}")),
                }
            });
        })
    };
    let on_logout = {
        let (api, logged_in) = ((*api).clone(), logged_in.clone());
        Callback::from(move |_| {
            if let Some(auth) = api.0.auth() {
                let _ = auth.logout();
            }
            logged_in.set(false);
        })
    };
    html! {
        <ContextProvider<Api> context={(*api).clone()}>
            <h1>{ "tokenfetch × Yew" }</h1>
            <p id="notice">{ (*notice).clone() }</p>
            if *logged_in {
                <Items {on_logout} />
            } else {
                <button id="login" onclick={on_login}>{ "Log in" }</button>
            }
        </ContextProvider<Api>>
    }
}

#[derive(Properties, PartialEq)]
struct ItemsProps {
    on_logout: Callback<MouseEvent>,
}

#[function_component]
fn Items(props: &ItemsProps) -> Html {
    // Bumping `version` reloads every list at once.
    let version = use_state(|| 0u32);
    let on_reload = {
        let version = version.clone();
        Callback::from(move |_| {
            let version = version.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // The demo server's hook that makes it reject the current access token.
                let hooks = Client::builder()
                    .base_url(&base())
                    .build()
                    .expect("base URL");
                let _ = hooks.post("/__expire").send().await;
                version.set(*version + 1);
            });
        })
    };
    html! {
        <>
            <div>
                <button id="reload" onclick={on_reload}>{ "Expire the token and reload" }</button>
                <button id="logout" onclick={props.on_logout.clone()}>{ "Log out" }</button>
            </div>
            <ul id="lists">
                { for (1..=5).map(|page| html! { <List {page} version={*version} /> }) }
            </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ListProps {
    page: u32,
    version: u32,
}

#[function_component]
fn List(props: &ListProps) -> Html {
    let api = use_context::<Api>().expect("the client is provided");
    // The answer and the version it was loaded for: a list shows `(v1)` only once the reload's
    // own answer is in, never the previous one beside the new number.
    let state = use_state(|| None::<(u32, Result<Vec<api::Item>, String>)>);
    {
        let state = state.clone();
        let page = props.page;
        use_effect_with(props.version, move |version| {
            let loaded_for = *version;
            let client = api.0.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::items(&client, page).await.map_err(|e| e.to_string());
                state.set(Some((loaded_for, result)));
            });
        });
    }
    let text = match &*state {
        None => "loading…".to_string(),
        Some((loaded_for, Ok(items))) => format!(
            "list {}: {} (v{})",
            props.page,
            items
                .iter()
                .map(|item| item.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            loaded_for
        ),
        Some((_, Err(err))) => format!("error: {err}"),
    };
    html! { <li class="list">{ text }</li> }
}

/// Mount the app (client-side rendering only: tokenfetch makes requests from the browser).
#[wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<App>::new().render();
}
