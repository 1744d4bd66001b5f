//! Persistence (in progress).
