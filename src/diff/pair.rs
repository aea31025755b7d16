//! `Pair<T>`: the old and new side of one thing, as in Prisma's `MigrationPair`.

/// The old and the new version of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<T> {
    /// Before.
    pub old: T,
    /// After.
    pub new: T,
}

impl<T> Pair<T> {
    /// Pairs two values.
    pub fn new(old: T, new: T) -> Self {
        Pair { old, new }
    }

    /// Applies `f` to both sides.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Pair<U> {
        Pair {
            old: f(self.old),
            new: f(self.new),
        }
    }

    /// Borrows both sides.
    pub fn as_ref(&self) -> Pair<&T> {
        Pair {
            old: &self.old,
            new: &self.new,
        }
    }
}

impl<T> Pair<Option<T>> {
    /// `Some` when both sides are.
    pub fn transpose(self) -> Option<Pair<T>> {
        match (self.old, self.new) {
            (Some(old), Some(new)) => Some(Pair { old, new }),
            _ => None,
        }
    }
}
