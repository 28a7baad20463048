//! register integration tests.
