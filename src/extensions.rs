//! Typed per-request values that middleware read (e.g. "skip auth", a retry override).

use std::any::{Any, TypeId};
use std::fmt;
use std::rc::Rc;

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
        let id = TypeId::of::<T>();
        self.items.retain(|(t, _)| *t != id);
        self.items.push((id, Rc::new(value)));
    }

    /// The value of type `T`, if one was stored.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        let id = TypeId::of::<T>();
        self.items
            .iter()
            .find(|(t, _)| *t == id)
            .and_then(|(_, v)| v.downcast_ref::<T>())
    }

    /// Remove the value of type `T`; true if there was one.
    pub fn remove<T: 'static>(&mut self) -> bool {
        let id = TypeId::of::<T>();
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
