//! One session across the tabs of an origin, for stores the tabs share (`localStorage`,
//! cookies): the refresh runs under a Web Lock named for the store, so only one tab refreshes
//! and the others find the new tokens when they get the lock; a BroadcastChannel of the same
//! name tells the other tabs about logins, logouts, ended sessions and refreshes. Where the
//! platform has neither (old browsers, Node) each tab works alone, as before. This file says
//! what the messages are; `rt::tabs` holds the lock and the channel.

/// What another tab did to the shared session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionChange {
    /// Another tab stored new tokens after a login (`set_tokens`).
    LoggedIn,
    /// Another tab logged out: this tab's requests were canceled.
    LoggedOut,
    /// The session ended in another tab (its refresh was refused).
    Expired,
    /// Another tab refreshed the tokens.
    Refreshed,
}

impl SessionChange {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SessionChange::LoggedIn => "loggedIn",
            SessionChange::LoggedOut => "loggedOut",
            SessionChange::Expired => "expired",
            SessionChange::Refreshed => "refreshed",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<SessionChange> {
        Some(match text {
            "loggedIn" => SessionChange::LoggedIn,
            "loggedOut" => SessionChange::LoggedOut,
            "expired" => SessionChange::Expired,
            "refreshed" => SessionChange::Refreshed,
            _ => return None,
        })
    }
}
