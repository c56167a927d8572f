//! Typed per-request values that middleware read (e.g. "skip auth", a retry override).

use crate::prelude::*;

use alloc::rc::Rc;
use core::any::{Any, TypeId};
use core::fmt;

/// A small type-keyed map carried by each [`Request`](crate::Request). Cheap to clone.
#[derive(Clone, Default)]
pub struct Extensions {
    items: Vec<(TypeId, Rc<dyn Any>)>,
}

impl Extensions {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Store `value`, replacing a previous value of the same type.
    pub fn insert<T: 'static>(&mut self, value: T) {
        self.put(TypeId::of::<T>(), Rc::new(value));
    }

    /// The value of type `T`, if one was stored.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.find(TypeId::of::<T>())?.downcast_ref::<T>()
    }

    /// Remove the value of type `T`; true if there was one.
    pub fn remove<T: 'static>(&mut self) -> bool {
        self.take(TypeId::of::<T>())
    }

    // The work is done once, not once per type: the typed methods above are one-line shims
    // (each built-in's type would otherwise get its own copy of the search, ~1 KB of wasm).
    fn find(&self, id: TypeId) -> Option<&dyn Any> {
        self.items.iter().find(|(t, _)| *t == id).map(|(_, v)| &**v)
    }

    fn put(&mut self, id: TypeId, value: Rc<dyn Any>) {
        self.take(id);
        self.items.push((id, value));
    }

    fn take(&mut self, id: TypeId) -> bool {
        let before = self.items.len();
        self.items.retain(|(t, _)| *t != id);
        before != self.items.len()
    }
}

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extensions({} values)", self.items.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_insert_get_remove() {
        let mut e = Extensions::new();
        e.insert(5u32);
        e.insert("x");
        e.insert(7u32);
        assert_eq!(e.get::<u32>(), Some(&7));
        assert_eq!(e.get::<&str>(), Some(&"x"));
        assert!(e.remove::<u32>());
        assert_eq!(e.get::<u32>(), None);
    }
}
