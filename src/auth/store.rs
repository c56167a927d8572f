//! Where tokens live: the [`TokenStore`] trait and the in-memory store.

use crate::prelude::*;

use core::cell::RefCell;

use super::tokens::Tokens;
use crate::error::Result;

/// Synchronous, fallible token storage. Implement it to keep tokens anywhere else.
///
/// A store must treat a corrupt stored value as "no tokens" (`Ok(None)`), and report a storage
/// that cannot be used (disabled, quota exceeded, blocked) as [`Kind::Storage`](crate::Kind::Storage).
pub trait TokenStore: 'static {
    /// The stored tokens, if any.
    fn get(&self) -> Result<Option<Tokens>>;
    /// Replace the stored tokens.
    fn set(&self, tokens: &Tokens) -> Result<()>;
    /// Remove the tokens.
    fn clear(&self) -> Result<()>;

    /// A name for the tokens if other tabs of the origin see the same ones (`localStorage`,
    /// cookies): the client then refreshes once across tabs and tells them about logins and
    /// logouts. `None` (the default): the tokens are this tab's own.
    fn shared_name(&self) -> Option<String> {
        None
    }
}

/// Tokens in memory only: gone when the page is closed. The default, and the safest against
/// XSS reading tokens at rest.
#[derive(Default)]
pub struct MemoryStore {
    tokens: RefCell<Option<Tokens>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryStore {
    fn get(&self) -> Result<Option<Tokens>> {
        Ok(self.tokens.borrow().clone())
    }
    fn set(&self, tokens: &Tokens) -> Result<()> {
        *self.tokens.borrow_mut() = Some(tokens.clone());
        Ok(())
    }
    fn clear(&self) -> Result<()> {
        *self.tokens.borrow_mut() = None;
        Ok(())
    }
}

impl core::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MemoryStore")
    }
}

/// A shared store: keep one `Rc` to read the tokens yourself, give a clone to the client.
impl<S: TokenStore> TokenStore for alloc::rc::Rc<S> {
    fn get(&self) -> Result<Option<Tokens>> {
        (**self).get()
    }
    fn set(&self, tokens: &Tokens) -> Result<()> {
        (**self).set(tokens)
    }
    fn clear(&self) -> Result<()> {
        (**self).clear()
    }
    fn shared_name(&self) -> Option<String> {
        (**self).shared_name()
    }
}
